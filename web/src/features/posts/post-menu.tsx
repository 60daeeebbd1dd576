// The "…" menu of a post: copy link, report (others' posts), edit and delete (own posts; admins
// may delete any).
import { useState } from 'react'
import { useLocation } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { useSession } from '../../api/session'
import type { Post } from '../../api/types'
import { Button, FormError, TextArea } from '../../ui/controls'
import { Confirm, Dialog } from '../../ui/dialog'
import { MoreIcon } from '../../ui/icons'
import { toast } from '../../ui/toast'
import { patchPost } from './post-store'
import { ReportDialog } from './report-dialog'

export function PostMenu({ post, onDeleted }: { post: Post; onDeleted?: () => void }) {
  const session = useSession()
  const [, navigate] = useLocation()
  const [open, setOpen] = useState<null | 'menu' | 'report' | 'delete' | 'edit'>(null)
  const me = session.status === 'signed-in' ? session.user : null
  const mine = me?.id === post.author.id
  const canDelete = mine || me?.role === 'admin'

  const copy = async () => {
    setOpen(null)
    try {
      await navigator.clipboard.writeText(`${location.origin}/p/${post.id}`)
      toast('Link copied')
    } catch {
      toast(`${location.origin}/p/${post.id}`)
    }
  }

  const remove = async () => {
    try {
      await call(api.DELETE('/api/hearth/v1/posts/{id}', { params: { path: { id: post.id } } }))
      patchPost(post.id, { deleted: true })
      toast('Post deleted')
      onDeleted?.()
    } catch (e) {
      toast(failureOf(e).message, 'error')
    }
  }

  return (
    <>
      <button
        type="button"
        className="icon-btn"
        aria-label="More options for this post"
        aria-haspopup="dialog"
        onClick={() => setOpen('menu')}
      >
        <MoreIcon />
      </button>
      <Dialog open={open === 'menu'} onClose={() => setOpen(null)} title="Post options">
        <ul className="menu">
          {me && !mine ? (
            <li>
              <button type="button" className="is-danger" onClick={() => setOpen('report')}>
                Report
              </button>
            </li>
          ) : null}
          {mine ? (
            <li>
              <button type="button" onClick={() => setOpen('edit')}>
                Edit caption
              </button>
            </li>
          ) : null}
          {canDelete ? (
            <li>
              <button type="button" className="is-danger" onClick={() => setOpen('delete')}>
                Delete
              </button>
            </li>
          ) : null}
          <li>
            <button type="button" onClick={() => navigate(`/p/${post.id}`)}>
              Go to post
            </button>
          </li>
          <li>
            <button type="button" onClick={() => void copy()}>
              Copy link
            </button>
          </li>
          <li>
            <button type="button" onClick={() => setOpen(null)}>
              Cancel
            </button>
          </li>
        </ul>
      </Dialog>
      <ReportDialog open={open === 'report'} onClose={() => setOpen(null)} target={{ postId: post.id }} what="post" />
      <Confirm
        open={open === 'delete'}
        onClose={() => setOpen(null)}
        title="Delete this post?"
        body={mine ? 'It will disappear from your profile and from feeds.' : 'You are deleting someone else’s post as an administrator.'}
        confirmLabel="Delete"
        onConfirm={() => void remove()}
      />
      {open === 'edit' ? <EditCaption post={post} onClose={() => setOpen(null)} /> : null}
    </>
  )
}

function EditCaption({ post, onClose }: { post: Post; onClose: () => void }) {
  const [content, setContent] = useState(post.content)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const save = async () => {
    setBusy(true)
    setError(undefined)
    try {
      const updated = await call(api.PATCH('/api/hearth/v1/posts/{id}', { params: { path: { id: post.id } }, body: { content } }))
      patchPost(post.id, { content: updated.content, edited: updated.edited })
      onClose()
    } catch (e) {
      const f = failureOf(e)
      setError(f.fields.content ?? f.message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Dialog open onClose={onClose} title="Edit caption" wide>
      <TextArea label="Caption" hideLabel value={content} onChange={(e) => setContent(e.target.value)} rows={5} autoFocus />
      <FormError message={error} />
      <div className="dialog__actions">
        <Button variant="secondary" onClick={onClose}>
          Cancel
        </Button>
        <Button busy={busy} onClick={() => void save()}>
          Save
        </Button>
      </div>
    </Dialog>
  )
}

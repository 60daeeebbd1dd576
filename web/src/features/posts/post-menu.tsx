// The "…" menu of a post: copy link; for others' posts mute, block, report, block and report (the
// author's relationship is asked for when the menu opens); edit and delete (own posts; admins may
// delete any).
import { useState } from 'react'
import { useLocation } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { useSession } from '../../api/session'
import type { Post } from '../../api/types'
import { Button, Field, FormError, TextArea } from '../../ui/controls'
import { Confirm, Dialog } from '../../ui/dialog'
import { MoreIcon } from '../../ui/icons'
import { toast } from '../../ui/toast'
import { useQuery } from '../../lib/use-query'
import { useSafetyMenu } from '../safety/safety-menu'
import { patchPost } from './post-store'

export function PostMenu({ post, onDeleted }: { post: Post; onDeleted?: () => void }) {
  const session = useSession()
  const [, navigate] = useLocation()
  const [open, setOpen] = useState<null | 'menu' | 'delete' | 'edit'>(null)
  const me = session.status === 'signed-in' ? session.user : null
  const mine = me?.id === post.author.id
  const canDelete = mine || me?.role === 'admin'
  // Asked once the menu has been opened: whether the author is muted decides "Mute" or "Unmute".
  const [asked, setAsked] = useState(false)
  const relationship = useQuery(asked && me && !mine ? `relationship:${post.author.id}` : null, () =>
    call(api.GET('/api/hearth/v1/users/{id}/relationship', { params: { path: { id: post.author.id } } })),
  )
  const safety = useSafetyMenu({
    user: post.author,
    state: relationship.data,
    report: { target: { postId: post.id }, what: 'post', label: 'Report' },
    closeMenu: () => setOpen(null),
    onChange: () => void relationship.reload(),
  })

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
        onClick={() => {
          setAsked(true)
          setOpen('menu')
        }}
      >
        <MoreIcon />
      </button>
      <Dialog open={open === 'menu'} onClose={() => setOpen(null)} title="Post options">
        <ul className="menu">
          {me && !mine ? safety.items : null}
          {mine ? (
            <li>
              <button type="button" onClick={() => setOpen('edit')}>
                Edit post
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
      {me && !mine ? safety.dialogs : null}
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

/** The caption, each photo's description (alt text) and the content warning, edited in one go. */
function EditCaption({ post, onClose }: { post: Post; onClose: () => void }) {
  const [content, setContent] = useState(post.content)
  const [alts, setAlts] = useState(post.images.map((i) => i.alt ?? ''))
  const [sensitive, setSensitive] = useState(post.sensitive)
  const [spoiler, setSpoiler] = useState(post.spoilerText ?? '')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const save = async () => {
    setBusy(true)
    setError(undefined)
    try {
      const body = {
        content,
        sensitive,
        spoilerText: sensitive ? spoiler.trim() || null : null,
        ...(post.images.length > 0 ? { images: alts.map((alt) => ({ alt: alt.trim() || null })) } : {}),
      }
      const updated = await call(api.PATCH('/api/hearth/v1/posts/{id}', { params: { path: { id: post.id } }, body }))
      patchPost(post.id, {
        content: updated.content,
        edited: updated.edited,
        images: updated.images,
        sensitive: updated.sensitive,
        spoilerText: updated.spoilerText,
      })
      onClose()
    } catch (e) {
      const f = failureOf(e)
      setError(Object.values(f.fields)[0] ?? f.message)
    } finally {
      setBusy(false)
    }
  }
  return (
    <Dialog open onClose={onClose} title="Edit post" wide>
      <TextArea label="Caption" hideLabel value={content} onChange={(e) => setContent(e.target.value)} rows={5} autoFocus />
      {post.images.map((img, i) => (
        <TextArea
          key={img.url}
          label={`Description of photo ${i + 1}`}
          placeholder="Describe this photo for people who can’t see it"
          value={alts[i] ?? ''}
          maxLength={1500}
          rows={2}
          onChange={(e) => setAlts((a) => a.map((x, j) => (j === i ? e.target.value : x)))}
        />
      ))}
      <label className="toggle">
        <input type="checkbox" checked={sensitive} onChange={(e) => setSensitive(e.target.checked)} />
        <span>Sensitive content</span>
      </label>
      {sensitive ? (
        <Field label="Content warning (optional)" value={spoiler} maxLength={500} onChange={(e) => setSpoiler(e.target.value)} />
      ) : null}
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

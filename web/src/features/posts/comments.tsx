// Threaded comments: top-level comments oldest first, replies folded under their comment until
// asked for. Deleted comments that still have replies stay as placeholders.
import { createContext, useContext, useState } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { useSession } from '../../api/session'
import type { Comment } from '../../api/types'
import { fullDate, plural, timeAgo } from '../../lib/format'
import { useInfinite, type Infinite } from '../../lib/use-infinite'
import { Avatar } from '../../ui/avatar'
import { Button, TextArea } from '../../ui/controls'
import { Confirm } from '../../ui/dialog'
import { RichText } from '../../ui/rich-text'
import { LoadMore } from '../../ui/sentinel'
import { ErrorState, Loading } from '../../ui/states'
import { toast } from '../../ui/toast'
import { patchPost } from './post-store'
import { ReportDialog } from './report-dialog'

interface Thread {
  postId: number
  postAuthorId: number
  commentCount: number
  reply: (c: Comment) => void
  /** new replies the reader just wrote, shown under their parent before any reload */
  added: Record<number, Comment[]>
}

const ThreadContext = createContext<Thread | null>(null)

export function useCommentsList(postId: number) {
  return useInfinite(`comments:${postId}`, (cursor) =>
    call(api.GET('/api/hearth/v1/posts/{id}/comments', { params: { path: { id: postId }, query: { cursor, limit: 30 } } })),
  )
}

export function CommentThread({
  list,
  postId,
  postAuthorId,
  commentCount,
  onReply,
  added,
}: {
  list: Infinite<Comment>
  postId: number
  postAuthorId: number
  commentCount: number
  onReply: (c: Comment) => void
  added: Record<number, Comment[]>
}) {
  if (!list.loaded) return <Loading label="Loading comments" />
  if (list.error && list.items.length === 0) return <ErrorState error={list.error} retry={() => void list.reload()} />
  return (
    <ThreadContext.Provider value={{ postId, postAuthorId, commentCount, reply: onReply, added }}>
      {list.items.length === 0 ? (
        <p className="muted" style={{ padding: '18px 0', textAlign: 'center' }}>
          No comments yet. Start the conversation.
        </p>
      ) : (
        <ul className="comments" aria-label="Comments">
          {list.items.map((c) => (
            <CommentItem key={c.id} comment={c} depth={0} onChanged={(next) => list.update((items) => replaceIn(items, next))} />
          ))}
        </ul>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} error={list.error} onMore={list.loadMore} label="Load more comments" />
    </ThreadContext.Provider>
  )
}

function replaceIn(items: Comment[], next: Comment | { id: number; removed: true }): Comment[] {
  if ('removed' in next) return items.filter((c) => c.id !== next.id)
  return items.map((c) => (c.id === next.id ? next : c))
}

function CommentItem({
  comment,
  depth,
  onChanged,
}: {
  comment: Comment
  depth: number
  onChanged: (c: Comment | { id: number; removed: true }) => void
}) {
  const thread = useContext(ThreadContext)!
  const session = useSession()
  const me = session.status === 'signed-in' ? session.user : null
  const [showReplies, setShowReplies] = useState(false)
  const [editing, setEditing] = useState(false)
  const [draft, setDraft] = useState(comment.content ?? '')
  const [saving, setSaving] = useState(false)
  const [confirm, setConfirm] = useState(false)
  const [report, setReport] = useState(false)
  const added = thread.added[comment.id] ?? []
  const replies = comment.replyCount

  const mine = me !== null && comment.author?.id === me.id
  const canDelete = me !== null && !comment.isDeleted && (mine || me.id === thread.postAuthorId || me.role === 'admin')

  const save = async () => {
    setSaving(true)
    try {
      const updated = await call(
        api.PATCH('/api/hearth/v1/comments/{id}', { params: { path: { id: comment.id } }, body: { content: draft } }),
      )
      onChanged(updated)
      setEditing(false)
    } catch (e) {
      toast(failureOf(e).message, 'error')
    } finally {
      setSaving(false)
    }
  }

  const remove = async () => {
    try {
      await call(api.DELETE('/api/hearth/v1/comments/{id}', { params: { path: { id: comment.id } } }))
      patchPost(thread.postId, { commentCount: Math.max(0, thread.commentCount - 1) })
      if (comment.replyCount > 0) onChanged({ ...comment, isDeleted: true, content: null, author: null })
      else onChanged({ id: comment.id, removed: true })
      toast('Comment deleted')
    } catch (e) {
      toast(failureOf(e).message, 'error')
    }
  }

  return (
    <li className={comment.isDeleted ? 'comment comment--deleted' : 'comment'} id={`comment-${comment.id}`}>
      {comment.author ? (
        <Link href={`/@${comment.author.username}`} aria-hidden="true" tabIndex={-1}>
          <Avatar user={comment.author} size={32} />
        </Link>
      ) : (
        <span className="avatar avatar--initial" style={{ width: 32, height: 32, background: 'var(--line)' }} aria-hidden="true" />
      )}
      <div className="comment__main">
        {comment.isDeleted || !comment.author ? (
          <p className="comment__text">This comment was deleted.</p>
        ) : editing ? (
          <div className="form" style={{ gap: 8 }}>
            <TextArea label="Edit comment" hideLabel value={draft} onChange={(e) => setDraft(e.target.value)} rows={2} autoFocus />
            <div style={{ display: 'flex', gap: 8 }}>
              <Button small busy={saving} disabled={!draft.trim()} onClick={() => void save()}>
                Save
              </Button>
              <Button small variant="secondary" onClick={() => setEditing(false)}>
                Cancel
              </Button>
            </div>
          </div>
        ) : (
          <p className="comment__text">
            <Link href={`/@${comment.author.username}`} className="comment__author">
              {comment.author.username}
            </Link>
            <RichText text={comment.content ?? ''} />
          </p>
        )}
        <div className="comment__meta">
          <time dateTime={comment.createdAt} title={fullDate(comment.createdAt)}>
            {timeAgo(comment.createdAt)}
          </time>
          {comment.edited ? <span>edited</span> : null}
          {me && !comment.isDeleted ? (
            <button type="button" onClick={() => thread.reply(comment)}>
              Reply
            </button>
          ) : null}
          {mine && !editing && !comment.isDeleted ? (
            <button
              type="button"
              onClick={() => {
                setDraft(comment.content ?? '')
                setEditing(true)
              }}
            >
              Edit
            </button>
          ) : null}
          {canDelete ? (
            <button type="button" onClick={() => setConfirm(true)}>
              Delete
            </button>
          ) : null}
          {me && !mine && !comment.isDeleted ? (
            <button type="button" onClick={() => setReport(true)}>
              Report
            </button>
          ) : null}
        </div>
        {replies > 0 && !showReplies ? (
          <button type="button" className="replies-toggle" aria-expanded={false} onClick={() => setShowReplies(true)}>
            View {plural(replies, 'reply', 'replies')}
          </button>
        ) : null}
        {showReplies ? <Replies parent={comment} depth={depth + 1} onHide={() => setShowReplies(false)} /> : null}
        {!showReplies && added.length > 0 ? (
          <ul className="comments replies">
            {added.map((c) => (
              <CommentItem key={c.id} comment={c} depth={depth + 1} onChanged={() => {}} />
            ))}
          </ul>
        ) : null}
      </div>
      <Confirm
        open={confirm}
        onClose={() => setConfirm(false)}
        title="Delete this comment?"
        body={comment.replyCount > 0 ? 'Its replies stay, under a placeholder.' : undefined}
        confirmLabel="Delete"
        onConfirm={() => void remove()}
      />
      <ReportDialog open={report} onClose={() => setReport(false)} target={{ commentId: comment.id }} what="comment" />
    </li>
  )
}

function Replies({ parent, depth, onHide }: { parent: Comment; depth: number; onHide: () => void }) {
  const thread = useContext(ThreadContext)!
  const list = useInfinite(`replies:${parent.id}`, (cursor) =>
    call(api.GET('/api/hearth/v1/comments/{id}/replies', { params: { path: { id: parent.id }, query: { cursor, limit: 20 } } })),
  )
  // Replies written in this visit appear even if the list was loaded before them.
  const extra = (thread.added[parent.id] ?? []).filter((c) => !list.items.some((i) => i.id === c.id))
  return (
    <div className="replies" style={{ marginLeft: depth > 3 ? 0 : undefined }}>
      <button type="button" className="replies-toggle" aria-expanded onClick={onHide}>
        Hide replies
      </button>
      {!list.loaded ? (
        <Loading />
      ) : list.error && list.items.length === 0 ? (
        <ErrorState error={list.error} retry={() => void list.reload()} />
      ) : (
        <ul className="comments" style={{ marginTop: 12 }}>
          {[...list.items, ...extra].map((c) => (
            <CommentItem key={c.id} comment={c} depth={depth} onChanged={(next) => list.update((items) => replaceIn(items, next))} />
          ))}
        </ul>
      )}
      <LoadMore hasMore={list.hasMore} loading={list.loading} error={list.error} onMore={list.loadMore} label="More replies" />
    </div>
  )
}

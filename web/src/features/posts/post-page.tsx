// /p/:id — the photos beside the conversation: likes (and who), threaded comments, reply,
// edit, delete, report.
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { Link, useLocation } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { useSession } from '../../api/session'
import type { Comment, Post } from '../../api/types'
import { fullDate, plural, timeAgo } from '../../lib/format'
import { useQuery } from '../../lib/use-query'
import { Avatar } from '../../ui/avatar'
import { Button } from '../../ui/controls'
import { CloseIcon, CommentIcon, SendIcon } from '../../ui/icons'
import { RichText } from '../../ui/rich-text'
import { Empty, ErrorState, Loading } from '../../ui/states'
import { toast } from '../../ui/toast'
import { BookmarkButton } from './bookmark-button'
import { Carousel } from './carousel'
import { CommentThread, useCommentsList } from './comments'
import { LikeButton, useLike } from './like-button'
import { LikersDialog } from './people-dialog'
import { PostMenu } from './post-menu'
import { SensitiveMedia } from './sensitive-media'
import { freshPosts, patchPost, usePost } from './post-store'
import { useTitle } from '../../lib/use-title'
import { MentionTextarea } from '../search/mention-textarea'

export function PostPage({ id }: { id: number }) {
  const post = useQuery(Number.isInteger(id) && id > 0 ? `post:${id}` : null, async () => {
    const p = await call(api.GET('/api/hearth/v1/posts/{id}', { params: { path: { id } } }))
    return freshPosts([p])[0]!
  })
  if (!Number.isInteger(id) || id <= 0 || post.error?.status === 404 || post.error?.status === 400) {
    return (
      <div className="column">
        <Empty title="This post isn’t available">
          <p>It may have been deleted, or the link may be wrong.</p>
          <p style={{ marginTop: 12 }}>
            <Link href="/">Back to your feed</Link>
          </p>
        </Empty>
      </div>
    )
  }
  if (!post.data) return post.error ? <ErrorState error={post.error} retry={() => void post.reload()} /> : <Loading label="Loading post" />
  return <PostView post={post.data} />
}

function PostView({ post: loaded }: { post: Post }) {
  const post = usePost(loaded)
  useTitle(`${post.author.username}${post.content ? `: “${post.content.slice(0, 50)}”` : '’s post'}`)
  const session = useSession()
  const [, navigate] = useLocation()
  const like = useLike(post)
  const comments = useCommentsList(post.id)
  const [likers, setLikers] = useState(false)
  const [replyTo, setReplyTo] = useState<Comment | null>(null)
  const [added, setAdded] = useState<Record<number, Comment[]>>({})
  const [text, setText] = useState('')
  const [sending, setSending] = useState(false)
  const input = useRef<HTMLTextAreaElement>(null)
  const me = session.status === 'signed-in' ? session.user : null

  useEffect(() => {
    if (location.hash === '#comment') input.current?.focus()
  }, [])

  if (post.hidden === 'blocked') {
    return (
      <div className="column">
        <Empty title={`You blocked @${post.author.username}`}>
          <p>Their posts no longer show for you, and they can’t see yours.</p>
          <p style={{ marginTop: 12 }}>
            <Link href="/">Back to your feed</Link>
          </p>
        </Empty>
      </div>
    )
  }
  if (post.deleted) {
    return (
      <div className="column">
        <Empty title="Post deleted">
          <p>
            <Link href="/">Back to your feed</Link>
          </p>
        </Empty>
      </div>
    )
  }

  const reply = (c: Comment) => {
    setReplyTo(c)
    if (c.author && !text.startsWith(`@${c.author.username}`)) setText(`@${c.author.username} ${text}`)
    input.current?.focus()
  }

  const send = async (e?: FormEvent) => {
    e?.preventDefault()
    const content = text.trim()
    if (!content || sending) return
    setSending(true)
    try {
      const c = await call(
        api.POST('/api/hearth/v1/posts/{id}/comments', {
          params: { path: { id: post.id } },
          body: { content, ...(replyTo ? { parentCommentId: replyTo.id } : {}) },
        }),
      )
      if (replyTo) setAdded((a) => ({ ...a, [replyTo.id]: [...(a[replyTo.id] ?? []), c] }))
      else comments.update((items) => [...items, c])
      patchPost(post.id, { commentCount: post.commentCount + 1 })
      setText('')
      setReplyTo(null)
    } catch (err) {
      const f = failureOf(err)
      toast(f.fields.content ?? f.message, 'error')
    } finally {
      setSending(false)
    }
  }

  const hasMedia = post.images.length > 0
  return (
    <div style={{ padding: '0 0 12px' }}>
      <article className={hasMedia ? 'card post-page' : 'card post-page post-page--text'} aria-label={`Post by ${post.author.username}`}>
        {hasMedia ? (
          <div className="post-page__media">
            <SensitiveMedia post={post}>
              <Carousel
                images={post.images}
                alt={post.content ? `Photo by ${post.author.username}: ${post.content.slice(0, 120)}` : `Photo by ${post.author.username}`}
                onDoubleClick={() => like(true)}
                eager
              />
            </SensitiveMedia>
          </div>
        ) : null}
        <div className="post-page__side">
          <header className="post__head">
            <Link href={`/@${post.author.username}`} className="post__who">
              <Avatar user={post.author} size={36} />
              <span className="post__names">
                <span className="post__username">{post.author.username}</span>
                {post.author.displayName ? <span className="post__time">{post.author.displayName}</span> : null}
              </span>
            </Link>
            <PostMenu post={post} onDeleted={() => navigate('/')} />
          </header>
          <div className="post-page__scroll">
            {post.content ? (
              <div className="comment" style={{ marginBottom: 18 }}>
                <Avatar user={post.author} size={32} />
                <div className="comment__main">
                  <p className="comment__text">
                    <Link href={`/@${post.author.username}`} className="comment__author">
                      {post.author.username}
                    </Link>
                    <RichText text={post.content} />
                  </p>
                  <div className="comment__meta">
                    <time dateTime={post.createdAt}>{timeAgo(post.createdAt)}</time>
                    {post.edited ? <span>edited</span> : null}
                  </div>
                </div>
              </div>
            ) : null}
            <CommentThread
              list={comments}
              postId={post.id}
              postAuthorId={post.author.id}
              commentCount={post.commentCount}
              onReply={reply}
              added={added}
            />
          </div>
          <div className="post-page__foot">
            <div className="post__actions">
              <LikeButton post={post} />
              <button type="button" className="icon-btn" aria-label="Comment" onClick={() => input.current?.focus()}>
                <CommentIcon />
              </button>
              <button
                type="button"
                className="icon-btn"
                aria-label="Copy link"
                onClick={() => void navigator.clipboard?.writeText(location.href).then(() => toast('Link copied'))}
              >
                <SendIcon />
              </button>
              <span className="spacer" />
              <BookmarkButton post={post} />
            </div>
            {post.likeCount > 0 ? (
              <button type="button" className="post__likes" onClick={() => setLikers(true)}>
                {plural(post.likeCount, 'like')}
              </button>
            ) : (
              <p className="muted small">No likes yet</p>
            )}
            <p className="muted small">
              <time dateTime={post.createdAt}>{fullDate(post.createdAt)}</time> · {plural(post.commentCount, 'comment')}
            </p>
          </div>
          {me ? (
            <>
              {replyTo ? (
                <div className="comment-form__replying">
                  <span>Replying to {replyTo.author?.username ?? 'a comment'}</span>
                  <button
                    type="button"
                    className="icon-btn"
                    style={{ width: 28, height: 28 }}
                    aria-label="Cancel reply"
                    onClick={() => setReplyTo(null)}
                  >
                    <CloseIcon size={16} />
                  </button>
                </div>
              ) : null}
              <form className="comment-form" onSubmit={(e) => void send(e)}>
                <Avatar user={me} size={28} />
                <label htmlFor="comment-input" className="sr-only">
                  {replyTo ? 'Write a reply' : 'Write a comment'}
                </label>
                <MentionTextarea
                  id="comment-input"
                  inputRef={input}
                  rows={1}
                  placeholder={replyTo ? 'Write a reply…' : 'Add a comment…'}
                  value={text}
                  maxLength={2000}
                  onValueChange={setText}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter' && !e.shiftKey) {
                      e.preventDefault()
                      void send()
                    }
                    if (e.key === 'Escape') setReplyTo(null)
                  }}
                />
                <Button type="submit" variant="ghost" small busy={sending} disabled={!text.trim()}>
                  Post
                </Button>
              </form>
            </>
          ) : (
            <p className="comment-form">
              {/* one flex item: the form's gap must not come between the link and its sentence */}
              <span>
                <Link href={`/signin?next=${encodeURIComponent(`/p/${post.id}`)}`}>Sign in</Link> to like or comment.
              </span>
            </p>
          )}
        </div>
      </article>
      <LikersDialog postId={post.id} open={likers} onClose={() => setLikers(false)} />
    </div>
  )
}

// A post in a feed: author, photos, like / comment / share, likes, caption, comment count.
import { useState } from 'react'
import { Link } from 'wouter'
import type { Post } from '../../api/types'
import { fullDate, plural, timeAgo } from '../../lib/format'
import { Avatar } from '../../ui/avatar'
import { CommentIcon, SendIcon } from '../../ui/icons'
import { RichText } from '../../ui/rich-text'
import { toast } from '../../ui/toast'
import { BookmarkButton } from './bookmark-button'
import { Carousel } from './carousel'
import { LikeButton, useLike } from './like-button'
import { LikersDialog } from './people-dialog'
import { PostMenu } from './post-menu'
import { SensitiveMedia } from './sensitive-media'
import { usePost } from './post-store'

export function PostCard({ post: loaded, eager }: { post: Post; eager?: boolean }) {
  const post = usePost(loaded)
  const like = useLike(post)
  const [likers, setLikers] = useState(false)
  // A block or mute made from this card's menu takes it out of the feed at once.
  if (post.deleted || post.hidden) return null
  const name = post.author.displayName || post.author.username

  const share = async () => {
    const url = `${location.origin}/p/${post.id}`
    try {
      if (navigator.share) await navigator.share({ url, title: `${name} on Hearth` })
      else {
        await navigator.clipboard.writeText(url)
        toast('Link copied')
      }
    } catch {
      // the reader closed the share sheet
    }
  }

  return (
    <article className="card post" aria-labelledby={`post-${post.id}-by`}>
      <header className="post__head">
        <Link href={`/@${post.author.username}`} className="post__who">
          <Avatar user={post.author} size={36} />
          <span className="post__names">
            <span className="post__username" id={`post-${post.id}-by`}>
              {post.author.username}
            </span>
            <time className="post__time" dateTime={post.createdAt} title={fullDate(post.createdAt)}>
              {timeAgo(post.createdAt)}
              {post.edited ? ' · edited' : ''}
            </time>
          </span>
        </Link>
        <PostMenu post={post} />
      </header>

      {post.images.length > 0 ? (
        <div className="post__media">
          <SensitiveMedia post={post}>
            <Carousel
              images={post.images}
              alt={post.content ? `Photo by ${post.author.username}: ${post.content.slice(0, 120)}` : `Photo by ${post.author.username}`}
              onDoubleClick={() => like(true)}
              eager={eager}
            />
          </SensitiveMedia>
        </div>
      ) : null}

      <div className="post__body">
        <div className="post__actions">
          <LikeButton post={post} />
          <Link href={`/p/${post.id}#comment`} className="icon-btn" aria-label={`Comment (${plural(post.commentCount, 'comment')})`}>
            <CommentIcon />
          </Link>
          <button type="button" className="icon-btn" aria-label="Share" onClick={() => void share()}>
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
          <p className="post__likes muted" style={{ fontWeight: 400 }}>
            Be the first to like this
          </p>
        )}
        {post.content ? (
          <p className="post__content">
            <Link href={`/@${post.author.username}`} style={{ marginRight: 6 }}>
              {post.author.username}
            </Link>
            <RichText text={post.content} />
          </p>
        ) : null}
        {post.commentCount > 0 ? (
          <Link href={`/p/${post.id}`} className="post__comments-link">
            {post.commentCount === 1 ? 'View 1 comment' : `View all ${plural(post.commentCount, 'comment')}`}
          </Link>
        ) : (
          <Link href={`/p/${post.id}#comment`} className="post__comments-link">
            Add a comment…
          </Link>
        )}
      </div>
      <LikersDialog postId={post.id} open={likers} onClose={() => setLikers(false)} />
    </article>
  )
}

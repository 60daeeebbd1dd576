// Square tiles of posts (explore, profiles): the first photo's thumbnail, or the text itself.
import { Link } from 'wouter'
import type { Post } from '../../api/types'
import { count } from '../../lib/format'
import { placeholderUrl } from '../../lib/thumbhash'
import { CommentIcon, EyeOffIcon, HeartIcon } from '../../ui/icons'
import { Photo } from '../../ui/image'
import { usePost } from './post-store'
import { useHideSensitive } from './sensitive-media'

function Tile({ post: loaded, eager, hideMuted }: { post: Post; eager: boolean; hideMuted?: boolean }) {
  const post = usePost(loaded)
  const hide = useHideSensitive(post)
  if (post.deleted || post.hidden === 'blocked' || (hideMuted && post.hidden === 'muted')) return null
  const img = post.images[0]
  const label = `Post by ${post.author.username}: ${count(post.likeCount)} likes, ${count(post.commentCount)} comments${hide && img ? ', sensitive photos' : ''}${post.content ? `. ${post.content.slice(0, 80)}` : ''}`
  return (
    <li>
      <Link href={`/p/${post.id}`} className="grid__item" aria-label={label}>
        {img && hide ? (
          <div className="sensitive grid__sensitive">
            <div className="sensitive__blur" style={{ backgroundImage: `url(${placeholderUrl(img.placeholder) ?? ''})` }} />
            <EyeOffIcon size={28} />
          </div>
        ) : img ? (
          <Photo
            src={img.thumbUrl}
            width={img.thumbWidth}
            height={img.thumbHeight}
            placeholder={img.placeholder}
            alt=""
            square
            eager={eager}
          />
        ) : (
          <div className="grid__text">{post.content.slice(0, 140)}</div>
        )}
        {post.images.length > 1 ? (
          <svg className="grid__multi" width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" fill="#fff">
            <path d="M7 3h11a3 3 0 0 1 3 3v11h-2V6a1 1 0 0 0-1-1H7z" />
            <rect x="3" y="7" width="14" height="14" rx="2" />
          </svg>
        ) : null}
        <span className="grid__overlay" aria-hidden="true">
          <span>
            <HeartIcon filled size={20} /> {count(post.likeCount)}
          </span>
          <span>
            <CommentIcon size={20} /> {count(post.commentCount)}
          </span>
        </span>
      </Link>
    </li>
  )
}

/** `hideMuted`: a feed (explore), which muted people's posts leave; a profile keeps them. */
export function PostGrid({ posts, hideMuted }: { posts: Post[]; hideMuted?: boolean }) {
  return (
    <ul className="grid" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {posts.map((p, i) => (
        <Tile key={p.id} post={p} eager={i < 9} hideMuted={hideMuted} />
      ))}
    </ul>
  )
}

// Likes answer at once: the heart and the count change on click and the request follows. A
// refusal puts them back and says why. Rapid clicks settle on the last state asked for.
import { useRef } from 'react'
import { useLocation } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { getSession } from '../../api/session'
import { HeartIcon } from '../../ui/icons'
import { toast } from '../../ui/toast'
import { patchPost } from './post-store'

export function useLike(post: { id: number; likedByMe: boolean; likeCount: number }) {
  const [, navigate] = useLocation()
  const pending = useRef<Promise<void>>(Promise.resolve())
  const confirmed = useRef({ likedByMe: post.likedByMe, likeCount: post.likeCount })

  return (want: boolean = !post.likedByMe) => {
    if (getSession().status !== 'signed-in') {
      navigate(`/signin?next=${encodeURIComponent(location.pathname)}`)
      return
    }
    if (want === post.likedByMe) return
    patchPost(post.id, { likedByMe: want, likeCount: Math.max(0, post.likeCount + (want ? 1 : -1)) })
    pending.current = pending.current.then(async () => {
      try {
        const params = { params: { path: { id: post.id } } }
        const res = await call(
          want ? api.PUT('/api/hearth/v1/posts/{id}/like', params) : api.DELETE('/api/hearth/v1/posts/{id}/like', params),
        )
        if (res && typeof res === 'object' && 'likeCount' in res) {
          confirmed.current = { likedByMe: want, likeCount: res.likeCount }
          patchPost(post.id, { likedByMe: want, likeCount: res.likeCount })
        }
      } catch (e) {
        patchPost(post.id, confirmed.current)
        toast(failureOf(e).message, 'error')
      }
    })
  }
}

export function LikeButton({ post }: { post: { id: number; likedByMe: boolean; likeCount: number } }) {
  const toggle = useLike(post)
  return (
    <button
      type="button"
      className={post.likedByMe ? 'icon-btn like-btn is-liked' : 'icon-btn like-btn'}
      aria-pressed={post.likedByMe}
      aria-label={post.likedByMe ? 'Unlike' : 'Like'}
      onClick={() => toggle()}
    >
      <HeartIcon filled={post.likedByMe} />
    </button>
  )
}

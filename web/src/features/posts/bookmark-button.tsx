// Saving a post answers at once, like a like (like-button.tsx): the icon changes on click and the
// request follows; a refusal puts it back and says why. The Saved tab reloads on its next visit.
import { useRef } from 'react'
import { useLocation } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { getSession } from '../../api/session'
import { forgetList } from '../../lib/use-infinite'
import { BookmarkIcon } from '../../ui/icons'
import { toast } from '../../ui/toast'
import { patchPost } from './post-store'

export function BookmarkButton({ post }: { post: { id: number; bookmarkedByMe: boolean } }) {
  const [, navigate] = useLocation()
  const pending = useRef<Promise<void>>(Promise.resolve())
  const confirmed = useRef(post.bookmarkedByMe)

  const toggle = () => {
    if (getSession().status !== 'signed-in') {
      navigate(`/signin?next=${encodeURIComponent(location.pathname)}`)
      return
    }
    const want = !post.bookmarkedByMe
    patchPost(post.id, { bookmarkedByMe: want })
    pending.current = pending.current.then(async () => {
      try {
        const params = { params: { path: { id: post.id } } }
        await call(want ? api.PUT('/api/hearth/v1/posts/{id}/bookmark', params) : api.DELETE('/api/hearth/v1/posts/{id}/bookmark', params))
        confirmed.current = want
        forgetList('bookmarks:')
        if (want) toast('Saved')
      } catch (e) {
        patchPost(post.id, { bookmarkedByMe: confirmed.current })
        toast(failureOf(e).message, 'error')
      }
    })
  }

  return (
    <button
      type="button"
      className={post.bookmarkedByMe ? 'icon-btn bookmark-btn is-saved' : 'icon-btn bookmark-btn'}
      aria-pressed={post.bookmarkedByMe}
      aria-label={post.bookmarkedByMe ? 'Remove from saved' : 'Save'}
      onClick={toggle}
    >
      <BookmarkIcon filled={post.bookmarkedByMe} />
    </button>
  )
}

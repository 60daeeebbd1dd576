// Follow / Following, answered at once; a refusal puts it back.
import { useState } from 'react'
import { useLocation } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { getSession } from '../../api/session'
import { Button } from '../../ui/controls'
import { toast } from '../../ui/toast'

export function FollowButton({
  userId,
  username,
  following,
  onChange,
  small,
}: {
  userId: number
  username: string
  following: boolean
  /** called at once with the wanted state, then with the server's answer (and follower count) */
  onChange: (following: boolean, followersCount?: number) => void
  small?: boolean
}) {
  const [, navigate] = useLocation()
  const [busy, setBusy] = useState(false)
  const [hover, setHover] = useState(false)

  const toggle = async () => {
    if (getSession().status !== 'signed-in') {
      navigate(`/signin?next=${encodeURIComponent(`/@${username}`)}`)
      return
    }
    const want = !following
    onChange(want)
    setBusy(true)
    try {
      const params = { params: { path: { id: userId } } }
      const res = await call(
        want ? api.PUT('/api/hearth/v1/users/{id}/follow', params) : api.DELETE('/api/hearth/v1/users/{id}/follow', params),
      )
      onChange(res.isFollowing, res.followersCount)
    } catch (e) {
      onChange(!want)
      toast(failureOf(e).message, 'error')
    } finally {
      setBusy(false)
    }
  }

  return (
    <Button
      variant={following ? 'secondary' : 'primary'}
      small={small}
      disabled={busy}
      aria-pressed={following}
      aria-label={following ? `Unfollow ${username}` : `Follow ${username}`}
      onClick={() => void toggle()}
      onMouseEnter={() => setHover(true)}
      onMouseLeave={() => setHover(false)}
    >
      {following ? (hover ? 'Unfollow' : 'Following') : 'Follow'}
    </Button>
  )
}

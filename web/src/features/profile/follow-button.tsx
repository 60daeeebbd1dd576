// Follow / Requested / Following, answered at once; a refusal puts it back. A private account
// answers a follow with a request ("Requested"), which a second click withdraws.
import { useState } from 'react'
import { useLocation } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { getSession } from '../../api/session'
import { Button } from '../../ui/controls'
import { Confirm } from '../../ui/dialog'
import { toast } from '../../ui/toast'

export type FollowState = 'none' | 'requested' | 'following'

/** The button's state from the flags of a user object. */
export const followStateOf = (u: { isFollowing: boolean; followRequested?: boolean }): FollowState =>
  u.isFollowing ? 'following' : u.followRequested ? 'requested' : 'none'

export function FollowButton({
  userId,
  username,
  state,
  isPrivate,
  onChange,
  small,
}: {
  userId: number
  username: string
  state: FollowState
  /** known to be private: a follow shows "Requested" at once, and unfollowing asks first */
  isPrivate?: boolean
  /** called at once with the wanted state, then with the server's answer (and follower count) */
  onChange: (state: FollowState, followersCount?: number) => void
  small?: boolean
}) {
  const [, navigate] = useLocation()
  const [busy, setBusy] = useState(false)
  const [hover, setHover] = useState(false)
  const [confirm, setConfirm] = useState(false)

  const send = async (want: 'follow' | 'unfollow') => {
    const before = state
    onChange(want === 'unfollow' ? 'none' : isPrivate ? 'requested' : 'following')
    setBusy(true)
    try {
      const params = { params: { path: { id: userId } } }
      const res = await call(
        want === 'follow' ? api.PUT('/api/hearth/v1/users/{id}/follow', params) : api.DELETE('/api/hearth/v1/users/{id}/follow', params),
      )
      onChange(res.state, res.followersCount)
      if (res.state === 'requested' && before === 'none') toast(`Follow request sent to ${username}`)
    } catch (e) {
      onChange(before)
      toast(failureOf(e).message, 'error')
    } finally {
      setBusy(false)
    }
  }

  const click = () => {
    if (getSession().status !== 'signed-in') {
      navigate(`/signin?next=${encodeURIComponent(`/@${username}`)}`)
      return
    }
    if (state === 'none') void send('follow')
    else if (state === 'following' && isPrivate) setConfirm(true)
    else void send('unfollow')
  }

  const label =
    state === 'following'
      ? `Unfollow ${username}`
      : state === 'requested'
        ? `Requested: withdraw your request to follow ${username}`
        : `Follow ${username}`
  return (
    <>
      <Button
        variant={state === 'none' ? 'primary' : 'secondary'}
        small={small}
        disabled={busy}
        aria-pressed={state !== 'none'}
        aria-label={label}
        onClick={click}
        onMouseEnter={() => setHover(true)}
        onMouseLeave={() => setHover(false)}
      >
        {state === 'following' ? (hover ? 'Unfollow' : 'Following') : state === 'requested' ? (hover ? 'Withdraw' : 'Requested') : 'Follow'}
      </Button>
      <Confirm
        open={confirm}
        onClose={() => setConfirm(false)}
        title={`Unfollow ${username}?`}
        body={`${username}’s account is private: to see their posts again you will have to ask to follow them, and wait for them to accept.`}
        confirmLabel="Unfollow"
        onConfirm={() => void send('unfollow')}
      />
    </>
  )
}

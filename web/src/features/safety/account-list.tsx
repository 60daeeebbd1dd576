// Settings › Privacy: the people you block, or mute. Unblock / Unmute works at once and leaves
// the row in place with an undo ("Block again", "Mute again") until the list is next loaded.
import { useState } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import type { Ok } from '../../api/types'
import { relative } from '../../lib/format'
import { useInfinite } from '../../lib/use-infinite'
import { Avatar } from '../../ui/avatar'
import { Button } from '../../ui/controls'
import { LoadMore } from '../../ui/sentinel'
import { ErrorState, Loading } from '../../ui/states'
import { toast } from '../../ui/toast'
import { setBlocked, setMuted } from './actions'

type Listed = Ok<'/api/hearth/v1/blocks', 'get'>['items'][number]

const words = {
  blocks: { undo: 'Unblock', redo: 'Block again', since: 'Blocked', empty: 'You haven’t blocked anyone.', done: 'Unblocked' },
  mutes: { undo: 'Unmute', redo: 'Mute again', since: 'Muted', empty: 'You haven’t muted anyone.', done: 'Unmuted' },
}

export function AccountList({ kind, label }: { kind: 'blocks' | 'mutes'; label: string }) {
  const list = useInfinite(`safety:${kind}`, (cursor) =>
    call(
      kind === 'blocks'
        ? api.GET('/api/hearth/v1/blocks', { params: { query: { cursor, limit: 20 } } })
        : api.GET('/api/hearth/v1/mutes', { params: { query: { cursor, limit: 20 } } }),
    ),
  )
  // Rows undone on this visit: they stay, with the way back.
  const [undone, setUndone] = useState<Set<number>>(new Set())
  const [busy, setBusy] = useState<number | null>(null)
  const w = words[kind]

  const toggle = async (u: Listed) => {
    const restore = undone.has(u.id)
    setBusy(u.id)
    try {
      await (kind === 'blocks' ? setBlocked : setMuted)(u, restore)
      setUndone((s) => {
        const next = new Set(s)
        if (restore) next.delete(u.id)
        else next.add(u.id)
        return next
      })
      toast(restore ? `${w.since} ${u.username} again` : `${w.done} ${u.username}`)
    } catch (e) {
      toast(failureOf(e).message, 'error')
    } finally {
      setBusy(null)
    }
  }

  if (!list.loaded) return <Loading />
  if (list.error && list.items.length === 0) return <ErrorState error={list.error} retry={() => void list.reload()} />
  if (list.items.length === 0) return <p className="muted">{w.empty}</p>
  return (
    <>
      <ul className="people" aria-label={label}>
        {list.items.map((u) => {
          const isUndone = undone.has(u.id)
          return (
            <li key={u.id} className="person safety-row">
              <Link href={`/@${u.username}`} className="person__who">
                <Avatar user={u} size={40} />
                <span className="person__names">
                  <strong>{u.username}</strong>
                  <span>{isUndone ? w.done : `${w.since} ${relative(u.since)}`}</span>
                </span>
              </Link>
              <Button
                variant="secondary"
                small
                busy={busy === u.id}
                aria-label={`${isUndone ? w.redo : w.undo} ${u.username}`}
                onClick={() => void toggle(u)}
              >
                {isUndone ? w.redo : w.undo}
              </Button>
            </li>
          )
        })}
      </ul>
      <LoadMore hasMore={list.hasMore} loading={list.loading} error={list.error} onMore={list.loadMore} />
    </>
  )
}

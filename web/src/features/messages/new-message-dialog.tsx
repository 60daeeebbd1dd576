// "New message": find a person, open (or create) the one conversation with them.
import { useEffect, useState } from 'react'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import type { Conversation, UserSummary } from '../../api/types'
import { Avatar } from '../../ui/avatar'
import { Dialog } from '../../ui/dialog'
import { Loading } from '../../ui/states'
import { FormError } from '../../ui/controls'

export function NewMessageDialog({ open, onClose, onOpened }: { open: boolean; onClose: () => void; onOpened: (c: Conversation) => void }) {
  const [q, setQ] = useState('')
  const [results, setResults] = useState<UserSummary[] | null>(null)
  const [busy, setBusy] = useState(false)
  // The server's reason, beside the list (e.g. the person accepts messages only from people they follow).
  const [error, setError] = useState<string>()

  useEffect(() => {
    const term = q.trim().replace(/^@/, '')
    if (!term) {
      setResults(null)
      return
    }
    let stale = false
    const t = setTimeout(() => {
      call(api.GET('/api/hearth/v1/users', { params: { query: { q: term, limit: 10 } } }))
        .then((r) => !stale && setResults(r.items))
        .catch(() => !stale && setResults([]))
    }, 200)
    return () => {
      stale = true
      clearTimeout(t)
    }
  }, [q])

  const start = async (u: UserSummary) => {
    setBusy(true)
    setError(undefined)
    try {
      onOpened(await call(api.POST('/api/hearth/v1/conversations', { body: { userId: u.id } })))
      setQ('')
    } catch (e) {
      setError(failureOf(e).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog open={open} onClose={onClose} title="New message">
      <label htmlFor="dm-search" className="field__label">
        To:
      </label>
      <input
        id="dm-search"
        className="input"
        placeholder="Search people"
        value={q}
        onChange={(e) => {
          setQ(e.target.value)
          setError(undefined)
        }}
        autoFocus
        autoComplete="off"
      />
      <FormError message={error} />
      <div style={{ marginTop: 10, minHeight: 120 }}>
        {busy ? (
          <Loading />
        ) : results === null ? (
          <p className="muted small">Type a name or username.</p>
        ) : results.length === 0 ? (
          <p className="muted small">No one found.</p>
        ) : (
          <ul className="people">
            {results.map((u) => (
              <li key={u.id}>
                <button
                  type="button"
                  className="person"
                  style={{ width: '100%', border: 0, background: 'none', cursor: 'pointer', textAlign: 'left' }}
                  onClick={() => void start(u)}
                >
                  <Avatar user={u} size={40} />
                  <span className="person__names">
                    <strong>{u.username}</strong>
                    {u.displayName ? <span>{u.displayName}</span> : null}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Dialog>
  )
}

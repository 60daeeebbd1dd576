// Where you are signed in: every active session with its device, place and last use; end any
// of them, or all but this one.
import { useState } from 'react'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import type { DeviceSession } from '../../api/types'
import { fullDate, relative } from '../../lib/format'
import { useQuery } from '../../lib/use-query'
import { Button } from '../../ui/controls'
import { Confirm } from '../../ui/dialog'
import { ErrorState, Loading } from '../../ui/states'
import { toast } from '../../ui/toast'

function DeviceIcon({ device }: { device: string }) {
  const phone = /iphone|android|mobile|ipad/i.test(device)
  return (
    <svg width="28" height="28" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.7" aria-hidden="true">
      {phone ? <rect x="6" y="2" width="12" height="20" rx="2.5" /> : <rect x="2" y="4" width="20" height="13" rx="2" />}
      {phone ? <path d="M11 18h2" /> : <path d="M8 21h8M12 17v4" />}
    </svg>
  )
}

export function SessionsSettings() {
  const sessions = useQuery('auth:sessions', () => call(api.GET('/api/hearth/v1/auth/sessions')))
  const [confirmAll, setConfirmAll] = useState(false)
  const [busy, setBusy] = useState<number | 'all' | null>(null)

  const revoke = async (s: DeviceSession) => {
    setBusy(s.id)
    try {
      await call(api.DELETE('/api/hearth/v1/auth/sessions/{id}', { params: { path: { id: s.id } } }))
      sessions.set((d) => ({ items: (d?.items ?? []).filter((x) => x.id !== s.id) }))
      toast(`Signed out ${s.device}`)
    } catch (e) {
      toast(failureOf(e).message, 'error')
    } finally {
      setBusy(null)
    }
  }

  const revokeOthers = async () => {
    setBusy('all')
    try {
      const r = await call(api.DELETE('/api/hearth/v1/auth/sessions'))
      sessions.set((d) => ({ items: (d?.items ?? []).filter((x) => x.current) }))
      toast(r.revoked === 1 ? 'Signed out 1 other device' : `Signed out ${r.revoked} other devices`)
    } catch (e) {
      toast(failureOf(e).message, 'error')
    } finally {
      setBusy(null)
    }
  }

  const items = sessions.data?.items ?? []
  const others = items.filter((s) => !s.current)
  return (
    <section aria-labelledby="sessions-title">
      <h2 id="sessions-title">Where you’re signed in</h2>
      {!sessions.data ? (
        sessions.error ? (
          <ErrorState error={sessions.error} retry={() => void sessions.reload()} />
        ) : (
          <Loading />
        )
      ) : (
        <>
          <ul style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Active sessions">
            {[...items]
              .sort((a, b) => Number(b.current) - Number(a.current) || b.lastActivity.localeCompare(a.lastActivity))
              .map((s) => (
                <li key={s.id} className="session">
                  <DeviceIcon device={s.device} />
                  <div className="session__main">
                    <p className="session__device">
                      {s.device}
                      {s.current ? <span className="tag">This device</span> : null}
                    </p>
                    <p className="muted small">
                      {s.ipAddress ? `${s.ipAddress} · ` : ''}
                      {s.current ? 'Active now' : <span title={fullDate(s.lastActivity)}>Last active {relative(s.lastActivity)}</span>}
                      {' · '}signed in {fullDate(s.createdAt)}
                    </p>
                  </div>
                  {s.current ? null : (
                    <Button
                      variant="secondary"
                      small
                      busy={busy === s.id}
                      onClick={() => void revoke(s)}
                      aria-label={`Sign out ${s.device}`}
                    >
                      Sign out
                    </Button>
                  )}
                </li>
              ))}
          </ul>
          {others.length > 0 ? (
            <p style={{ marginTop: 18 }}>
              <Button variant="danger" small busy={busy === 'all'} onClick={() => setConfirmAll(true)}>
                Sign out all other devices
              </Button>
            </p>
          ) : (
            <p className="muted" style={{ marginTop: 14 }}>
              You’re not signed in anywhere else.
            </p>
          )}
        </>
      )}
      <Confirm
        open={confirmAll}
        onClose={() => setConfirmAll(false)}
        title="Sign out everywhere else?"
        body={`${others.length === 1 ? 'One other device' : `${others.length} other devices`} will need to sign in again.`}
        confirmLabel="Sign out"
        onConfirm={() => void revokeOthers()}
      />
    </section>
  )
}

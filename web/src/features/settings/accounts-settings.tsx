// Linked Google / GitHub accounts: link (through the provider), unlink (refused when it would
// leave no way to sign in).
import { useEffect, useState } from 'react'
import { useSearch } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import type { Me } from '../../api/types'
import { fullDate } from '../../lib/format'
import { useQuery } from '../../lib/use-query'
import { Button, Notice } from '../../ui/controls'
import { GitHubLogo, GoogleLogo } from '../../ui/icons'
import { ErrorState, Loading } from '../../ui/states'
import { toast } from '../../ui/toast'
import { useProviders } from '../auth/oauth-buttons'

const logos: Record<string, React.ReactNode> = { google: <GoogleLogo size={24} />, github: <GitHubLogo size={24} /> }

export function AccountsSettings({ me }: { me: Me }) {
  const providers = useProviders()
  const links = useQuery('auth:links', () => call(api.GET('/api/hearth/v1/auth/oauth/links')))
  const [busy, setBusy] = useState<string | null>(null)
  const linked = new URLSearchParams(useSearch()).get('linked')

  useEffect(() => {
    if (linked) void links.reload()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- links.reload is stable; `links` is a new object each render
  }, [linked])

  const link = async (provider: 'google' | 'github') => {
    setBusy(provider)
    try {
      const intent = await call(api.POST('/api/hearth/v1/auth/oauth/{provider}/link-intent', { params: { path: { provider } } }))
      location.assign(`${intent.url}&returnTo=${encodeURIComponent('/settings/accounts')}`)
    } catch (e) {
      toast(failureOf(e).message, 'error')
      setBusy(null)
    }
  }

  const unlink = async (provider: 'google' | 'github') => {
    setBusy(provider)
    try {
      await call(api.DELETE('/api/hearth/v1/auth/oauth/links/{provider}', { params: { path: { provider } } }))
      links.set((d) => ({ items: (d?.items ?? []).filter((l) => l.provider !== provider) }))
      toast('Account unlinked')
    } catch (e) {
      toast(failureOf(e).message, 'error')
    } finally {
      setBusy(null)
    }
  }

  const available = providers.data?.providers ?? []
  const items = links.data?.items ?? []
  // Show linked providers even if the server stopped offering them, so they can be unlinked.
  const ids = [...new Set([...available.map((p) => p.id), ...items.map((l) => l.provider)])]

  return (
    <section aria-labelledby="accounts-title">
      <h2 id="accounts-title">Linked accounts</h2>
      <p className="muted" style={{ marginBottom: 12 }}>
        Sign in to {me.username} with another account.
      </p>
      {linked ? <Notice tone="success">Your {linked === 'github' ? 'GitHub' : 'Google'} account is now linked.</Notice> : null}
      {!links.data || !providers.data ? (
        links.error ? (
          <ErrorState error={links.error} retry={() => void links.reload()} />
        ) : (
          <Loading />
        )
      ) : ids.length === 0 ? (
        <p className="muted">This server has no sign-in providers configured.</p>
      ) : (
        <ul style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {ids.map((id) => {
            const linkedAs = items.find((l) => l.provider === id)
            const name = available.find((p) => p.id === id)?.name ?? linkedAs?.name ?? id
            const pid = id as 'google' | 'github'
            return (
              <li key={id} className="session">
                {logos[id] ?? null}
                <div className="session__main">
                  <p className="session__device">{name}</p>
                  <p className="muted small">{linkedAs ? `Linked ${fullDate(linkedAs.linkedAt)}` : 'Not linked'}</p>
                </div>
                {linkedAs ? (
                  <Button variant="secondary" small busy={busy === id} onClick={() => void unlink(pid)}>
                    Unlink
                  </Button>
                ) : (
                  <Button small busy={busy === id} onClick={() => void link(pid)}>
                    Link
                  </Button>
                )}
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}

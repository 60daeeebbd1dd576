// "Continue with Google / GitHub", only for the providers this server has configured. The
// buttons are plain links: the server runs the whole flow and lands back on the app signed in.
import type { ReactElement } from 'react'
import { api } from '../../api/client'
import { call } from '../../api/problem'
import { useQuery } from '../../lib/use-query'
import { GitHubLogo, GoogleLogo } from '../../ui/icons'

const logos: Record<string, ReactElement> = { google: <GoogleLogo />, github: <GitHubLogo /> }

export function useProviders() {
  return useQuery('auth:providers', () => call(api.GET('/api/hearth/v1/auth/providers')))
}

export function OAuthButtons({ top }: { top?: boolean }) {
  const { data } = useProviders()
  const providers = data?.providers ?? []
  if (providers.length === 0) return null
  const buttons = (
    <div className="oauth">
      {providers.map((p) => (
        <a
          key={p.id}
          className="btn btn--secondary btn--block oauth__btn"
          href={`/api/hearth/v1/auth/oauth/${encodeURIComponent(p.id)}?returnTo=%2F`}
        >
          {logos[p.id] ?? null}
          <span className="btn__label">Continue with {p.name}</span>
        </a>
      ))}
    </div>
  )
  return (
    <>
      {top ? buttons : null}
      <div className="divider" role="separator">
        <span>or</span>
      </div>
      {top ? null : buttons}
    </>
  )
}

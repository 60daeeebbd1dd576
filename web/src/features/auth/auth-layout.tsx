// The frame of the signed-out screens: one centred card, a second card to switch screens.
import type { ReactNode } from 'react'
import { Link } from 'wouter'
import { Wordmark } from '../../ui/shell'
import { useTitle } from '../../lib/use-title'

export function AuthLayout({
  title,
  subtitle,
  children,
  footer,
}: {
  title: string
  subtitle?: string
  children: ReactNode
  footer?: ReactNode
}) {
  useTitle(title)
  return (
    <main className="auth" id="main" tabIndex={-1}>
      <div className="auth__column">
        <section className="card auth__card" aria-labelledby="auth-title">
          <Link href="/explore" className="auth__brand" aria-label="Hearth, explore without signing in">
            <Wordmark />
          </Link>
          <h1 id="auth-title" className="auth__title">
            {title}
          </h1>
          {subtitle ? <p className="auth__subtitle">{subtitle}</p> : null}
          {children}
        </section>
        {footer ? <section className="card auth__footer">{footer}</section> : null}
      </div>
    </main>
  )
}

/** Only same-site paths: `?next=https://evil.example` must not become an open redirect. */
export function safeNext(search: string): string {
  const next = new URLSearchParams(search).get('next')
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/'
}

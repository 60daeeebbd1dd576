import { useEffect, useState } from 'react'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { Button, Notice } from '../../ui/controls'
import { Loading } from '../../ui/states'
import { AuthLayout } from './auth-layout'

type Ask = { app: { name: string; website: string | null }; scopes: string[]; redirectUri: string; outOfBand: boolean }

const SCOPE_WORDS: Record<string, string> = {
  read: 'See your account, feed, posts, likes and notifications',
  write: 'Post, like, edit and delete on your behalf',
  follow: 'Follow, unfollow, block and mute people',
  push: 'Send you push notifications',
  profile: 'See your profile',
}

/**
 * The consent page of a third-party (Mastodon) app: /oauth/authorize checks the request and sends
 * the browser here (signed in first, like every private screen). The answer goes to the API, which
 * returns where to go next: the app's redirect URI with the code, or the code to copy (out of band).
 */
export function AuthorizeApp() {
  const params = new URLSearchParams(window.location.search)
  const request = {
    clientId: params.get('client_id') ?? '',
    redirectUri: params.get('redirect_uri') ?? '',
    ...(params.get('scope') ? { scope: params.get('scope')! } : {}),
  }
  const [ask, setAsk] = useState<Ask | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [code, setCode] = useState<string | null>(null)

  useEffect(() => {
    call(api.GET('/api/hearth/v1/apps/authorization', { params: { query: request } }))
      .then(setAsk)
      .catch((e: unknown) => setError(failureOf(e).message))
    // the query is the page's address: read once
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  async function answer(approve: boolean) {
    setBusy(true)
    try {
      const body = {
        ...request,
        approve,
        ...(params.get('state') ? { state: params.get('state')! } : {}),
        ...(params.get('code_challenge') ? { codeChallenge: params.get('code_challenge')! } : {}),
        ...(params.get('code_challenge_method') ? { codeChallengeMethod: params.get('code_challenge_method')! } : {}),
      }
      const next = await call(api.POST('/api/hearth/v1/apps/authorization', { body }))
      // A navigation, not a form post: the CSP's form-action need not name the app.
      if (next.redirectUrl) window.location.assign(next.redirectUrl)
      else if (next.code) setCode(next.code)
      else setError('You denied access. You can close this page.')
    } catch (e) {
      setError(failureOf(e).message)
    } finally {
      setBusy(false)
    }
  }

  if (error) {
    return (
      <AuthLayout title="Authorize an app">
        <Notice tone="warning">{error}</Notice>
      </AuthLayout>
    )
  }
  if (!ask) return <Loading label="Loading the app’s request" />
  if (code) {
    return (
      <AuthLayout title="Copy this code into the app">
        <p>Paste this code into {ask.app.name}:</p>
        <p>
          <code className="authorize__code">{code}</code>
        </p>
      </AuthLayout>
    )
  }
  return (
    <AuthLayout title={`Allow ${ask.app.name}?`} subtitle={ask.app.website ?? undefined}>
      <p>{ask.app.name} asks to use your Hearth account. It will be able to:</p>
      <ul>
        {ask.scopes.map((s) => (
          <li key={s}>{SCOPE_WORDS[s] ?? s}</li>
        ))}
      </ul>
      <p>You can revoke its access any time in Settings › Devices.</p>
      <Button block busy={busy} onClick={() => void answer(true)}>
        Allow
      </Button>
      <Button block variant="secondary" disabled={busy} onClick={() => void answer(false)}>
        Deny
      </Button>
    </AuthLayout>
  )
}

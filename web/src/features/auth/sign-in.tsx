import { useState, type FormEvent } from 'react'
import { Link, Redirect, useLocation, useSearch } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf, toFailure, type Failure } from '../../api/problem'
import { acceptTokens, useSession } from '../../api/session'
import { fullDate } from '../../lib/format'
import { Button, Field, FormError, Notice } from '../../ui/controls'
import { AuthLayout, safeNext } from './auth-layout'
import { OAuthButtons } from './oauth-buttons'
import { SecondFactor } from './second-factor'

export function SignIn() {
  const session = useSession()
  const search = useSearch()
  const [, navigate] = useLocation()
  const next = safeNext(search)
  const [login, setLogin] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const [challenge, setChallenge] = useState<string>()
  const params = new URLSearchParams(search)
  const oauthError = params.get('error')
  const justDeleted = params.get('deleted') === '1'
  // a sign-in to an account being deleted: the one thing offered is cancelling the deletion
  // (from a provider's sign-in the refusal arrives in the address: ?error=account_pending_deletion&cancelToken=…)
  const [pending, setPending] = useState<{ cancelToken: string; scheduledFor: string | undefined; viaProvider?: boolean } | undefined>(
    () => {
      const cancelToken = params.get('cancelToken')
      return oauthError === 'account_pending_deletion' && cancelToken
        ? { cancelToken, scheduledFor: params.get('scheduledFor') ?? undefined, viaProvider: true }
        : undefined
    },
  )
  const [cancelled, setCancelled] = useState(false)

  if (session.status === 'signed-in' && !busy) return <Redirect to={next} replace />

  async function signIn() {
    setBusy(true)
    setFailure(undefined)
    try {
      const { data, error, response } = await api.POST('/api/hearth/v1/auth/login', { body: { login: login.trim(), password } })
      // Two-factor sign-in on: the password was right, the code comes next.
      if (error && 'challenge' in error && error.code === 'two_factor_required' && error.challenge) {
        setChallenge(error.challenge)
        setBusy(false)
        return
      }
      if (!data) throw toFailure(error, response.status)
      acceptTokens(data)
      navigate(next, { replace: true })
    } catch (err) {
      const f = failureOf(err)
      if (f.code === 'account_pending_deletion' && f.cancelToken)
        setPending({ cancelToken: f.cancelToken, scheduledFor: f.deletionScheduledFor })
      else setFailure(f)
      setBusy(false)
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault()
    void signIn()
  }

  async function cancelDeletion() {
    if (!pending) return
    setBusy(true)
    setFailure(undefined)
    try {
      await call(api.POST('/api/hearth/v1/users/me/deletion/cancel', { body: { cancelToken: pending.cancelToken } }))
      setPending(undefined)
      setCancelled(true)
      // with a password the sign-in goes on; after a provider's, the person signs in with it again
      if (pending.viaProvider) setBusy(false)
      else await signIn()
    } catch (err) {
      setPending(undefined)
      setFailure(failureOf(err))
      setBusy(false)
    }
  }

  if (challenge) {
    return (
      <SecondFactor
        challenge={challenge}
        onDone={() => navigate(next, { replace: true })}
        onExpired={(message) => {
          setChallenge(undefined)
          setPassword('')
          setFailure({ message, code: 'challenge_expired', status: 401, fields: {} })
        }}
      />
    )
  }

  const fields = failure?.fields ?? {}
  return (
    <AuthLayout
      title="Sign in"
      subtitle="See photos and moments from the people you follow."
      footer={
        <p>
          New to Hearth? <Link href={`/signup${search ? `?${search}` : ''}`}>Create an account</Link>
        </p>
      }
    >
      {session.status === 'signed-out' && session.reason === 'revoked' ? (
        <Notice tone="warning">Your session has ended. Please sign in again.</Notice>
      ) : null}
      {oauthError && oauthError !== 'account_pending_deletion' ? <Notice tone="warning">{oauthError}</Notice> : null}
      {cancelled ? <Notice tone="success">Deletion cancelled. Your account is back.</Notice> : null}
      {justDeleted && !pending ? <Notice tone="info">Your account is scheduled for deletion. You have been signed out.</Notice> : null}
      {pending ? (
        <div role="alert" className="form" style={{ marginBottom: 16 }}>
          <Notice tone="warning">
            Your account is scheduled for deletion{pending.scheduledFor ? ` on ${fullDate(pending.scheduledFor)}` : ''}. Cancel deletion?
          </Notice>
          <Button block busy={busy} onClick={() => void cancelDeletion()}>
            Cancel deletion
          </Button>
          <Button block variant="ghost" disabled={busy} onClick={() => setPending(undefined)}>
            Keep it scheduled
          </Button>
        </div>
      ) : null}
      <form className="form" onSubmit={submit} noValidate>
        <Field
          label="Email or username"
          name="login"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={login}
          onChange={(e) => setLogin(e.target.value)}
          error={fields.login}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fields.password}
        />
        <FormError message={failure && Object.keys(fields).length === 0 ? failure.message : undefined} />
        <Button type="submit" block busy={busy} disabled={!login.trim() || !password}>
          Sign in
        </Button>
      </form>
      <OAuthButtons />
      <p className="auth__aside">
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
    </AuthLayout>
  )
}

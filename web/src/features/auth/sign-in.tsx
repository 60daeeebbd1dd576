import { useState, type FormEvent } from 'react'
import { Link, Redirect, useLocation, useSearch } from 'wouter'
import { api } from '../../api/client'
import { failureOf, toFailure, type Failure } from '../../api/problem'
import { acceptTokens, useSession } from '../../api/session'
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
  const oauthError = new URLSearchParams(search).get('error')

  if (session.status === 'signed-in' && !busy) return <Redirect to={next} replace />

  async function submit(e: FormEvent) {
    e.preventDefault()
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
      {oauthError ? <Notice tone="warning">{oauthError}</Notice> : null}
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
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

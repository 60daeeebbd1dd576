import { useState, type FormEvent } from 'react'
import { Link, Redirect, useLocation, useSearch } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf, type Failure } from '../../api/problem'
import { acceptTokens, useSession } from '../../api/session'
import { Button, Field, FormError } from '../../ui/controls'
import { AuthLayout, safeNext } from './auth-layout'
import { OAuthButtons } from './oauth-buttons'

const USERNAME = /^[A-Za-z0-9_]{3,30}$/

export function SignUp() {
  const session = useSession()
  const search = useSearch()
  const [, navigate] = useLocation()
  const next = safeNext(search)
  const [form, setForm] = useState({ email: '', displayName: '', username: '', password: '' })
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const [touched, setTouched] = useState<Record<string, boolean>>({})

  if (session.status === 'signed-in' && !busy) return <Redirect to={next} replace />

  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }))
  const blur = (k: string) => () => setTouched((t) => ({ ...t, [k]: true }))

  // Checks the reader can see before sending; the server's answer still has the last word.
  const local: Record<string, string> = {}
  if (touched.username && form.username && !USERNAME.test(form.username)) {
    local.username = 'Use 3 to 30 letters, digits or underscores.'
  }
  if (touched.password && form.password && form.password.length < 8) local.password = 'Use at least 8 characters.'
  if (touched.email && form.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email))
    local.email = 'Enter an email address like name@example.com.'

  async function submit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setFailure(undefined)
    try {
      const result = await call(
        api.POST('/api/hearth/v1/auth/register', {
          body: {
            email: form.email.trim(),
            username: form.username.trim(),
            password: form.password,
            ...(form.displayName.trim() ? { displayName: form.displayName.trim() } : {}),
          },
        }),
      )
      acceptTokens(result)
      navigate(next === '/' ? '/explore?welcome=1' : next, { replace: true })
    } catch (err) {
      setFailure(failureOf(err))
      setBusy(false)
    }
  }

  const fields = { ...local, ...(failure?.fields ?? {}) }
  const unplaced = failure && !Object.keys(failure.fields).some((k) => k in form) ? failure.message : undefined
  return (
    <AuthLayout
      title="Create your account"
      subtitle="Share photos with friends. It takes a minute."
      footer={
        <p>
          Have an account? <Link href={`/signin${search ? `?${search}` : ''}`}>Sign in</Link>
        </p>
      }
    >
      <OAuthButtons top />
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={form.email}
          onChange={set('email')}
          onBlur={blur('email')}
          error={fields.email}
        />
        <Field
          label="Full name"
          name="displayName"
          autoComplete="name"
          value={form.displayName}
          onChange={set('displayName')}
          error={fields.displayName}
          hint="Optional. Shown on your profile."
        />
        <Field
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          value={form.username}
          onChange={set('username')}
          onBlur={blur('username')}
          error={fields.username}
          hint="Letters, digits and underscores. Your profile will be at /@username."
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={form.password}
          onChange={set('password')}
          onBlur={blur('password')}
          error={fields.password}
          hint="At least 8 characters. A few words make a strong password."
        />
        <FormError message={unplaced} />
        <Button type="submit" block busy={busy} disabled={!form.email || !form.username || !form.password}>
          Create account
        </Button>
      </form>
    </AuthLayout>
  )
}

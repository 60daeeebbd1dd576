import { useState, type FormEvent } from 'react'
import { Link, useSearch } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf, type Failure } from '../../api/problem'
import { Button, Field, FormError, Notice } from '../../ui/controls'
import { AuthLayout } from './auth-layout'

export function ResetPassword() {
  const token = new URLSearchParams(useSearch()).get('token') ?? ''
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const mismatch = confirm.length > 0 && confirm !== password

  async function submit(e: FormEvent) {
    e.preventDefault()
    if (mismatch) return
    setBusy(true)
    setFailure(undefined)
    try {
      await call(api.POST('/api/hearth/v1/auth/password/reset', { body: { token, newPassword: password } }))
      setDone(true)
    } catch (err) {
      setFailure(failureOf(err))
    } finally {
      setBusy(false)
    }
  }

  if (!token) {
    return (
      <AuthLayout title="Reset link missing" footer={<Link href="/forgot-password">Ask for a new link</Link>}>
        <Notice tone="warning">This page needs the link from the email we sent you. Open that link again, or ask for a new one.</Notice>
      </AuthLayout>
    )
  }

  return (
    <AuthLayout title="Choose a new password" subtitle="You will be signed out everywhere, then you can sign in with the new password.">
      {done ? (
        <>
          <Notice tone="success">Your password has been changed.</Notice>
          <Link href="/signin" className="btn btn--primary btn--block">
            <span className="btn__label">Sign in</span>
          </Link>
        </>
      ) : (
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <Field
            label="New password"
            type="password"
            autoComplete="new-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={failure?.fields.newPassword}
            hint="At least 8 characters."
          />
          <Field
            label="Repeat the new password"
            type="password"
            autoComplete="new-password"
            required
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
            error={mismatch ? 'The two passwords differ.' : undefined}
          />
          <FormError message={failure && !failure.fields.newPassword ? failure.message : undefined} />
          {failure && failure.fields.token ? (
            <p className="muted">
              <Link href="/forgot-password">Ask for a new link</Link>
            </p>
          ) : null}
          <Button type="submit" block busy={busy} disabled={!password || mismatch}>
            Change password
          </Button>
        </form>
      )}
    </AuthLayout>
  )
}

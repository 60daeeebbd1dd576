import { useState, type FormEvent } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf, type Failure } from '../../api/problem'
import type { Me } from '../../api/types'
import { Button, Field, FormError, Notice } from '../../ui/controls'

export function PasswordSettings({ me }: { me: Me }) {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [confirm, setConfirm] = useState('')
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const mismatch = confirm.length > 0 && confirm !== next

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (mismatch) return
    setBusy(true)
    setFailure(undefined)
    setDone(false)
    try {
      await call(api.POST('/api/hearth/v1/auth/password', { body: { currentPassword: current, newPassword: next } }))
      setDone(true)
      setCurrent('')
      setNext('')
      setConfirm('')
    } catch (err) {
      setFailure(failureOf(err))
    } finally {
      setBusy(false)
    }
  }

  if (!me.hasPassword) {
    return (
      <section>
        <h2>Password</h2>
        <p className="muted">
          You sign in with a linked account and have no Hearth password yet. To set one, use{' '}
          <Link href="/forgot-password">the reset link</Link> sent to {me.email}.
        </p>
      </section>
    )
  }

  const fields = failure?.fields ?? {}
  // A wrong current password comes back as a 400/401 without a field: show it by that field.
  const currentError = fields.currentPassword ?? (failure && failure.status === 401 ? failure.message : undefined)
  return (
    <section aria-labelledby="password-settings">
      <h2 id="password-settings">Change password</h2>
      <p className="muted" style={{ marginBottom: 16 }}>
        You will stay signed in here; every other device will be signed out.
      </p>
      {done ? <Notice tone="success">Password changed. Other devices have been signed out.</Notice> : null}
      <form className="form" onSubmit={(e) => void submit(e)} noValidate style={{ maxWidth: 420, marginTop: done ? 14 : 0 }}>
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          error={currentError}
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
          error={fields.newPassword}
          hint="At least 8 characters."
        />
        <Field
          label="Repeat the new password"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          error={mismatch ? 'The two passwords differ.' : undefined}
        />
        <FormError message={failure && !currentError && !fields.newPassword ? failure.message : undefined} />
        <div>
          <Button type="submit" busy={busy} disabled={!current || !next || mismatch}>
            Change password
          </Button>
        </div>
      </form>
    </section>
  )
}

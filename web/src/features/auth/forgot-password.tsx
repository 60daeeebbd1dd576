import { useState, type FormEvent } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf, type Failure } from '../../api/problem'
import { Button, Field, FormError, Notice } from '../../ui/controls'
import { AuthLayout } from './auth-layout'

export function ForgotPassword() {
  const [email, setEmail] = useState('')
  const [busy, setBusy] = useState(false)
  const [sent, setSent] = useState<string>()
  const [failure, setFailure] = useState<Failure>()

  async function submit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setFailure(undefined)
    try {
      const res = await call(api.POST('/api/hearth/v1/auth/password/forgot', { body: { email: email.trim() } }))
      setSent(res.message)
    } catch (err) {
      setFailure(failureOf(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <AuthLayout
      title="Trouble signing in?"
      subtitle="Enter your email and we’ll send you a link to choose a new password."
      footer={
        <p>
          <Link href="/signin">Back to sign in</Link>
        </p>
      }
    >
      {sent ? (
        <Notice tone="success">{sent} Check your inbox (and the spam folder).</Notice>
      ) : (
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <Field
            label="Email"
            type="email"
            name="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={failure?.fields.email}
          />
          <FormError message={failure && !failure.fields.email ? failure.message : undefined} />
          <Button type="submit" block busy={busy} disabled={!email.trim()}>
            Send reset link
          </Button>
        </form>
      )}
    </AuthLayout>
  )
}

// The account's email address: whether it is confirmed, a new confirmation link, and moving to a
// new address (the link goes there; the address changes only once it is opened).
import { useState, type FormEvent } from 'react'
import { api } from '../../api/client'
import { call, failureOf, type Failure } from '../../api/problem'
import { signOut } from '../../api/session'
import type { Me } from '../../api/types'
import { Button, Field, FormError, Notice } from '../../ui/controls'
import { toast } from '../../ui/toast'

export function EmailSettings({ me }: { me: Me }) {
  const [verifySent, setVerifySent] = useState(false)
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [sentTo, setSentTo] = useState<string>()
  const [failure, setFailure] = useState<Failure>()

  const requestVerification = async () => {
    try {
      await call(api.POST('/api/hearth/v1/auth/email/verify-request'))
      setVerifySent(true)
    } catch (err) {
      toast(failureOf(err).message, 'error')
    }
  }

  const change = async (e: FormEvent) => {
    e.preventDefault()
    const to = email.trim()
    setBusy(true)
    setFailure(undefined)
    setSentTo(undefined)
    try {
      // Accounts without a password re-authenticate by a recent sign-in instead.
      await call(api.POST('/api/hearth/v1/auth/email/change', { body: me.hasPassword ? { email: to, password } : { email: to } }))
      setSentTo(to.toLowerCase())
      setEmail('')
      setPassword('')
    } catch (err) {
      setFailure(failureOf(err))
    } finally {
      setBusy(false)
    }
  }

  const fields = failure?.fields ?? {}
  const signInAgain = failure?.code === 'reauthentication_required'
  return (
    <div className="settings__section" aria-labelledby="email-settings" style={{ marginTop: 32 }}>
      <h2 id="email-settings">Email address</h2>
      <p>
        {me.email} {me.emailVerified ? <span className="tag">Confirmed</span> : <span className="tag tag--muted">Not confirmed</span>}
      </p>
      {!me.emailVerified ? (
        verifySent ? (
          <Notice tone="success">We sent a confirmation link to {me.email}.</Notice>
        ) : (
          <p style={{ marginTop: 10 }}>
            <Button variant="secondary" small onClick={() => void requestVerification()}>
              Send confirmation link
            </Button>
          </p>
        )
      ) : null}

      <form
        className="form"
        onSubmit={(e) => void change(e)}
        noValidate
        style={{ maxWidth: 420, marginTop: 20 }}
        aria-label="Change email address"
      >
        <p className="muted">
          To use another address, enter it below: we send a link there, and your address changes when you open it. {me.email} gets a notice.
        </p>
        {sentTo ? (
          <Notice tone="success">
            Check your inbox at {sentTo} and open the link within 24 hours. Until then you sign in with {me.email}.
          </Notice>
        ) : null}
        <Field
          label="New email address"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={fields.email}
        />
        {me.hasPassword ? (
          <Field
            label="Current password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fields.password}
          />
        ) : null}
        {signInAgain ? (
          <Notice tone="warning">
            {failure.message} {/* Signing out lands on sign-in, which brings the person back to this page afterwards. */}
            <Button variant="link" small onClick={() => void signOut()}>
              Sign in again
            </Button>
          </Notice>
        ) : (
          <FormError message={failure && !fields.email && !fields.password ? failure.message : undefined} />
        )}
        <div>
          <Button type="submit" busy={busy} disabled={!email.trim() || (me.hasPassword && !password)}>
            Change email
          </Button>
        </div>
      </form>
    </div>
  )
}

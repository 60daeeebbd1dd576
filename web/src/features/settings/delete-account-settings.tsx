import { useState, type FormEvent } from 'react'
import { useLocation } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf, type Failure } from '../../api/problem'
import { signOut } from '../../api/session'
import type { Me } from '../../api/types'
import { Button, Field, FormError, Notice } from '../../ui/controls'

/** Settings › Delete account: what happens, the password (or a fresh sign-in), a confirmation, then signed out. */
export function DeleteAccountSettings({ me }: { me: Me }) {
  const [, navigate] = useLocation()
  const [password, setPassword] = useState('')
  const [confirmed, setConfirmed] = useState(false)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setFailure(undefined)
    try {
      await call(api.DELETE('/api/hearth/v1/users/me', { body: me.hasPassword ? { password } : {} }))
      await signOut()
      // "~": from the root (this screen sits inside the nested /settings routes)
      navigate('~/signin?deleted=1', { replace: true })
    } catch (err) {
      setFailure(failureOf(err))
      setBusy(false)
    }
  }

  const fields = failure?.fields ?? {}
  const passwordError = fields.password ?? (failure?.code === 'invalid_current_password' ? failure.message : undefined)
  return (
    <section aria-labelledby="delete-account">
      <h2 id="delete-account">Delete account</h2>
      <div className="muted" style={{ marginBottom: 16 }}>
        <p>
          Your profile, posts, photos, comments, likes and messages disappear for everyone at once, you are signed out on every device, and
          you leave everyone’s followers and following lists.
        </p>
        <p>
          After a grace period (30 days unless this server says otherwise) everything is erased for good and your username and email address
          become free. Until then, signing in again lets you cancel the deletion. Reports others made about your account stay with the
          moderators.
        </p>
      </div>
      {!me.hasPassword ? (
        <Notice tone="info">
          Your account has no password: sign out and sign in again with your linked account, then delete it within 15 minutes.
        </Notice>
      ) : null}
      <form className="form" onSubmit={(e) => void submit(e)} noValidate style={{ maxWidth: 420, marginTop: 14 }}>
        {me.hasPassword ? (
          <Field
            label="Your password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={passwordError}
          />
        ) : null}
        <label className="toggle">
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
          <span>I understand that my account and everything in it will be deleted.</span>
        </label>
        <FormError message={failure && !passwordError ? failure.message : undefined} />
        <div>
          <Button type="submit" variant="danger" busy={busy} disabled={!confirmed || (me.hasPassword && !password)}>
            Delete my account
          </Button>
        </div>
      </form>
    </section>
  )
}

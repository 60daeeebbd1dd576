// The second step of a password sign-in with two-factor sign-in on: the 6-digit code from the
// authenticator app, or one of the recovery codes. The challenge from the first step lasts five
// minutes and dies after five wrong codes; then the person starts again with their password.
import { useState, type FormEvent } from 'react'
import { api } from '../../api/client'
import { call, failureOf, type Failure } from '../../api/problem'
import { acceptTokens } from '../../api/session'
import { Button, Field, FormError } from '../../ui/controls'
import { AuthLayout } from './auth-layout'

export function SecondFactor({
  challenge,
  onDone,
  onExpired,
}: {
  challenge: string
  onDone: () => void
  onExpired: (message: string) => void
}) {
  const [useRecovery, setUseRecovery] = useState(false)
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()

  async function submit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setFailure(undefined)
    const value = code.trim()
    try {
      const body = useRecovery ? { challenge, recoveryCode: value } : { challenge, code: value.replace(/\s/g, '') }
      acceptTokens(await call(api.POST('/api/hearth/v1/auth/login/2fa', { body })))
      onDone()
    } catch (err) {
      const f = failureOf(err)
      if (f.code === 'challenge_expired') return onExpired(f.message)
      setFailure(f)
      setBusy(false)
    }
  }

  const fields = failure?.fields ?? {}
  const fieldError = useRecovery ? fields.recoveryCode : fields.code
  return (
    <AuthLayout
      title="Two-factor sign-in"
      subtitle={
        useRecovery
          ? 'Enter one of the recovery codes you saved when you turned two-factor sign-in on. Each works once.'
          : 'Enter the 6-digit code from your authenticator app.'
      }
    >
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        {useRecovery ? (
          <Field
            key="recovery"
            label="Recovery code"
            name="recoveryCode"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            autoFocus
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={fieldError}
            hint="Like abcd-efgh-jkmn."
          />
        ) : (
          <Field
            key="code"
            label="Authentication code"
            name="code"
            autoComplete="one-time-code"
            inputMode="numeric"
            pattern="[0-9]*"
            maxLength={8}
            autoFocus
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={fieldError}
          />
        )}
        <FormError message={failure && !fieldError ? failure.message : undefined} />
        <Button type="submit" block busy={busy} disabled={!code.trim()}>
          Verify
        </Button>
      </form>
      <p className="auth__aside">
        <button
          type="button"
          className="btn btn--link"
          onClick={() => {
            setUseRecovery(!useRecovery)
            setCode('')
            setFailure(undefined)
          }}
        >
          {useRecovery ? 'Use a code from your app' : 'Use a recovery code'}
        </button>
      </p>
    </AuthLayout>
  )
}

// Settings › Security: two-factor sign-in with an authenticator app (TOTP). Setting up shows a QR
// code and the secret as text; a first code turns it on and shows the ten recovery codes, once.
// Turning it off takes the password and a code (or a recovery code).
import QRCode from 'qrcode'
import { useEffect, useState, type FormEvent } from 'react'
import { api } from '../../api/client'
import { call, failureOf, type Failure } from '../../api/problem'
import type { Me } from '../../api/types'
import { fullDate } from '../../lib/format'
import { useQuery } from '../../lib/use-query'
import { Button, Field, FormError, Notice } from '../../ui/controls'
import { ErrorState, Loading } from '../../ui/states'
import { toast } from '../../ui/toast'

type Stage = { kind: 'status' } | { kind: 'setup'; secret: string; otpauthUri: string } | { kind: 'codes'; codes: string[] }

export function TwoFactorSettings({ me }: { me: Me }) {
  const status = useQuery('auth:2fa', () => call(api.GET('/api/hearth/v1/auth/2fa')))
  const [stage, setStage] = useState<Stage>({ kind: 'status' })
  const [busy, setBusy] = useState(false)

  const startSetup = async () => {
    setBusy(true)
    try {
      const r = await call(api.POST('/api/hearth/v1/auth/2fa/totp/setup'))
      setStage({ kind: 'setup', ...r })
    } catch (e) {
      toast(failureOf(e).message, 'error')
    } finally {
      setBusy(false)
    }
  }

  let body
  if (stage.kind === 'setup') {
    body = (
      <SetupForm
        secret={stage.secret}
        otpauthUri={stage.otpauthUri}
        onCancel={() => setStage({ kind: 'status' })}
        onEnabled={(codes) => {
          setStage({ kind: 'codes', codes })
          void status.reload()
        }}
      />
    )
  } else if (stage.kind === 'codes') {
    body = <RecoveryCodes codes={stage.codes} onDone={() => setStage({ kind: 'status' })} />
  } else if (!status.data) {
    body = status.error ? <ErrorState error={status.error} retry={() => void status.reload()} /> : <Loading />
  } else if (status.data.enabled) {
    body = (
      <>
        <Notice tone="success">
          Two-factor authentication is on
          {status.data.enabledAt ? ` since ${fullDate(status.data.enabledAt)}` : ''}. Signing in with your password also asks for a code
          from your app.
        </Notice>
        <p style={{ margin: '14px 0' }}>
          {status.data.recoveryCodesRemaining === 1
            ? '1 recovery code left.'
            : `${status.data.recoveryCodesRemaining} recovery codes left.`}{' '}
          <span className="muted">To get new ones, turn two-factor authentication off and on again.</span>
        </p>
        <DisableForm hasPassword={me.hasPassword} onDisabled={() => void status.reload()} />
      </>
    )
  } else {
    body = (
      <>
        <p className="muted" style={{ marginBottom: 16 }}>
          Protect your account with a second step at sign-in: a 6-digit code from an authenticator app (such as Aegis, Google Authenticator
          or 1Password) on your phone. Signing in with Google or GitHub relies on their own protection instead.
        </p>
        <Button busy={busy} onClick={() => void startSetup()}>
          Set up two-factor authentication
        </Button>
      </>
    )
  }

  return (
    <section aria-labelledby="two-factor-title">
      <h2 id="two-factor-title">Two-factor authentication</h2>
      {body}
    </section>
  )
}

function SetupForm({
  secret,
  otpauthUri,
  onCancel,
  onEnabled,
}: {
  secret: string
  otpauthUri: string
  onCancel: () => void
  onEnabled: (codes: string[]) => void
}) {
  const [qr, setQr] = useState<string>()
  const [code, setCode] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()

  useEffect(() => {
    let live = true
    QRCode.toDataURL(otpauthUri, { margin: 1, width: 200 })
      .then((url) => live && setQr(url))
      .catch(() => live && setQr(undefined))
    return () => {
      live = false
    }
  }, [otpauthUri])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setFailure(undefined)
    try {
      const r = await call(api.POST('/api/hearth/v1/auth/2fa/totp/enable', { body: { code: code.replace(/\s/g, '') } }))
      onEnabled(r.recoveryCodes)
    } catch (err) {
      setFailure(failureOf(err))
      setBusy(false)
    }
  }

  return (
    <div>
      <ol style={{ paddingLeft: 20, marginBottom: 16 }}>
        <li>Scan this QR code with your authenticator app.</li>
        <li>Or type the key instead (time-based, 6 digits, every 30 seconds).</li>
        <li>Enter the code the app shows.</li>
      </ol>
      <div style={{ display: 'flex', gap: 20, alignItems: 'center', flexWrap: 'wrap', marginBottom: 16 }}>
        {qr ? <img src={qr} width={200} height={200} alt="QR code for your authenticator app" /> : <Loading />}
        <div>
          <div className="muted">Key</div>
          <code data-testid="totp-secret" style={{ fontSize: 16, wordBreak: 'break-all', userSelect: 'all' }}>
            {secret}
          </code>
        </div>
      </div>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate style={{ maxWidth: 420 }}>
        <Field
          label="Code from the app"
          name="code"
          autoComplete="one-time-code"
          inputMode="numeric"
          pattern="[0-9]*"
          maxLength={8}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          error={failure?.fields.code}
        />
        <FormError message={failure && !failure.fields.code ? failure.message : undefined} />
        <div style={{ display: 'flex', gap: 8 }}>
          <Button type="submit" busy={busy} disabled={!code.trim()}>
            Turn on
          </Button>
          <Button variant="secondary" onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
        </div>
      </form>
    </div>
  )
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const text = codes.join('\n') + '\n'
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text)
      toast('Recovery codes copied')
    } catch {
      toast('Could not copy; select the codes and copy them instead.', 'error')
    }
  }
  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }))
    const a = document.createElement('a')
    a.href = url
    a.download = 'hearth-recovery-codes.txt'
    a.click()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
  }
  return (
    <div>
      <Notice tone="success">Two-factor authentication is on.</Notice>
      <p style={{ margin: '14px 0' }}>
        Save these recovery codes somewhere safe. If you lose your phone, each one lets you sign in once.{' '}
        <strong>They are shown only now.</strong>
      </p>
      <ul
        aria-label="Recovery codes"
        style={{ listStyle: 'none', padding: 0, display: 'grid', gridTemplateColumns: 'repeat(2, max-content)', gap: '6px 28px' }}
      >
        {codes.map((c) => (
          <li key={c}>
            <code style={{ fontSize: 16 }}>{c}</code>
          </li>
        ))}
      </ul>
      <div style={{ display: 'flex', gap: 8, marginTop: 16 }}>
        <Button variant="secondary" onClick={() => void copy()}>
          Copy
        </Button>
        <Button variant="secondary" onClick={download}>
          Download
        </Button>
        <Button onClick={onDone}>I saved them</Button>
      </div>
    </div>
  )
}

function DisableForm({ hasPassword, onDisabled }: { hasPassword: boolean; onDisabled: () => void }) {
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [useRecovery, setUseRecovery] = useState(false)
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setFailure(undefined)
    const value = code.trim()
    try {
      const second = useRecovery ? { recoveryCode: value } : { code: value.replace(/\s/g, '') }
      await call(api.DELETE('/api/hearth/v1/auth/2fa/totp', { body: { ...(hasPassword ? { password } : {}), ...second } }))
      toast('Two-factor authentication is off')
      onDisabled()
    } catch (err) {
      setFailure(failureOf(err))
      setBusy(false)
    }
  }

  const fields = failure?.fields ?? {}
  const codeError = useRecovery ? fields.recoveryCode : fields.code
  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate style={{ maxWidth: 420 }} aria-labelledby="two-factor-off">
      <h3 id="two-factor-off" style={{ fontSize: 16 }}>
        Turn off
      </h3>
      {hasPassword ? (
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={fields.password}
        />
      ) : null}
      <Field
        key={useRecovery ? 'recovery' : 'code'}
        label={useRecovery ? 'Recovery code' : 'Code from the app'}
        autoComplete={useRecovery ? 'off' : 'one-time-code'}
        inputMode={useRecovery ? 'text' : 'numeric'}
        value={code}
        onChange={(e) => setCode(e.target.value)}
        error={codeError}
      />
      <button
        type="button"
        className="btn btn--link"
        style={{ alignSelf: 'flex-start' }}
        onClick={() => {
          setUseRecovery(!useRecovery)
          setCode('')
        }}
      >
        {useRecovery ? 'Use a code from your app' : 'Use a recovery code'}
      </button>
      <FormError message={failure && !fields.password && !codeError ? failure.message : undefined} />
      <div>
        <Button type="submit" variant="danger" busy={busy} disabled={!code.trim() || (hasPassword && !password)}>
          Turn off two-factor authentication
        </Button>
      </div>
    </form>
  )
}

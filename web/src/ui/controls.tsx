// Buttons, fields and the small pieces every form uses.
import { useId, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from 'react'

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger' | 'link'

export function Button({
  variant = 'primary',
  busy,
  small,
  block,
  children,
  className,
  disabled,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; busy?: boolean; small?: boolean; block?: boolean }) {
  const cls = ['btn', `btn--${variant}`, small && 'btn--small', block && 'btn--block', busy && 'is-busy', className]
    .filter(Boolean)
    .join(' ')
  return (
    <button type="button" className={cls} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy ? <Spinner small /> : null}
      <span className="btn__label">{children}</span>
    </button>
  )
}

export function Spinner({ small, label }: { small?: boolean; label?: string }) {
  return <span className={small ? 'spinner spinner--small' : 'spinner'} role={label ? 'status' : undefined} aria-label={label} />
}

/** The error (announced) or else the hint under a field; ids match the field's aria-describedby. */
function FieldMessage({ fid, error, hint }: { fid: string; error?: string; hint?: ReactNode }) {
  if (error) {
    return (
      <p id={`${fid}-error`} className="field__error" role="alert">
        {error}
      </p>
    )
  }
  return hint ? (
    <p id={`${fid}-hint`} className="field__hint">
      {hint}
    </p>
  ) : null
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string
  error?: string
  hint?: ReactNode
}

export function Field({ label, error, hint, id, className, ...rest }: FieldProps) {
  const auto = useId()
  const fid = id ?? auto
  const describedBy = [error && `${fid}-error`, hint && `${fid}-hint`].filter(Boolean).join(' ') || undefined
  return (
    <div className={['field', error && 'field--error', className].filter(Boolean).join(' ')}>
      <label htmlFor={fid} className="field__label">
        {label}
      </label>
      <input id={fid} className="input" aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...rest} />
      <FieldMessage fid={fid} error={error} hint={hint} />
    </div>
  )
}

export function TextArea({
  label,
  error,
  hint,
  id,
  hideLabel,
  ...rest
}: TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; error?: string; hint?: ReactNode; hideLabel?: boolean }) {
  const auto = useId()
  const fid = id ?? auto
  return (
    <div className={['field', error && 'field--error'].filter(Boolean).join(' ')}>
      <label htmlFor={fid} className={hideLabel ? 'sr-only' : 'field__label'}>
        {label}
      </label>
      <textarea
        id={fid}
        className="input input--area"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${fid}-error` : hint ? `${fid}-hint` : undefined}
        {...rest}
      />
      <FieldMessage fid={fid} error={error} hint={hint} />
    </div>
  )
}

/** A sentence about the whole form (the problem's `detail`), announced to screen readers. */
export function FormError({ message }: { message?: string | null }) {
  if (!message) return null
  return (
    <div className="form-error" role="alert">
      {message}
    </div>
  )
}

export function Notice({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'success' | 'warning' }) {
  return (
    <div className={`notice notice--${tone}`} role="status">
      {children}
    </div>
  )
}

// Modal dialogs on the native <dialog>: focus is trapped and restored, Escape closes.
import { useEffect, useId, useRef, type ReactNode } from 'react'
import { CloseIcon } from './icons'

interface Props {
  open: boolean
  onClose: () => void
  title: string
  children: ReactNode
  wide?: boolean
}

export function Dialog({ open, onClose, title, children, wide }: Props) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  // The native close event also fires when this component closes the dialog itself (open went
  // false, e.g. one dialog handing over to the next): only a close the user caused is reported.
  const openRef = useRef(open)
  openRef.current = open
  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (open && !d.open) d.showModal()
    if (!open && d.open) d.close()
  }, [open])
  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog--wide' : 'dialog'}
      aria-labelledby={titleId}
      onClose={() => {
        if (openRef.current) onClose()
      }}
      onCancel={(e) => {
        e.preventDefault()
        onClose()
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself) closes it.
        if (e.target === ref.current) onClose()
      }}
    >
      {open ? (
        <div className="dialog__inner">
          <header className="dialog__head">
            <h2 id={titleId}>{title}</h2>
            <button type="button" className="icon-btn" onClick={onClose} aria-label="Close">
              <CloseIcon size={22} />
            </button>
          </header>
          <div className="dialog__body">{children}</div>
        </div>
      ) : null}
    </dialog>
  )
}

/** A yes/no question before something that cannot be undone. */
export function Confirm({
  open,
  title,
  body,
  confirmLabel,
  onConfirm,
  onClose,
  danger = true,
}: {
  open: boolean
  title: string
  body?: ReactNode
  confirmLabel: string
  onConfirm: () => void
  onClose: () => void
  danger?: boolean
}) {
  return (
    <Dialog open={open} onClose={onClose} title={title}>
      {body ? <p className="muted">{body}</p> : null}
      <div className="dialog__actions">
        <button type="button" className="btn btn--secondary" onClick={onClose}>
          <span className="btn__label">Cancel</span>
        </button>
        <button
          type="button"
          className={danger ? 'btn btn--danger' : 'btn btn--primary'}
          onClick={() => {
            onConfirm()
            onClose()
          }}
        >
          <span className="btn__label">{confirmLabel}</span>
        </button>
      </div>
    </Dialog>
  )
}

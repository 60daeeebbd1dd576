// The safety part of a "…" menu (a profile's, or a post's about its author): mute / unmute,
// block / unblock, report, and block and report, each with a confirmation that says what will
// happen. The hook gives the menu's items and the dialogs they open, so each menu keeps its own
// other items (copy link, edit, delete) around them.
import { useState, type ReactNode } from 'react'
import { failureOf } from '../../api/problem'
import { Confirm } from '../../ui/dialog'
import { toast } from '../../ui/toast'
import { ReportDialog, type ReportTarget } from '../posts/report-dialog'
import { explain, setBlocked, setMuted, type SafetyTarget } from './actions'

export interface SafetyState {
  blocking: boolean
  muting: boolean
}

type Action = 'block' | 'unblock' | 'mute' | 'unmute'

const done: Record<Action, (u: string) => string> = {
  block: (u) => `Blocked ${u}`,
  unblock: (u) => `Unblocked ${u}`,
  mute: (u) => `Muted ${u}`,
  unmute: (u) => `Unmuted ${u}`,
}

export function useSafetyMenu({
  user,
  state,
  report,
  closeMenu,
  onChange,
}: {
  user: SafetyTarget
  /** undefined while the relationship loads: mute and block wait for it */
  state: SafetyState | undefined
  /** what "Report" reports (the post the menu belongs to, or the account) */
  report: { target: ReportTarget; what: string; label: string }
  closeMenu: () => void
  onChange?: (next: SafetyState) => void
}): { items: ReactNode; dialogs: ReactNode; ask: (action: 'unblock') => void } {
  const [dialog, setDialog] = useState<null | Action | 'report' | 'block-report'>(null)
  const show = (d: NonNullable<typeof dialog>) => {
    closeMenu()
    setDialog(d)
  }
  const close = () => setDialog(null)

  const run = async (action: Action) => {
    const before = state ?? { blocking: false, muting: false }
    try {
      if (action === 'block' || action === 'unblock') await setBlocked(user, action === 'block')
      else await setMuted(user, action === 'mute')
      toast(done[action](user.username))
      onChange?.(
        action === 'block' || action === 'unblock' ? { ...before, blocking: action === 'block' } : { ...before, muting: action === 'mute' },
      )
    } catch (e) {
      toast(failureOf(e).message, 'error')
    }
  }

  const name = user.username
  const items = (
    <>
      {state?.blocking ? null : (
        <li>
          <button
            type="button"
            disabled={!state}
            onClick={() => {
              if (state?.muting) {
                closeMenu()
                void run('unmute')
              } else show('mute')
            }}
          >
            {state?.muting ? `Unmute ${name}` : `Mute ${name}`}
          </button>
        </li>
      )}
      <li>
        <button type="button" className="is-danger" disabled={!state} onClick={() => show(state?.blocking ? 'unblock' : 'block')}>
          {state?.blocking ? `Unblock ${name}` : `Block ${name}`}
        </button>
      </li>
      <li>
        <button type="button" className="is-danger" onClick={() => show('report')}>
          {report.label}
        </button>
      </li>
      {state?.blocking ? null : (
        <li>
          <button type="button" className="is-danger" onClick={() => show('block-report')}>
            Block and report
          </button>
        </li>
      )}
    </>
  )

  const dialogs = (
    <>
      <Confirm
        open={dialog === 'block'}
        onClose={close}
        title={`Block @${name}?`}
        body={explain.block}
        confirmLabel="Block"
        onConfirm={() => void run('block')}
      />
      <Confirm
        open={dialog === 'unblock'}
        onClose={close}
        title={`Unblock @${name}?`}
        body={explain.unblock}
        confirmLabel="Unblock"
        danger={false}
        onConfirm={() => void run('unblock')}
      />
      <Confirm
        open={dialog === 'mute'}
        onClose={close}
        title={`Mute @${name}?`}
        body={explain.mute}
        confirmLabel="Mute"
        danger={false}
        onConfirm={() => void run('mute')}
      />
      <ReportDialog open={dialog === 'report'} onClose={close} target={report.target} what={report.what} />
      <ReportDialog
        open={dialog === 'block-report'}
        onClose={close}
        target={report.target}
        what={report.what}
        alsoBlock={user}
        onBlocked={() => onChange?.({ muting: state?.muting ?? false, blocking: true })}
      />
    </>
  )
  return { items, dialogs, ask: setDialog }
}

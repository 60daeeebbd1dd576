// "Report": a reason, an optional note, sent to the moderators. Used for posts, comments and
// profiles (exactly one target). "Block and report" sends the report, then blocks, in one step.
import { useState, type FormEvent } from 'react'
import { api } from '../../api/client'
import { call, failureOf, type Failure } from '../../api/problem'
import { Button, FormError, Notice, TextArea } from '../../ui/controls'
import { Dialog } from '../../ui/dialog'
import { toast } from '../../ui/toast'
import { explain, setBlocked, type SafetyTarget } from '../safety/actions'

export type ReportTarget = { postId: number } | { commentId: number } | { userId: number }

const reasons = [
  ['spam', 'Spam'],
  ['harassment', 'Harassment or bullying'],
  ['inappropriate_content', 'Inappropriate content'],
  ['fake_profile', 'Fake profile or impersonation'],
  ['other', 'Something else'],
] as const

type Reason = (typeof reasons)[number][0]

export function ReportDialog({
  open,
  onClose,
  target,
  what,
  alsoBlock,
  onBlocked,
}: {
  open: boolean
  onClose: () => void
  target: ReportTarget
  what: string
  /** "Block and report": this person is blocked once the report is sent */
  alsoBlock?: SafetyTarget
  onBlocked?: () => void
}) {
  const [reason, setReason] = useState<Reason>()
  const [description, setDescription] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const [done, setDone] = useState(false)

  const close = () => {
    onClose()
    setTimeout(() => {
      setDone(false)
      setReason(undefined)
      setDescription('')
      setFailure(undefined)
    }, 200)
  }

  async function submit(e: FormEvent) {
    e.preventDefault()
    if (!reason) return
    setBusy(true)
    setFailure(undefined)
    try {
      await call(
        api.POST('/api/hearth/v1/reports', {
          body: { reason, ...(description.trim() ? { description: description.trim() } : {}), ...target },
        }),
      )
      if (alsoBlock) {
        // Reported: the block comes second, so a refused report blocks no one by surprise.
        try {
          await setBlocked(alsoBlock, true)
        } catch (err) {
          setFailure({
            ...failureOf(err),
            message: `Your report was sent, but ${alsoBlock.username} could not be blocked: ${failureOf(err).message}`,
          })
          return
        }
        close()
        onBlocked?.()
        // The post (or profile) this was opened from may leave the screen with the block: a toast
        // says what happened where the dialog's own message could not.
        toast(`${alsoBlock.username} is blocked, and a moderator will review this ${what}.`)
        return
      }
      setDone(true)
    } catch (err) {
      setFailure(failureOf(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog open={open} onClose={close} title={alsoBlock ? `Block and report ${alsoBlock.username}` : `Report ${what}`}>
      {done ? (
        <>
          <Notice tone="success">Thanks for telling us. A moderator will review this {what}.</Notice>
          <div className="dialog__actions">
            <Button onClick={close}>Done</Button>
          </div>
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
          {alsoBlock ? (
            <p className="muted" style={{ marginBottom: 12 }}>
              Your report goes to the moderators, and {alsoBlock.username} is blocked. {explain.block}
            </p>
          ) : null}
          <fieldset className="radio-list" style={{ border: 0, padding: 0, margin: '0 0 14px' }}>
            <legend className="muted" style={{ marginBottom: 8 }}>
              Why are you reporting this {what}?
            </legend>
            {reasons.map(([value, label]) => (
              <label key={value}>
                <input type="radio" name="reason" value={value} checked={reason === value} onChange={() => setReason(value)} />
                {label}
              </label>
            ))}
          </fieldset>
          <TextArea
            label="Anything else the moderators should know? (optional)"
            value={description}
            maxLength={1000}
            onChange={(e) => setDescription(e.target.value)}
            error={failure?.fields.description}
            rows={3}
          />
          <FormError message={failure && !failure.fields.description ? failure.message : undefined} />
          <div className="dialog__actions">
            <Button variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" busy={busy} disabled={!reason}>
              {alsoBlock ? 'Block and report' : 'Send report'}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  )
}

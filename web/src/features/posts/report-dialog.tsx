// "Report": a reason, an optional note, sent to the moderators. Used for posts, comments and
// profiles (exactly one target).
import { useState, type FormEvent } from 'react'
import { api } from '../../api/client'
import { call, failureOf, type Failure } from '../../api/problem'
import { Button, FormError, Notice, TextArea } from '../../ui/controls'
import { Dialog } from '../../ui/dialog'

export type ReportTarget = { postId: number } | { commentId: number } | { userId: number }

const reasons = [
  ['spam', 'Spam'],
  ['harassment', 'Harassment or bullying'],
  ['inappropriate_content', 'Inappropriate content'],
  ['fake_profile', 'Fake profile or impersonation'],
  ['other', 'Something else'],
] as const

type Reason = (typeof reasons)[number][0]

export function ReportDialog({ open, onClose, target, what }: { open: boolean; onClose: () => void; target: ReportTarget; what: string }) {
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
      setDone(true)
    } catch (err) {
      setFailure(failureOf(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <Dialog open={open} onClose={close} title={`Report ${what}`}>
      {done ? (
        <>
          <Notice tone="success">Thanks for telling us. A moderator will review this {what}.</Notice>
          <div className="dialog__actions">
            <Button onClick={close}>Done</Button>
          </div>
        </>
      ) : (
        <form onSubmit={(e) => void submit(e)}>
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
              Send report
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  )
}

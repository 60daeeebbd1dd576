// Settings › Privacy: a private account, who may start a conversation, and the people blocked
// and muted (with undo). Going public is confirmed: it accepts every pending follow request.
import { useState } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { updateUser } from '../../api/session'
import type { Me } from '../../api/types'
import { forgetList } from '../../lib/use-infinite'
import { invalidate } from '../../lib/use-query'
import { Spinner } from '../../ui/controls'
import { Confirm } from '../../ui/dialog'
import { toast } from '../../ui/toast'
import { setLive, useLive } from '../live/live'
import { AccountList } from '../safety/account-list'

type Patch = { isPrivate?: boolean; allowMessagesFrom?: Me['allowMessagesFrom'] }

export function PrivacySettings({ me }: { me: Me }) {
  const live = useLive()
  const [busy, setBusy] = useState<keyof Patch | null>(null)
  // Shown at once while the server saves it; the account's own value otherwise.
  const [saving, setSaving] = useState<Patch>({})
  const isPrivate = saving.isPrivate ?? me.isPrivate
  const allowMessagesFrom = saving.allowMessagesFrom ?? me.allowMessagesFrom
  const [confirmPublic, setConfirmPublic] = useState(false)

  const save = async (patch: Patch, done: string) => {
    setBusy(Object.keys(patch)[0] as keyof Patch)
    setSaving(patch)
    try {
      updateUser(await call(api.PATCH('/api/hearth/v1/users/me', { body: patch })))
      invalidate('profile:')
      if (patch.isPrivate === false) {
        // Every pending request was accepted with the switch.
        setLive({ followRequests: 0 })
        forgetList('follow-requests')
      }
      toast(done)
    } catch (e) {
      toast(failureOf(e).message, 'error')
    } finally {
      setBusy(null)
      setSaving({})
    }
  }

  const pending = live.followRequests
  return (
    <section aria-labelledby="privacy-title">
      <h2 id="privacy-title">Privacy</h2>

      <div className="settings__section">
        <label className="switch">
          <input
            type="checkbox"
            role="switch"
            checked={isPrivate}
            disabled={busy === 'isPrivate'}
            aria-describedby="private-hint"
            onChange={(e) => {
              if (e.target.checked) void save({ isPrivate: true }, 'Your account is private')
              else setConfirmPublic(true)
            }}
          />
          <span className="switch__label">Private account</span>
          {busy === 'isPrivate' ? <Spinner small /> : null}
        </label>
        <p id="private-hint" className="muted small">
          {isPrivate ? (
            <>
              Only people you approve can follow you and see your posts and your followers and following lists. Everyone can see your name,
              photo, bio and counts. <Link href="~/follow-requests">Follow requests{pending > 0 ? ` (${pending})` : ''}</Link>
            </>
          ) : (
            'Anyone can see your posts and follow you. Make your account private to approve each new follower; people who follow you now stay.'
          )}
        </p>
      </div>

      <div className="settings__section">
        <fieldset className="plain-fieldset">
          <legend className="switch__label">Who can message you</legend>
          <div className="radio-list">
            {(
              [
                ['everyone', 'Everyone'],
                ['following', 'Only people I follow'],
              ] as const
            ).map(([value, label]) => (
              <label key={value}>
                <input
                  type="radio"
                  name="allow-messages-from"
                  value={value}
                  checked={allowMessagesFrom === value}
                  disabled={busy === 'allowMessagesFrom'}
                  onChange={() => void save({ allowMessagesFrom: value }, `${label} can start a conversation with you`)}
                />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
        <p className="muted small">Conversations you already have stay open either way.</p>
      </div>

      <div className="settings__section">
        <h2 id="blocked-title">Blocked accounts</h2>
        <p className="muted small" style={{ marginBottom: 8 }}>
          They can’t see your profile or posts, or message you, and you don’t see theirs. They aren’t told.
        </p>
        <AccountList kind="blocks" label="Blocked accounts" />
      </div>
      <div className="settings__section">
        <h2 id="muted-title">Muted accounts</h2>
        <p className="muted small" style={{ marginBottom: 8 }}>
          Their posts stay out of your home feed and explore, and their actions don’t notify you. They aren’t told.
        </p>
        <AccountList kind="mutes" label="Muted accounts" />
      </div>

      <Confirm
        open={confirmPublic}
        onClose={() => setConfirmPublic(false)}
        title="Make your account public?"
        body={`Anyone will be able to see your posts and who you follow, and follow you without asking.${
          pending > 0
            ? ` The ${pending === 1 ? 'pending request' : `${pending} pending requests`} will be accepted.`
            : ' Any pending follow requests will be accepted.'
        }`}
        confirmLabel="Make public"
        danger={false}
        onConfirm={() => void save({ isPrivate: false }, 'Your account is public')}
      />
    </section>
  )
}

// Settings › Notifications: which notifications are emailed (and, once Web Push exists, pushed),
// per type. Each switch saves on change; a refusal puts it back.
import { useState } from 'react'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import type { Ok } from '../../api/types'
import { useQuery } from '../../lib/use-query'
import { Spinner } from '../../ui/controls'
import { ErrorState, Loading } from '../../ui/states'
import { toast } from '../../ui/toast'

type Settings = Ok<'/api/hearth/v1/users/me/notification-settings', 'get'>
type Type = keyof Settings
type Channel = keyof Settings[Type]

const TYPES: [Type, string, string][] = [
  ['message', 'Messages', 'messages'],
  ['mention', 'Mentions', 'mentions'],
  ['comment', 'Comments and replies', 'comments'],
  ['follow_request', 'Follow requests', 'follow requests'],
  ['follow', 'New followers', 'new followers'],
  ['like', 'Likes', 'likes'],
]

// Web Push is not built yet: the column shows what will be pushed once it is, without pretending.
const PUSH_AVAILABLE = false

export function NotificationSettings() {
  const settings = useQuery('notification-settings', () => call(api.GET('/api/hearth/v1/users/me/notification-settings')))
  const [busy, setBusy] = useState<string | null>(null)

  const change = async (type: Type, channel: Channel, on: boolean, label: string) => {
    const before = settings.data
    if (!before) return
    setBusy(`${type}.${channel}`)
    settings.set({ ...before, [type]: { ...before[type], [channel]: on } })
    try {
      settings.set(await call(api.PATCH('/api/hearth/v1/users/me/notification-settings', { body: { [type]: { [channel]: on } } })))
      toast(on ? `You’ll get emails about ${label}` : `No more emails about ${label}`)
    } catch (e) {
      settings.set(before)
      toast(failureOf(e).message, 'error')
    } finally {
      setBusy(null)
    }
  }

  return (
    <section aria-labelledby="notification-settings-title">
      <h2 id="notification-settings-title">Notifications</h2>
      <p className="muted small" style={{ marginBottom: 12 }}>
        Everything shows up in Hearth. Email is sent only for notifications you haven’t read for a while, gathered into one message; each
        email has a link to stop that kind of email.
      </p>
      {!settings.data ? (
        settings.error ? (
          <ErrorState error={settings.error} retry={() => void settings.reload()} />
        ) : (
          <Loading />
        )
      ) : (
        <table className="notif-settings">
          <caption className="sr-only">Which notifications you get, by email and by push</caption>
          <thead>
            <tr>
              <th scope="col">Notification</th>
              <th scope="col">Email</th>
              <th scope="col" aria-describedby="push-hint">
                Push
              </th>
            </tr>
          </thead>
          <tbody>
            {TYPES.map(([type, title, label]) => (
              <tr key={type}>
                <th scope="row">{title}</th>
                {(['email', 'push'] as const).map((channel) => {
                  const id = `${type}.${channel}`
                  const unavailable = channel === 'push' && !PUSH_AVAILABLE
                  return (
                    <td key={channel}>
                      <label className="switch notif-settings__switch">
                        <input
                          type="checkbox"
                          role="switch"
                          checked={settings.data![type][channel]}
                          disabled={unavailable || busy === id}
                          aria-label={`${channel === 'email' ? 'Email' : 'Push'}: ${title}`}
                          aria-describedby={unavailable ? 'push-hint' : undefined}
                          onChange={(e) => void change(type, channel, e.target.checked, label)}
                        />
                        {busy === id ? <Spinner small label="Saving" /> : null}
                      </label>
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p id="push-hint" className="muted small" style={{ marginTop: 12 }}>
        Push notifications aren’t available in Hearth yet. The Push column shows what will be sent to your devices once they are.
      </p>
    </section>
  )
}

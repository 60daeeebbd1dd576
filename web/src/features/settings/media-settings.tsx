// Sensitive media: whether photos of posts marked sensitive are hidden until asked for.
import { useState } from 'react'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { updateUser } from '../../api/session'
import type { Me } from '../../api/types'
import { toast } from '../../ui/toast'

export function MediaSettings({ me }: { me: Me }) {
  const [busy, setBusy] = useState(false)
  // the box follows the click at once; a refusal puts it back
  const [on, setOn] = useState(me.showSensitiveMedia)

  const change = async (showSensitiveMedia: boolean) => {
    setBusy(true)
    setOn(showSensitiveMedia)
    try {
      updateUser(await call(api.PATCH('/api/hearth/v1/users/me', { body: { showSensitiveMedia } })))
      toast(showSensitiveMedia ? 'Sensitive photos will be shown' : 'Sensitive photos will be hidden')
    } catch (err) {
      setOn(!showSensitiveMedia)
      toast(failureOf(err).message, 'error')
    } finally {
      setBusy(false)
    }
  }

  return (
    <section aria-labelledby="media-settings">
      <h2 id="media-settings">Media</h2>
      <div className="cw">
        <label className="toggle">
          <input type="checkbox" checked={on} disabled={busy} onChange={(e) => void change(e.target.checked)} />
          <span>Always show sensitive media</span>
        </label>
        <p className="muted small">Photos their authors marked sensitive are shown at once instead of behind a warning.</p>
      </div>
    </section>
  )
}

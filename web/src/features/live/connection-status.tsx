// A small, non-blocking line at the top of the screen saying what the app is waiting for: a
// refresh of the session put off by the server ("Too many requests, retrying in 12 s") or not
// answered ("Reconnecting…"), or live updates that are off (the stream is not connected). The
// person stays signed in through all of it.
import { useEffect, useState } from 'react'
import { useSession, useSessionNotice } from '../../api/session'
import { useLive } from './live'
import './connection-status.css'

/** A live-updates drop shorter than this is a reconnect, not worth a word. */
const QUIET_MS = 4000

export function ConnectionStatus() {
  const notice = useSessionNotice()
  const session = useSession()
  const { connected } = useLive()
  const [now, setNow] = useState(() => Date.now())
  const [quietPassed, setQuietPassed] = useState(false)

  // The countdown ticks while there is one.
  useEffect(() => {
    if (!notice) return
    const timer = setInterval(() => setNow(Date.now()), 250)
    return () => clearInterval(timer)
  }, [notice])

  const off = session.status === 'signed-in' && !connected
  useEffect(() => {
    if (!off) return
    const timer = setTimeout(() => setQuietPassed(true), QUIET_MS)
    return () => {
      clearTimeout(timer)
      setQuietPassed(false)
    }
  }, [off])
  const liveOff = off && quietPassed

  let text: string | null = null
  let tone = 'quiet'
  if (notice?.kind === 'rate-limited') {
    text = `Too many requests, retrying in ${Math.max(1, Math.ceil((notice.retryAt - now) / 1000))} s`
    tone = 'warn'
  } else if (notice) {
    text = 'Reconnecting…'
    tone = 'warn'
  } else if (liveOff) {
    text = 'Live updates are off — reconnecting'
  }
  return (
    <div className="conn-status" role="status" aria-live="polite" data-live={connected ? 'on' : 'off'}>
      {text ? <span className={`conn-status__pill conn-status__pill--${tone}`}>{text}</span> : null}
    </div>
  )
}

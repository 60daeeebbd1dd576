// The tab title says where you are (screen readers announce it after navigation) and how many
// notifications are waiting.
import { useEffect } from 'react'
import { useLive } from '../features/live/live'

export function useTitle(title: string | undefined) {
  const { unreadNotifications: n } = useLive()
  useEffect(() => {
    // undefined: a screen inside this one names the page (e.g. an open conversation).
    if (title === undefined) return
    document.title = `${n > 0 ? `(${n}) ` : ''}${title ? `${title} · ` : ''}Hearth`
  }, [title, n])
}

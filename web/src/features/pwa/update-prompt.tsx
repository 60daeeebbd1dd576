// "New version available — Reload": shown when a new deploy's service worker is waiting.
import { applyUpdate, useUpdateWaiting } from './register'

export function UpdatePrompt() {
  const waiting = useUpdateWaiting()
  if (!waiting) return null
  return (
    <div className="update-prompt toast" role="status">
      <span>New version available</span>
      <button type="button" className="update-prompt__reload" onClick={applyUpdate}>
        Reload
      </button>
    </div>
  )
}

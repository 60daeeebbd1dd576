// The device's theme choice (Settings → Appearance). public/theme.js applies it before the first
// paint and follows the system when there is none; this module only records a change and asks
// theme.js to apply it (one place decides the theme).
import { useSyncExternalStore } from 'react'

export type ThemeChoice = 'system' | 'light' | 'dark'
const KEY = 'hearth:theme'

function read(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY)
    return v === 'light' || v === 'dark' ? v : 'system'
  } catch {
    return 'system'
  }
}

export function setThemeChoice(choice: ThemeChoice) {
  try {
    if (choice === 'system') localStorage.removeItem(KEY)
    else localStorage.setItem(KEY, choice)
  } catch {
    // storage refused (private mode): the theme still changes for this page
  }
  window.dispatchEvent(new Event('hearth:theme'))
}

export function useThemeChoice(): ThemeChoice {
  return useSyncExternalStore((l) => {
    window.addEventListener('hearth:theme', l)
    window.addEventListener('storage', l)
    return () => {
      window.removeEventListener('hearth:theme', l)
      window.removeEventListener('storage', l)
    }
  }, read)
}

/** The theme in effect ('light' | 'dark'), re-rendering when it changes (charts drawn on canvas). */
export function useResolvedTheme(): 'light' | 'dark' {
  return useSyncExternalStore(
    (l) => {
      const o = new MutationObserver(l)
      o.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] })
      return () => o.disconnect()
    },
    () => (document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light'),
  )
}

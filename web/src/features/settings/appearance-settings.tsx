// Appearance: light, dark or the system's theme, kept on this device (not the account: a phone in
// dark mode and a desktop in light mode are both right).
import { setThemeChoice, useThemeChoice, type ThemeChoice } from '../../lib/theme'

const choices: [ThemeChoice, string][] = [
  ['system', 'System'],
  ['light', 'Light'],
  ['dark', 'Dark'],
]

export function AppearanceSettings() {
  const choice = useThemeChoice()
  return (
    <section aria-labelledby="appearance-settings">
      <h2 id="appearance-settings">Appearance</h2>
      <div className="settings__section">
        <fieldset className="plain-fieldset">
          <legend className="switch__label">Theme</legend>
          <div className="radio-list">
            {choices.map(([value, label]) => (
              <label key={value}>
                <input type="radio" name="theme" value={value} checked={choice === value} onChange={() => setThemeChoice(value)} />
                {label}
              </label>
            ))}
          </div>
        </fieldset>
        <p className="muted small">System follows your device’s light or dark setting. The choice is kept on this device only.</p>
      </div>
    </section>
  )
}

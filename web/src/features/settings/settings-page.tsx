// /settings/*: profile, privacy, media, appearance, notifications, password, security (two-factor), devices, linked accounts, deleting the account. Loaded on first visit.
import { Link, Redirect, Route, Switch, useLocation } from 'wouter'
import { signOut, useSession } from '../../api/session'
import { AccountsSettings } from './accounts-settings'
import { AppearanceSettings } from './appearance-settings'
import { DeleteAccountSettings } from './delete-account-settings'
import { MediaSettings } from './media-settings'
import { NotificationSettings } from './notification-settings'
import { PasswordSettings } from './password-settings'
import { PrivacySettings } from './privacy-settings'
import { ProfileSettings } from './profile-settings'
import { SessionsSettings } from './sessions-settings'
import { TwoFactorSettings } from './two-factor-settings'
import { useTitle } from '../../lib/use-title'

const sections = [
  ['/profile', 'Edit profile'],
  ['/privacy', 'Privacy'],
  ['/media', 'Media'],
  ['/appearance', 'Appearance'],
  ['/notifications', 'Notifications'],
  ['/password', 'Password'],
  ['/security', 'Security'],
  ['/sessions', 'Devices'],
  ['/accounts', 'Linked accounts'],
  ['/delete', 'Delete account'],
] as const

export function SettingsPage() {
  const [path] = useLocation()
  const session = useSession()
  useTitle('Settings')
  if (session.status !== 'signed-in') return null
  return (
    <div style={{ paddingBottom: 16 }}>
      <div className="page-head column--wide">
        <h1>Settings</h1>
      </div>
      <div className="card settings">
        <nav className="settings__nav" aria-label="Settings sections">
          {sections.map(([href, label]) => (
            <Link
              key={href}
              href={href}
              className={path === href ? 'is-active' : undefined}
              aria-current={path === href ? 'page' : undefined}
            >
              {label}
            </Link>
          ))}
          <button type="button" className="settings__signout" onClick={() => void signOut()}>
            Sign out
          </button>
        </nav>
        <div className="settings__body">
          <Switch>
            <Route path="/profile">
              <ProfileSettings me={session.user} />
            </Route>
            <Route path="/privacy">
              <PrivacySettings me={session.user} />
            </Route>
            <Route path="/media">
              <MediaSettings me={session.user} />
            </Route>
            <Route path="/appearance" component={AppearanceSettings} />
            <Route path="/notifications" component={NotificationSettings} />
            <Route path="/password">
              <PasswordSettings me={session.user} />
            </Route>
            <Route path="/security">
              <TwoFactorSettings me={session.user} />
            </Route>
            <Route path="/sessions" component={SessionsSettings} />
            <Route path="/accounts">
              <AccountsSettings me={session.user} />
            </Route>
            <Route path="/delete">
              <DeleteAccountSettings me={session.user} />
            </Route>
            <Route>
              <Redirect to="/profile" replace />
            </Route>
          </Switch>
        </div>
      </div>
    </div>
  )
}

// Routes. Every screen has its own URL; the heavier ones (messages, admin, settings, composer)
// load on first visit so the feed starts small.
import { lazy, Suspense, useEffect, useRef, type ReactNode } from 'react'
import { Redirect, Route, Switch, useLocation } from 'wouter'
import { useSession } from './api/session'
import { ConfirmEmail } from './features/auth/confirm-email'
import { ForgotPassword } from './features/auth/forgot-password'
import { ResetPassword } from './features/auth/reset-password'
import { AuthorizeApp } from './features/auth/authorize-app'
import { SignIn } from './features/auth/sign-in'
import { SignUp } from './features/auth/sign-up'
import { VerifyEmail } from './features/auth/verify-email'
import { Explore } from './features/feed/explore'
import { ConnectionStatus } from './features/live/connection-status'
import { useLiveSession } from './features/live/use-live-session'
import { HomeFeed } from './features/feed/home-feed'
import { NotFound } from './features/misc/not-found'
import { PostPage } from './features/posts/post-page'
import { UpdatePrompt } from './features/pwa/update-prompt'
import { FollowList } from './features/profile/follow-list'
import { ProfilePage } from './features/profile/profile-page'
import { TagPage } from './features/tags/tag-page'
import { SearchPage } from './features/search/search-page'
import { Shell } from './ui/shell'
import { Loading } from './ui/states'
import { Toasts } from './ui/toast'

const Composer = lazy(() => import('./features/composer/composer').then((m) => ({ default: m.Composer })))
const Notifications = lazy(() => import('./features/notifications/notifications-page').then((m) => ({ default: m.NotificationsPage })))
const Inbox = lazy(() => import('./features/messages/inbox').then((m) => ({ default: m.Inbox })))
const Settings = lazy(() => import('./features/settings/settings-page').then((m) => ({ default: m.SettingsPage })))
const FollowRequests = lazy(() => import('./features/profile/follow-requests').then((m) => ({ default: m.FollowRequests })))
const Admin = lazy(() => import('./features/admin/admin-page').then((m) => ({ default: m.AdminPage })))

const PROFILE = /^\/@(?<username>[A-Za-z0-9_]{1,50})\/?$/
const PROFILE_LIST = /^\/@(?<username>[A-Za-z0-9_]{1,50})\/(?<list>followers|following)\/?$/

/** Screens for signed-in people: anyone else is sent to sign in and brought back after. */
function Private({ children }: { children: ReactNode }) {
  const session = useSession()
  if (session.status === 'loading') return <Loading label="Signing you in" />
  if (session.status === 'signed-out') {
    // window.location, not useLocation: inside nested routes the latter is relative.
    const next = window.location.pathname + window.location.search
    // "~": from the root, also when this sits inside a nested route such as /settings.
    return <Redirect to={next === '/' ? '~/signin' : `~/signin?next=${encodeURIComponent(next)}`} replace />
  }
  return <>{children}</>
}

/** A new screen starts at the top, and screen readers are taken to its content. */
function ScrollToTop() {
  const [location] = useLocation()
  const first = useRef(true)
  useEffect(() => {
    window.scrollTo(0, 0)
    if (first.current) {
      first.current = false
      return
    }
    document.getElementById('main')?.focus({ preventScroll: true })
  }, [location])
  return null
}

export function App() {
  useLiveSession()
  return (
    <>
      <ScrollToTop />
      <Switch>
        <Route path="/signin" component={SignIn} />
        {/* The OAuth flow lands failures on /login?error=<code>. */}
        <Route path="/login" component={SignIn} />
        <Route path="/signup" component={SignUp} />
        <Route path="/forgot-password" component={ForgotPassword} />
        <Route path="/reset-password" component={ResetPassword} />
        <Route path="/verify-email" component={VerifyEmail} />
        <Route path="/confirm-email" component={ConfirmEmail} />
        {/* A third-party (Mastodon) app's consent page: /oauth/authorize sends the browser here. */}
        <Route path="/authorize-app">
          <Private>
            <AuthorizeApp />
          </Private>
        </Route>
        <Route>
          <Shell>
            <Suspense fallback={<Loading />}>
              <Switch>
                <Route path="/">
                  <Private>
                    <HomeFeed />
                  </Private>
                </Route>
                <Route path="/explore" component={Explore} />
                <Route path="/search" component={SearchPage} />
                <Route path="/new">
                  <Private>
                    <Composer />
                  </Private>
                </Route>
                <Route path="/p/:id">{(p) => <PostPage id={Number(p.id)} />}</Route>
                <Route path="/tags/:name">{(p) => <TagPage name={decodeURIComponent(p.name)} />}</Route>
                <Route path={PROFILE}>{(p) => <ProfilePage username={p.username!} />}</Route>
                <Route path={PROFILE_LIST}>{(p) => <FollowList username={p.username!} list={p.list as 'followers' | 'following'} />}</Route>
                <Route path="/notifications">
                  <Private>
                    <Notifications />
                  </Private>
                </Route>
                <Route path="/follow-requests">
                  <Private>
                    <FollowRequests />
                  </Private>
                </Route>
                <Route path="/messages" nest>
                  <Private>
                    <Inbox />
                  </Private>
                </Route>
                <Route path="/settings" nest>
                  <Private>
                    <Settings />
                  </Private>
                </Route>
                <Route path="/admin" nest>
                  <Private>
                    <Admin />
                  </Private>
                </Route>
                <Route component={NotFound} />
              </Switch>
            </Suspense>
          </Shell>
        </Route>
      </Switch>
      <ConnectionStatus />
      <Toasts />
      <UpdatePrompt />
    </>
  )
}

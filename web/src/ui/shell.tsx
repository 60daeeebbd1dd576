// The frame around every signed-in screen: a sidebar on wide screens, a top bar and a bottom
// tab bar on phones (the same links, so the keyboard order is the reading order).
import { useId, type ReactNode } from 'react'
import { Link, useLocation } from 'wouter'
import { signOut, useSession } from '../api/session'
import { useLive } from '../features/live/live'
import { Avatar } from './avatar'
import { BellIcon, CompassIcon, HomeIcon, LogoutIcon, PlusIcon, SendIcon, SettingsIcon, ShieldIcon, UserPlusIcon } from './icons'

export function Wordmark({ compact }: { compact?: boolean }) {
  // Each copy needs its own gradient id: the sidebar's copy is hidden on phones, and a
  // url(#id) pointing into a hidden SVG paints nothing.
  const gradient = `wm${useId().replace(/[^\w-]/g, '')}`
  return (
    <span className={compact ? 'wordmark wordmark--compact' : 'wordmark'}>
      <svg viewBox="0 0 64 64" width="28" height="28" aria-hidden="true" focusable="false">
        <defs>
          <linearGradient id={gradient} x1="0" y1="1" x2="1" y2="0">
            <stop offset="0" stopColor="#f58529" />
            <stop offset=".5" stopColor="#dd2a7b" />
            <stop offset="1" stopColor="#8134af" />
          </linearGradient>
        </defs>
        <rect width="64" height="64" rx="16" fill={`url(#${gradient})`} />
        <path d="M32 50c-8-6-16-12-16-21a9 9 0 0 1 16-5.5A9 9 0 0 1 48 29c0 9-8 15-16 21z" fill="#fff" />
      </svg>
      <span className="wordmark__text">Hearth</span>
    </span>
  )
}

function Badge({ n, label }: { n: number; label: string }) {
  if (n <= 0) return null
  return (
    <span className="badge" aria-label={label}>
      {n > 99 ? '99+' : n}
    </span>
  )
}

interface Item {
  href: string
  label: string
  icon: ReactNode
  badge?: number
  badgeLabel?: string
  match?: (path: string) => boolean
}

function NavItem({ item, path, compact }: { item: Item; path: string; compact?: boolean }) {
  const active = item.match ? item.match(path) : path === item.href
  return (
    <Link
      href={item.href}
      className={['nav-item', active && 'is-active', compact && 'nav-item--compact'].filter(Boolean).join(' ')}
      aria-current={active ? 'page' : undefined}
      aria-label={compact ? item.label + (item.badge ? `, ${item.badgeLabel}` : '') : undefined}
    >
      <span className="nav-item__icon">
        {item.icon}
        {item.badge ? <Badge n={item.badge} label={item.badgeLabel ?? ''} /> : null}
      </span>
      {compact ? null : <span className="nav-item__label">{item.label}</span>}
    </Link>
  )
}

export function Shell({ children }: { children: ReactNode }) {
  const session = useSession()
  const [path] = useLocation()
  const live = useLive()
  const me = session.status === 'signed-in' ? session.user : null
  const notif = live.unreadNotifications
  const msgs = live.unreadConversations
  const requests = live.followRequests

  const home: Item = { href: '/', label: 'Home', icon: <HomeIcon filled={path === '/'} /> }
  const explore: Item = { href: '/explore', label: 'Explore', icon: <CompassIcon /> }
  const messages: Item = {
    href: '/messages',
    label: 'Messages',
    icon: <SendIcon />,
    badge: msgs,
    badgeLabel: `${msgs} unread conversations`,
    match: (p) => p.startsWith('/messages'),
  }
  const notifications: Item = {
    href: '/notifications',
    label: 'Notifications',
    icon: <BellIcon />,
    badge: notif,
    badgeLabel: `${notif} unread notifications`,
  }
  // Shown only while someone waits for an answer (private accounts); on phones the notifications
  // screen and the profile lead there.
  const followRequests: Item = {
    href: '/follow-requests',
    label: 'Follow requests',
    icon: <UserPlusIcon />,
    badge: requests,
    badgeLabel: `${requests} waiting`,
  }
  const create: Item = { href: '/new', label: 'Create', icon: <PlusIcon /> }
  const profile: Item | null = me
    ? {
        href: `/@${me.username}`,
        label: 'Profile',
        icon: <Avatar user={me} size={26} />,
        match: (p) => p === `/@${me.username}` || p.startsWith(`/@${me.username}/`),
      }
    : null
  const settings: Item = { href: '/settings', label: 'Settings', icon: <SettingsIcon />, match: (p) => p.startsWith('/settings') }
  const admin: Item = { href: '/admin', label: 'Admin', icon: <ShieldIcon />, match: (p) => p.startsWith('/admin') }

  const main: Item[] = me
    ? [home, explore, messages, notifications, ...(requests > 0 ? [followRequests] : []), create, profile!]
    : [explore]

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar" aria-label="Main">
        <Link href={me ? '/' : '/explore'} className="sidebar__brand" aria-label="Hearth home">
          <Wordmark />
        </Link>
        <nav className="sidebar__nav" aria-label="Main navigation">
          {main.map((i) => (
            <NavItem key={i.href} item={i} path={path} />
          ))}
        </nav>
        <div className="sidebar__foot">
          {me ? (
            <>
              {me.role === 'admin' ? <NavItem item={admin} path={path} /> : null}
              <NavItem item={settings} path={path} />
              <button type="button" className="nav-item" onClick={() => void signOut()}>
                <span className="nav-item__icon">
                  <LogoutIcon />
                </span>
                <span className="nav-item__label">Sign out</span>
              </button>
            </>
          ) : (
            <div className="sidebar__guest">
              <Link href="/signin" className="btn btn--primary btn--block">
                <span className="btn__label">Sign in</span>
              </Link>
              <Link href="/signup" className="btn btn--secondary btn--block">
                <span className="btn__label">Create account</span>
              </Link>
            </div>
          )}
        </div>
      </aside>

      <header className="topbar">
        <Link href={me ? '/' : '/explore'} aria-label="Hearth home">
          <Wordmark />
        </Link>
        <div className="topbar__actions">
          {me ? (
            <>
              <NavItem item={notifications} path={path} compact />
              <NavItem item={messages} path={path} compact />
            </>
          ) : (
            <Link href="/signin" className="btn btn--primary btn--small">
              <span className="btn__label">Sign in</span>
            </Link>
          )}
        </div>
      </header>

      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>

      {me ? (
        <nav className="tabbar" aria-label="Tabs">
          <NavItem item={home} path={path} compact />
          <NavItem item={explore} path={path} compact />
          <NavItem item={create} path={path} compact />
          {me.role === 'admin' ? <NavItem item={admin} path={path} compact /> : null}
          <NavItem item={profile!} path={path} compact />
        </nav>
      ) : null}
    </div>
  )
}

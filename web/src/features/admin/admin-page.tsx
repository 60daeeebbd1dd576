// /admin/*: the moderation queue, people, and statistics. Admins only; loaded on first visit.
import { lazy, Suspense } from 'react'
import { Link, Redirect, Route, Switch, useLocation } from 'wouter'
import { useSession } from '../../api/session'
import { ShieldIcon } from '../../ui/icons'
import { Empty, Loading } from '../../ui/states'
import { ReportsQueue } from './reports-queue'
import { UsersAdmin } from './users-admin'
import { useTitle } from '../../lib/use-title'

const Stats = lazy(() => import('./stats-page').then((m) => ({ default: m.StatsPage })))

const tabs = [
  ['/reports', 'Reports'],
  ['/users', 'People'],
  ['/stats', 'Statistics'],
] as const

export function AdminPage() {
  const session = useSession()
  const [path] = useLocation()
  useTitle('Administration')
  if (session.status !== 'signed-in') return null
  if (session.user.role !== 'admin') {
    return (
      <div className="column">
        <Empty icon={<ShieldIcon size={34} />} title="Administrators only">
          <p>This area is for the people who run this Hearth server.</p>
        </Empty>
      </div>
    )
  }
  return (
    <div className="column--wide">
      <div className="page-head">
        <h1>Administration</h1>
      </div>
      <nav className="admin-tabs pad-phone" aria-label="Administration sections">
        {tabs.map(([href, label]) => (
          <Link
            key={href}
            href={href}
            className={path.startsWith(href) ? 'pill is-active' : 'pill'}
            aria-current={path.startsWith(href) ? 'page' : undefined}
          >
            {label}
          </Link>
        ))}
      </nav>
      <Switch>
        <Route path="/reports" component={ReportsQueue} />
        <Route path="/users" component={UsersAdmin} />
        <Route path="/stats">
          <Suspense fallback={<Loading label="Loading charts" />}>
            <Stats />
          </Suspense>
        </Route>
        <Route>
          <Redirect to="/reports" replace />
        </Route>
      </Switch>
    </div>
  )
}

// People, for administrators: search, block / unblock, make or unmake admins.
import { useEffect, useState } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import { useSession } from '../../api/session'
import type { AdminUser } from '../../api/types'
import { count, relative } from '../../lib/format'
import { useInfinite } from '../../lib/use-infinite'
import { Avatar } from '../../ui/avatar'
import { Button } from '../../ui/controls'
import { Confirm } from '../../ui/dialog'
import { SearchIcon } from '../../ui/icons'
import { LoadMore } from '../../ui/sentinel'
import { Empty, ErrorState, Loading } from '../../ui/states'
import { toast } from '../../ui/toast'

type Filter = 'all' | 'blocked' | 'admins'

export function UsersAdmin() {
  const session = useSession()
  const [q, setQ] = useState('')
  const [term, setTerm] = useState('')
  const [filter, setFilter] = useState<Filter>('all')
  const [confirm, setConfirm] = useState<{ user: AdminUser; what: 'block' | 'admin' | 'unadmin' } | null>(null)
  const [busy, setBusy] = useState<number | null>(null)

  useEffect(() => {
    const t = setTimeout(() => setTerm(q.trim()), 250)
    return () => clearTimeout(t)
  }, [q])

  const list = useInfinite(`admin:users:${filter}:${term}`, (cursor) =>
    call(
      api.GET('/api/hearth/v1/admin/users', {
        params: {
          query: {
            cursor,
            limit: 25,
            ...(term ? { q: term } : {}),
            ...(filter === 'blocked' ? { blocked: true } : {}),
            ...(filter === 'admins' ? { role: 'admin' as const } : {}),
          },
        },
      }),
    ),
  )

  const apply = async (u: AdminUser, what: 'block' | 'unblock' | 'admin' | 'unadmin') => {
    setBusy(u.id)
    try {
      const params = { params: { path: { id: u.id } } }
      const updated = await call(
        what === 'block'
          ? api.POST('/api/hearth/v1/admin/users/{id}/block', params)
          : what === 'unblock'
            ? api.POST('/api/hearth/v1/admin/users/{id}/unblock', params)
            : api.PATCH('/api/hearth/v1/admin/users/{id}', { ...params, body: { role: what === 'admin' ? 'admin' : 'user' } }),
      )
      list.update((items) => items.map((x) => (x.id === u.id ? updated : x)))
      toast(
        what === 'block'
          ? `${u.username} is blocked and signed out everywhere`
          : what === 'unblock'
            ? `${u.username} is unblocked`
            : what === 'admin'
              ? `${u.username} is now an administrator`
              : `${u.username} is no longer an administrator`,
      )
    } catch (e) {
      toast(failureOf(e).message, 'error')
    } finally {
      setBusy(null)
    }
  }

  return (
    <>
      <div className="pad-phone">
        <div className="search" role="search">
          <SearchIcon size={18} />
          <label htmlFor="admin-user-search" className="sr-only">
            Search people by name, username or email
          </label>
          <input
            id="admin-user-search"
            className="input"
            type="search"
            placeholder="Search by name, username or email"
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
        </div>
        <div className="admin-tabs" role="tablist" aria-label="Filter people">
          {(['all', 'blocked', 'admins'] as const).map((f) => (
            <button
              key={f}
              type="button"
              role="tab"
              aria-selected={f === filter}
              className={f === filter ? 'pill is-active' : 'pill'}
              onClick={() => setFilter(f)}
            >
              {f === 'all' ? 'Everyone' : f === 'blocked' ? 'Blocked' : 'Administrators'}
            </button>
          ))}
        </div>
      </div>
      <section className="card table-wrap" aria-label="People">
        {!list.loaded ? (
          <Loading />
        ) : list.error && list.items.length === 0 ? (
          <ErrorState error={list.error} retry={() => void list.reload()} />
        ) : list.items.length === 0 ? (
          <Empty title="No one found" />
        ) : (
          <table className="table table--cards">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Posts</th>
                <th scope="col">Followers</th>
                <th scope="col">Last active</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((u) => {
                const self = u.id === session.user?.id
                return (
                  <tr key={u.id}>
                    <td>
                      <Link href={`~/@${u.username}`} style={{ display: 'flex', alignItems: 'center', gap: 10, color: 'inherit' }}>
                        <Avatar user={u} size={36} />
                        <span style={{ minWidth: 0 }}>
                          <strong>{u.username}</strong>
                          {u.role === 'admin' ? <span className="tag tag--admin">Admin</span> : null}
                          {u.isBlocked ? <span className="tag tag--blocked">Blocked</span> : null}
                          <span className="muted small" style={{ display: 'block', overflowWrap: 'anywhere' }}>
                            {u.email}
                          </span>
                        </span>
                      </Link>
                    </td>
                    <td data-label="Posts">{count(u.postsCount)}</td>
                    <td data-label="Followers">{count(u.followersCount)}</td>
                    <td data-label="Last active" className="muted">
                      {u.lastActiveAt ? relative(u.lastActiveAt) : 'never'}
                    </td>
                    <td>
                      <div className="table__actions">
                        {self ? (
                          <span className="muted small">You</span>
                        ) : (
                          <>
                            {u.isBlocked ? (
                              <Button small variant="secondary" busy={busy === u.id} onClick={() => void apply(u, 'unblock')}>
                                Unblock
                              </Button>
                            ) : (
                              <Button
                                small
                                variant="danger"
                                disabled={busy === u.id}
                                onClick={() => setConfirm({ user: u, what: 'block' })}
                              >
                                Block
                              </Button>
                            )}
                            <Button
                              small
                              variant="secondary"
                              disabled={busy === u.id}
                              onClick={() => setConfirm({ user: u, what: u.role === 'admin' ? 'unadmin' : 'admin' })}
                            >
                              {u.role === 'admin' ? 'Remove admin' : 'Make admin'}
                            </Button>
                          </>
                        )}
                      </div>
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        )}
        <LoadMore hasMore={list.hasMore} loading={list.loading} error={list.error} onMore={list.loadMore} />
      </section>
      <Confirm
        open={confirm !== null}
        onClose={() => setConfirm(null)}
        title={
          confirm?.what === 'block'
            ? `Block ${confirm.user.username}?`
            : confirm?.what === 'admin'
              ? `Make ${confirm?.user.username} an administrator?`
              : `Remove ${confirm?.user.username ?? ''} as administrator?`
        }
        body={
          confirm?.what === 'block'
            ? 'They are signed out everywhere, cannot sign in, and their posts and comments are hidden from everyone.'
            : confirm?.what === 'admin'
              ? 'Administrators can delete any content, block people and see statistics.'
              : 'They keep their account and content.'
        }
        confirmLabel={confirm?.what === 'block' ? 'Block' : confirm?.what === 'admin' ? 'Make admin' : 'Remove admin'}
        danger={confirm?.what !== 'admin'}
        onConfirm={() => confirm && void apply(confirm.user, confirm.what)}
      />
    </>
  )
}

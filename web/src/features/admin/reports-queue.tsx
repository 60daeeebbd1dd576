// The reports queue: what was reported, by whom and why, with one-click outcomes.
import { useState } from 'react'
import { Link } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf } from '../../api/problem'
import type { Report } from '../../api/types'
import { fullDate, timeAgo } from '../../lib/format'
import { useInfinite } from '../../lib/use-infinite'
import { Avatar } from '../../ui/avatar'
import { Button } from '../../ui/controls'
import { FlagIcon } from '../../ui/icons'
import { LoadMore } from '../../ui/sentinel'
import { Empty, ErrorState, Loading } from '../../ui/states'
import { toast } from '../../ui/toast'

type Status = Report['status']
const reasonText: Record<Report['reason'], string> = {
  spam: 'Spam',
  harassment: 'Harassment',
  inappropriate_content: 'Inappropriate content',
  fake_profile: 'Fake profile',
  other: 'Other',
}
const filters: [Status, string][] = [
  ['pending', 'Pending'],
  ['resolved', 'Resolved'],
  ['dismissed', 'Dismissed'],
  ['reviewed', 'Reviewed'],
]

function targetLink(r: Report): string | null {
  const t = r.target
  if (t.type === 'post') return `~/p/${t.id}`
  if (t.type === 'comment' && t.postId) return `~/p/${t.postId}#comment-${t.id}`
  if (t.type === 'user' && t.user) return `~/@${t.user.username}`
  return null
}

export function ReportsQueue() {
  const [status, setStatus] = useState<Status>('pending')
  const list = useInfinite(`admin:reports:${status}`, (cursor) =>
    call(api.GET('/api/hearth/v1/admin/reports', { params: { query: { status, cursor, limit: 20 } } })),
  )
  const [busy, setBusy] = useState<string | null>(null)

  const act = async (
    r: Report,
    next: 'resolved' | 'dismissed' | 'pending',
    action: 'none' | 'delete_content' | 'block_user',
    done: string,
  ) => {
    setBusy(`${r.id}:${action}:${next}`)
    try {
      await call(api.PATCH('/api/hearth/v1/admin/reports/{id}', { params: { path: { id: r.id } }, body: { status: next, action } }))
      list.update((items) => items.filter((x) => x.id !== r.id))
      toast(done)
    } catch (e) {
      toast(failureOf(e).message, 'error')
    } finally {
      setBusy(null)
    }
  }

  return (
    <>
      <div className="admin-tabs pad-phone" role="tablist" aria-label="Report status">
        {filters.map(([s, label]) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={s === status}
            className={s === status ? 'pill is-active' : 'pill'}
            onClick={() => setStatus(s)}
          >
            {label}
          </button>
        ))}
      </div>
      <section className="card" aria-label={`${status} reports`}>
        {!list.loaded ? (
          <Loading />
        ) : list.error && list.items.length === 0 ? (
          <ErrorState error={list.error} retry={() => void list.reload()} />
        ) : list.items.length === 0 ? (
          <Empty icon={<FlagIcon size={32} />} title={status === 'pending' ? 'No reports waiting' : 'Nothing here'}>
            <p>{status === 'pending' ? 'When people report posts, comments or accounts, they land here.' : `No ${status} reports.`}</p>
          </Empty>
        ) : (
          list.items.map((r) => {
            const link = targetLink(r)
            const t = r.target
            const what = t.type === 'user' ? 'account' : t.type
            return (
              <article key={r.id} className="report" aria-label={`Report ${r.id}: ${reasonText[r.reason]} on a ${what}`}>
                <div className="report__head">
                  <span className="tag tag--blocked">{reasonText[r.reason]}</span>
                  <span>
                    {r.reporter ? <Link href={`~/@${r.reporter.username}`}>{r.reporter.username}</Link> : 'Someone'} reported a {what}{' '}
                    <time title={fullDate(r.createdAt)}>{timeAgo(r.createdAt)}</time>
                  </span>
                  {r.otherReports.total > 0 ? (
                    <span className="tag tag--muted">
                      {r.otherReports.total} other report{r.otherReports.total === 1 ? '' : 's'} on this
                    </span>
                  ) : null}
                  {r.status !== 'pending' && r.reviewedBy ? (
                    <span className="muted small">
                      {r.status} by {r.reviewedBy.username}
                      {r.reviewedAt ? ` ${timeAgo(r.reviewedAt)}` : ''}
                    </span>
                  ) : null}
                </div>
                {r.description ? <p className="muted">“{r.description}”</p> : null}
                <div className="report__target">
                  {t.user ? <Avatar user={t.user} size={36} /> : null}
                  <div style={{ flex: 1, minWidth: 0 }}>
                    <p>
                      <strong>{t.user?.username ?? 'Unknown'}</strong>
                      {t.user?.isBlocked ? <span className="tag tag--blocked">Blocked</span> : null}
                      {t.isDeleted ? <span className="tag tag--muted">Deleted</span> : null}
                    </p>
                    {t.content ? <p style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{t.content}</p> : null}
                    {t.imageUrls.length > 0 ? (
                      <div style={{ display: 'flex', gap: 6, marginTop: 8, flexWrap: 'wrap' }}>
                        {t.imageUrls.slice(0, 4).map((u) => (
                          <img
                            key={u}
                            src={u}
                            alt="Reported photo"
                            width={72}
                            height={72}
                            style={{ objectFit: 'cover', borderRadius: 8, width: 72, height: 72 }}
                            loading="lazy"
                          />
                        ))}
                      </div>
                    ) : null}
                    {t.imagesRemovedAt ? (
                      <p className="muted small">
                        {t.imageCount === 1 ? '1 photo' : `${t.imageCount} photos`} removed from storage {timeAgo(t.imagesRemovedAt)}, after
                        the retention period
                      </p>
                    ) : null}
                    {link ? (
                      <Link href={link} className="small">
                        Open the {what}
                      </Link>
                    ) : null}
                  </div>
                </div>
                <div className="report__actions">
                  {r.status === 'pending' ? (
                    <>
                      {t.type !== 'user' && !t.isDeleted ? (
                        <Button
                          variant="danger"
                          small
                          busy={busy === `${r.id}:delete_content:resolved`}
                          onClick={() => void act(r, 'resolved', 'delete_content', `The ${what} was deleted`)}
                        >
                          Delete {what}
                        </Button>
                      ) : null}
                      {t.user && !t.user.isBlocked ? (
                        <Button
                          variant="danger"
                          small
                          busy={busy === `${r.id}:block_user:resolved`}
                          onClick={() => void act(r, 'resolved', 'block_user', `${t.user?.username} is blocked`)}
                        >
                          Block {t.user.username}
                        </Button>
                      ) : null}
                      <Button
                        variant="secondary"
                        small
                        busy={busy === `${r.id}:none:resolved`}
                        onClick={() => void act(r, 'resolved', 'none', 'Marked resolved')}
                      >
                        Resolve, no action
                      </Button>
                      <Button
                        variant="secondary"
                        small
                        busy={busy === `${r.id}:none:dismissed`}
                        onClick={() => void act(r, 'dismissed', 'none', 'Report dismissed')}
                      >
                        Dismiss
                      </Button>
                    </>
                  ) : (
                    <Button
                      variant="secondary"
                      small
                      busy={busy === `${r.id}:none:pending`}
                      onClick={() => void act(r, 'pending', 'none', 'Back in the queue')}
                    >
                      Reopen
                    </Button>
                  )}
                </div>
              </article>
            )
          })
        )}
        <LoadMore hasMore={list.hasMore} loading={list.loading} error={list.error} onMore={list.loadMore} />
      </section>
    </>
  )
}

// The purge of one deleted account: each feature removes what it owns through its public face,
// a bounded batch per transaction (so no lock is held long enough to stall anyone: README,
// "Deleting an account"), then the users row becomes an anonymised tombstone. Every step deletes
// what is still there, so a purge cut short (a crash, a stop, `maxBatches`) is finished by the next
// run from wherever it got to; the job's advisory lock keeps it to one instance at a time.
import type { AppContext } from '../../context.js'
import { purgeIdempotencyKeysOf } from '../../http/idempotency.js'
import type { Logger } from '../../logger.js'
import { purgeSessionsOf } from '../auth/index.js'
import { purgeBookmarksOf, removeBookmarksOfPosts } from '../bookmarks/index.js'
import { commentIdsOnPosts, purgeCommentsOf, removeCommentsOnPosts } from '../comments/index.js'
import { purgeFollowsOf } from '../follows/index.js'
import { purgeLikesOf, removeLikesOfPosts } from '../likes/index.js'
import { type Media, removePostPhotos } from '../media/index.js'
import { purgeMessagesOf } from '../messages/index.js'
import { purgeNotificationsOf, removeNotificationsAbout } from '../notifications/index.js'
import { purgeLinksOf } from '../oauth/index.js'
import { finishPurgeBatch, lockPurgeBatch, postsToPurge } from '../posts/index.js'
import { purgeReportsFiledBy } from '../reports/index.js'
import { purgeBlocksAndMutesOf } from '../safety/index.js'
import { purgeActivityOf } from '../stats/index.js'
import { purgeEventsOf } from '../stream/index.js'
import { purgeTagsAndMentionsOf, removeMentionsOfComments, removeTagsOfPosts } from '../tags/index.js'
import { makeTombstone } from '../users/index.js'

export interface PurgeOptions {
  /** rows per statement for the simple steps (posts go a fifth of it at a time: each drags its likes, comments...) */
  batch: number
  /** checked between batches: true ends the purge early (the next run resumes) */
  shouldStop: () => boolean
}

type Ctx = Pick<AppContext, 'database' | 'storage'>

/** One batch of the account's posts: photos out of storage, then everything hanging on them, then the posts. */
async function purgePostsBatch(ctx: Ctx, userId: number, batch: number): Promise<number> {
  const db = ctx.database.db
  const picked = await postsToPurge(db, userId, batch)
  if (picked.length === 0) return 0
  await removePostPhotos(
    ctx.storage,
    picked.map((p) => p.imageUrls),
  )
  await db.transaction(async (tx) => {
    const split = await lockPurgeBatch(
      tx,
      picked.map((p) => p.id),
    )
    const commentIds = await commentIdsOnPosts(tx, split.remove)
    await removeNotificationsAbout(tx, { postIds: split.remove, commentIds })
    await removeTagsOfPosts(tx, [...split.remove, ...split.keep])
    await removeMentionsOfComments(tx, commentIds)
    await removeLikesOfPosts(tx, split.remove)
    await removeBookmarksOfPosts(tx, split.remove)
    await removeCommentsOnPosts(tx, split.remove)
    await finishPurgeBatch(tx, split)
  })
  return picked.length
}

/** The steps in order: relations first (they move others' counters), then content, then the traces. */
function steps(ctx: Ctx, userId: number, batch: number): [string, () => Promise<number>][] {
  const db = ctx.database.db
  return [
    ['follows', () => purgeFollowsOf(db, userId, batch)],
    ['blocks and mutes', () => purgeBlocksAndMutesOf(db, userId, batch)],
    ['bookmarks', () => purgeBookmarksOf(db, userId, batch)],
    ['likes', () => purgeLikesOf(db, userId, batch)],
    ['posts', () => purgePostsBatch(ctx, userId, Math.max(1, Math.floor(batch / 5)))],
    [
      'comments',
      () =>
        purgeCommentsOf(db, userId, batch, async (tx, ids) => {
          await removeNotificationsAbout(tx, { commentIds: ids })
          await removeMentionsOfComments(tx, ids)
        }),
    ],
    ['tags and mentions', () => purgeTagsAndMentionsOf(db, userId, batch)],
    ['messages', () => purgeMessagesOf(db, ctx.storage, userId, batch)],
    ['notifications', () => purgeNotificationsOf(db, userId, batch)],
    ['reports filed', () => purgeReportsFiledBy(db, userId, batch)],
    ['sessions', () => purgeSessionsOf(db, userId, batch)],
    ['provider links', () => purgeLinksOf(db, userId, batch)],
    ['stream events', () => purgeEventsOf(db, userId, batch)],
    ['activity days', () => purgeActivityOf(db, userId, batch)],
    ['idempotency keys', () => purgeIdempotencyKeysOf(db, userId, batch)],
  ]
}

/**
 * Purges one account; 'done' once it is a tombstone, 'stopped' when `shouldStop` ended it first.
 * Counts per step go to the log.
 */
export async function purgeAccount(ctx: Ctx, media: Pick<Media, 'removeAvatar'>, log: Logger, userId: number, opts: PurgeOptions) {
  const counts: Record<string, number> = {}
  for (const [name, run] of steps(ctx, userId, opts.batch)) {
    for (;;) {
      if (opts.shouldStop()) {
        log.info({ userId, counts }, 'account purge paused; the next run resumes it')
        return 'stopped' as const
      }
      const n = await run()
      if (n === 0) break
      counts[name] = (counts[name] ?? 0) + n
    }
  }
  const tomb = await makeTombstone(ctx.database.db, userId)
  if (tomb?.avatarUrl) await media.removeAvatar(tomb.avatarUrl)
  log.info({ userId, counts }, 'account purged')
  return 'done' as const
}

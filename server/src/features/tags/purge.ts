// Account deletion's part in tags and mentions (features/deletion calls them). The mention tables
// (post_mentions, comment_mentions) have no feature of their own yet; their rows are removed here,
// next to the other text-entity tables, until one exists.
import { eq, sql } from 'drizzle-orm'
import { commentMentions, hashtagUsage, postMentions, tagFollows } from '../../db/schema.js'
import { deleteSome } from '../../platform/db/batch-delete.js'
import type { Db, DbOrTx } from '../../platform/db/index.js'
import { syncPostTags } from './post-tags.js'

const intArray = (ids: number[]) => `{${ids.map((i) => Math.trunc(i)).join(',')}}`

/** These posts (being purged) keep no tags: links, tag counters and trending's use move as for a deletion. */
export async function removeTagsOfPosts(tx: DbOrTx, postIds: number[]): Promise<void> {
  for (const id of [...postIds].sort((a, b) => a - b)) await syncPostTags(tx, id, null)
  if (postIds.length > 0) await tx.execute(sql`DELETE FROM ${postMentions} WHERE post_id = ANY(${intArray(postIds)}::int[])`)
}

/** The mention records of these comments (being removed). */
export async function removeMentionsOfComments(tx: DbOrTx, commentIds: number[]): Promise<void> {
  if (commentIds.length === 0) return
  await tx.execute(sql`DELETE FROM ${commentMentions} WHERE comment_id = ANY(${intArray(commentIds)}::int[])`)
}

/** Up to `batch` rows each of the tags `userId` follows, its trending use, and the mentions of it; how many went. */
export async function purgeTagsAndMentionsOf(db: Db, userId: number, batch: number): Promise<number> {
  return (
    (await deleteSome(db, tagFollows, eq(tagFollows.userId, userId), batch)) +
    (await deleteSome(db, hashtagUsage, eq(hashtagUsage.userId, userId), batch)) +
    (await deleteSome(db, postMentions, eq(postMentions.userId, userId), batch)) +
    (await deleteSome(db, commentMentions, eq(commentMentions.userId, userId), batch))
  )
}

// What the posts feature calls, inside its own transaction, whenever a post's text changes or the
// post goes: the tag rows, the post's links, the tags' live-post counters and trending's per-hour
// use all follow the text. Tags are parsed by lib/text-entities.ts.
import type { DbOrTx } from '../../platform/db/index.js'
import { parseHashtags } from '../../lib/text-entities.js'
import * as q from './queries.js'

/**
 * Makes a post's tags those of `content` (null: the post is deleted, it keeps none). Run it after
 * the post's row is written, in the same transaction.
 */
export async function syncPostTags(tx: DbOrTx, postId: number, content: string | null): Promise<void> {
  const wanted = new Set(content === null ? [] : parseHashtags(content))
  const current = await q.tagsOfPost(tx, postId)
  const removed = current.filter((t) => !wanted.has(t.name))
  for (const t of current) wanted.delete(t.name)
  if (wanted.size === 0 && removed.length === 0) return
  const deltas = new Map<string, number>()
  for (const name of wanted) deltas.set(name, 1)
  for (const t of removed) deltas.set(t.name, -1)
  const ids = await q.adjustTagCounts(tx, deltas)
  const added = [...wanted].map((name) => ids.get(name)!)
  const gone = removed.map((t) => t.id)
  await q.unlinkPost(tx, postId, gone)
  await q.adjustUsage(tx, postId, gone, -1)
  await q.linkPost(tx, postId, added)
  await q.adjustUsage(tx, postId, added, 1)
}

// @mentions: a post or comment notifies each person it mentions, once. Parsed by
// lib/text-entities.ts; notifications go through features/notifications (which leaves out the
// author themselves, people who muted the author, blocks either way, and people who may not see
// the post). Who was notified is recorded per post or comment, so an edit notifies only people
// newly mentioned, and one text never notifies more than MAX_MENTIONS_PER_TEXT people.
import type { AfterCommit } from '../../platform/db/transaction.js'
import type { Tx } from '../../platform/db/types.js'
import { parseMentions } from '../../lib/text-entities.js'
import { notify, type NotifyContext } from '../notifications/index.js'
import * as q from './queries.js'

export const MAX_MENTIONS_PER_TEXT = 10

export interface MentionInput {
  /** the post, or the comment, whose text it is */
  source: q.MentionSource
  /** the post the text is on (the notification links to it) */
  postId: number
  authorId: number
  content: string
  /** people already told about this text another way (the post's author hears of a comment anyway) */
  skip?: Iterable<number>
}

/** Inside the transaction that writes the text (create or edit). */
export async function notifyMentions(ctx: NotifyContext, tx: Tx, afterCommit: AfterCommit, input: MentionInput): Promise<void> {
  // the first ten distinct names of the text are the ones that can notify
  const names = parseMentions(input.content).slice(0, MAX_MENTIONS_PER_TEXT)
  if (names.length === 0) return
  const done = await q.alreadyMentioned(tx, input.source)
  let room = MAX_MENTIONS_PER_TEXT - done.size
  if (room <= 0) return
  const skip = new Set(input.skip)
  skip.add(input.authorId)
  const byName = new Map((await q.activeUsersNamed(tx, names)).map((u) => [u.username, u.id]))
  const author = await q.usernameOf(tx, input.authorId)
  for (const name of names) {
    const userId = byName.get(name)
    if (userId === undefined || done.has(userId) || skip.has(userId)) continue
    const row = await notify(ctx, tx, afterCommit, {
      userId,
      type: 'mention',
      actorId: input.authorId,
      postId: input.postId,
      ...(input.source.kind === 'comment' ? { commentId: input.source.id } : {}),
      message: input.source.kind === 'post' ? `${author} mentioned you` : `${author} mentioned you in a comment`,
    })
    if (!row) continue
    await q.recordMention(tx, input.source, userId)
    if (--room === 0) return
  }
}

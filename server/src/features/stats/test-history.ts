// A hand-built history of four days (2024-03-01 .. 04, UTC) with rows at the day boundaries,
// deleted content, overwritten session activity and daily activity rows, and the statistics
// it must produce. Used by the statistics suites.
import { randomBytes } from 'node:crypto'
import { comments, conversations, likes, messages, posts, userDailyActivity, userSessions, users } from '../../db/schema.js'
import type { Db } from '../../platform/db/index.js'

const at = (iso: string) => new Date(iso)

export const HISTORY_DAYS = ['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04']
/** "now" for the scheduler: the morning after the last day of the history */
export const AFTER_HISTORY = at('2024-03-05T10:00:00Z')

export const EXPECTED = {
  '2024-03-01': { activeUsers: 2, newUsers: 2, totalPosts: 1, totalLikes: 1, totalComments: 1, totalMessages: 1 },
  '2024-03-02': { activeUsers: 2, newUsers: 1, totalPosts: 1, totalLikes: 2, totalComments: 1, totalMessages: 1 },
  '2024-03-03': { activeUsers: 1, newUsers: 0, totalPosts: 2, totalLikes: 2, totalComments: 2, totalMessages: 1 },
  '2024-03-04': { activeUsers: 2, newUsers: 1, totalPosts: 3, totalLikes: 3, totalComments: 2, totalMessages: 2 },
} as const

export async function buildHistory(db: Db) {
  const tag = randomBytes(3).toString('hex')
  const user = async (name: string, createdAt: string) => {
    const [row] = await db
      .insert(users)
      .values({ email: `${name}${tag}@history.test`, username: `${name}_${tag}`, createdAt: at(createdAt), updatedAt: at(createdAt) })
      .returning({ id: users.id })
    return row!.id
  }
  const u1 = await user('h1', '2024-03-01T09:00:00Z')
  const u2 = await user('h2', '2024-03-01T23:59:59.999Z')
  const u3 = await user('h3', '2024-03-02T00:00:00Z') // the first instant of the 2nd belongs to the 2nd
  const u4 = await user('h4', '2024-03-04T15:00:00Z') // joined, never signed in: new but not active

  const session = (userId: number, createdAt: string, lastActivity: string | null) => ({
    userId,
    sessionToken: randomBytes(12).toString('hex'),
    expiresAt: at('2024-04-30T00:00:00Z'),
    createdAt: at(createdAt),
    lastActivity: lastActivity ? at(lastActivity) : null,
  })
  await db.insert(userSessions).values([
    // u1 visited on the 1st, 2nd and 3rd: the session only remembers the 1st (created) and the 3rd (last)
    session(u1, '2024-03-01T09:00:00Z', '2024-03-03T12:00:00Z'),
    session(u2, '2024-03-01T23:59:59Z', '2024-03-01T23:59:59Z'),
    session(u3, '2024-03-02T00:00:00Z', null),
  ])
  await db.insert(userDailyActivity).values([
    { day: '2024-03-02', userId: u1 }, // ...the daily activity table remembers the 2nd
    { day: '2024-03-04', userId: u1 },
    { day: '2024-03-04', userId: u2 },
  ])

  const post = async (userId: number, createdAt: string, isDeleted = false) => {
    const [row] = await db
      .insert(posts)
      .values({ userId, content: 'history', isDeleted, createdAt: at(createdAt), updatedAt: at(createdAt) })
      .returning({ id: posts.id })
    return row!.id
  }
  const p1 = await post(u1, '2024-03-01T10:00:00Z')
  await post(u2, '2024-03-02T12:00:00Z', true)
  const p3 = await post(u3, '2024-03-03T08:00:00Z')
  await post(u1, '2024-03-04T23:59:59.999Z')

  await db.insert(likes).values([
    { userId: u2, postId: p1, createdAt: at('2024-03-01T11:00:00Z') },
    { userId: u3, postId: p1, createdAt: at('2024-03-02T01:00:00Z') },
    { userId: u1, postId: p3, createdAt: at('2024-03-04T10:00:00Z') },
  ])

  const [c1] = await db
    .insert(comments)
    .values({ postId: p1, userId: u2, content: 'c1', createdAt: at('2024-03-01T12:00:00Z') })
    .returning({ id: comments.id })
  await db.insert(comments).values([
    { postId: p1, userId: u3, content: 'c2', isDeleted: true, createdAt: at('2024-03-02T13:00:00Z') },
    { postId: p1, userId: u1, content: 'c3', parentCommentId: c1!.id, createdAt: at('2024-03-03T09:00:00Z') },
  ])

  const [pair] = await db
    .insert(conversations)
    .values({ user1Id: Math.min(u1, u2), user2Id: Math.max(u1, u2), createdAt: at('2024-03-01T20:00:00Z') })
    .returning({ id: conversations.id })
  const message = (senderId: number, receiverId: number, createdAt: string, isDeleted = false) => ({
    conversationId: pair!.id,
    senderId,
    receiverId,
    content: 'hi',
    isDeleted,
    createdAt: at(createdAt),
  })
  await db
    .insert(messages)
    .values([
      message(u1, u2, '2024-03-01T20:00:00Z'),
      message(u2, u1, '2024-03-03T20:00:00Z', true),
      message(u2, u1, '2024-03-04T00:00:00Z'),
    ])
  return { users: [u1, u2, u3, u4], posts: { p1, p3 } }
}

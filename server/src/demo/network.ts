// A small living network for `npm run demo`: a dozen people with avatars and photo posts, who
// follow, like, comment and write to each other, plus a pending report. Everything goes through
// the real HTTP routes (app.inject), so validation, counters and notifications are the product's
// own; only timestamps are then moved into the past so the feed and the charts look lived in.
import { randomInt } from 'node:crypto'
import { eq, inArray, sql } from 'drizzle-orm'
import type { buildApp } from '../app.js'
import type { AppContext } from '../context.js'
import { comments, conversations, follows, likes, messages, notifications, posts, userDailyActivity, users } from '../db/schema.js'
import { StatsService } from '../features/stats/index.js'
import { avatar, describePhoto, photo, rng } from './pictures.js'

type App = Awaited<ReturnType<typeof buildApp>>

export const DEMO_PASSWORD = 'hearth demo password'

const people = [
  ['maya', 'Maya Lin', 'Film photographer. Chasing golden hour in every city I visit.'],
  ['leo', 'Leo Martins', 'Climber, coffee nerd, occasional painter.'],
  ['sofia', 'Sofia Rossi', 'Architect by day. Sketchbook always in my bag.'],
  ['kenji', 'Kenji Watanabe', 'Night walks and neon. Tokyo → Lisbon.'],
  ['amara', 'Amara Okafor', 'Botanist. Too many plants, not enough windowsills.'],
  ['noah', 'Noah Fischer', 'Trail runner. Mountains make everything quieter.'],
  ['ines', 'Inês Costa', 'Baker of sourdough and bad puns.'],
  ['omar', 'Omar Haddad', 'Sailing, sunsets and the sea in general.'],
  ['zoe', 'Zoe Kim', 'Illustrator. Colour is my love language.'],
  ['lucas', 'Lucas Dubois', 'Cyclist. Collector of small roads.'],
  ['priya', 'Priya Patel', 'Product designer. Weekend ceramicist.'],
  ['felix', 'Felix Novak', 'Dad jokes, dog walks, drone shots.'],
] as const

// Captions carry hashtags (a few shared ones, so tag pages and trending have something to show) and
// now and then a mention of another demo person, so the mention notification appears too.
const captions = [
  'Golden hour never gets old 🌅 #sunset #goldenhour',
  'Found this view after a two-hour hike. Worth every step. #hiking #mountains',
  'Sunday mood. #weekend',
  'City lights from the rooftop last night ✨ #citylife #nightphotography',
  'The forest was so quiet this morning. #nature',
  'Breakfast spread for friends 🍓 #food #friends',
  'Colours I did not expect to see today. #colour',
  'A little corner of calm. #home',
  'Trying a new palette for the studio wall — thoughts? @zoe #colour #studio',
  'The sea was glass this evening. #sea #sunset',
  'Weekend escape, part one. #weekend #travel',
  'Some days the sky does all the work. #sky #nature',
  'Still thinking about this place. #travel',
  'Layers and layers of mountains 🏔️ #mountains #hiking',
  'Bloom season is here 🌸 #flowers #spring',
]

const textPosts = [
  'What is the one place you would go back to tomorrow if you could? Mine is a tiny café in Porto. #travel',
  'Reminder: drink water, go outside, call a friend. In any order.',
  'Book recommendations for a long train ride? I have 9 hours and no plan. @maya you always know #books',
]

const commentLines = [
  'This is stunning!',
  'Wow, the colours 😍',
  'Where is this? I need to go.',
  'Frame-worthy.',
  'Love this so much.',
  'The light here is unreal.',
  'You always find the best spots.',
  'Adding this to my list!',
  'Beautiful composition.',
  'I can almost hear the waves.',
]

const replyLines = ['Thank you! 🙏', 'Right?! It was even better in person.', 'I’ll send you the map pin.', 'Haha, come along next time!']

const chats: [string, string, string[]][] = [
  [
    'maya',
    'leo',
    [
      'Hey! Are you still up for the photo walk on Saturday?',
      'Absolutely. 8am at the old bridge?',
      'Perfect. Bring the 35mm 📷',
      'Deal. Coffee is on me.',
    ],
  ],
  [
    'sofia',
    'maya',
    ['Your sunset series is incredible.', 'Thank you!! It took three evenings to get that one.', 'Would you print one for my studio?'],
  ],
  ['kenji', 'zoe', ['Loved your new illustration!', 'Thanks Kenji! Your neon photos inspired the palette.', 'Collab soon?']],
  ['amara', 'ines', ['Do you have a spare sourdough starter?', 'Always. Come by tomorrow 🍞']],
]

async function form(fields: Record<string, string | string[]>, files: { field: string; name: string; type: string; data: Buffer }[]) {
  const f = new FormData()
  for (const [k, v] of Object.entries(fields)) for (const value of [v].flat()) f.append(k, value)
  for (const file of files) f.append(file.field, new Blob([new Uint8Array(file.data)], { type: file.type }), file.name)
  // Response serialises FormData to a multipart body with its boundary.
  const r = new Response(f)
  return { payload: Buffer.from(await r.arrayBuffer()), contentType: r.headers.get('content-type')! }
}

export interface DemoResult {
  users: number
  posts: number
  usernames: string[]
}

export async function seedDemo(ctx: AppContext, app: App, log: (line: string) => void): Promise<DemoResult> {
  const r = rng(20240607)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, token: string | undefined, body?: unknown) => {
    const res = await app.inject({
      method,
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      payload: body as object | undefined,
    })
    if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`)
    return res.body ? (JSON.parse(res.body) as Record<string, any>) : {}
  }
  const multipart = async (method: 'POST' | 'PUT', url: string, token: string, body: Awaited<ReturnType<typeof form>>) => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': body.contentType },
      payload: body.payload,
    })
    if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`)
    return JSON.parse(res.body) as Record<string, any>
  }

  log('creating people and their avatars…')
  const accounts: { id: number; username: string; token: string }[] = []
  for (const [i, [username, name, bio]] of people.entries()) {
    const res = await call('POST', '/api/hearth/v1/auth/register', undefined, {
      email: `${username}@demo.hearth`,
      username,
      password: DEMO_PASSWORD,
      displayName: name,
    })
    const token = res.accessToken as string
    await call('PATCH', '/api/hearth/v1/users/me', token, { bio })
    await multipart(
      'PUT',
      '/api/hearth/v1/users/me/avatar',
      token,
      await form({}, [{ field: 'file', name: 'avatar.png', type: 'image/png', data: await avatar(name, i + 1) }]),
    )
    accounts.push({ id: res.user.id as number, username, token })
  }
  const byName = new Map(accounts.map((a) => [a.username, a]))

  log('following…')
  for (const a of accounts) {
    for (const b of accounts) {
      if (a !== b && r() < 0.55) await call('PUT', `/api/hearth/v1/users/${b.id}/follow`, a.token)
    }
  }

  log('posting photos…')
  const postIds: { id: number; author: (typeof accounts)[number] }[] = []
  let seed = 1
  for (const a of accounts) {
    const n = 2 + Math.floor(r() * 3)
    for (let k = 0; k < n; k++) {
      const count = r() < 0.3 ? 2 + Math.floor(r() * 3) : 1
      const files = []
      const alt: string[] = []
      for (let c = 0; c < count; c++) {
        alt.push(describePhoto(seed * 7919))
        files.push({ field: 'images', name: `photo-${seed}.jpg`, type: 'image/jpeg', data: await photo(seed++ * 7919) })
      }
      // every photo described; one post in seven carries a content warning, so the screens show both
      const warning: Record<string, string> = postIds.length % 7 === 3 ? { sensitive: 'true', spoilerText: 'Very bright colours' } : {}
      const post = await multipart('POST', '/api/hearth/v1/posts', a.token, await form({ content: pick(captions), alt, ...warning }, files))
      postIds.push({ id: post.id as number, author: a })
    }
    if (r() < 0.25) {
      const post = await call('POST', '/api/hearth/v1/posts', a.token, { content: pick(textPosts) })
      postIds.push({ id: post.id as number, author: a })
    }
  }

  log('liking and commenting…')
  for (const p of postIds) {
    for (const a of accounts) if (a !== p.author && r() < 0.45) await call('PUT', `/api/hearth/v1/posts/${p.id}/like`, a.token)
    const talkers = accounts.filter((a) => a !== p.author && r() < 0.2)
    for (const a of talkers) {
      const c = await call('POST', `/api/hearth/v1/posts/${p.id}/comments`, a.token, { content: pick(commentLines) })
      if (r() < 0.5)
        await call('POST', `/api/hearth/v1/posts/${p.id}/comments`, p.author.token, { content: pick(replyLines), parentCommentId: c.id })
    }
  }

  log('writing messages…')
  for (const [from, to, lines] of chats) {
    const a = byName.get(from)!
    const b = byName.get(to)!
    const convo = await call('POST', '/api/hearth/v1/conversations', a.token, { userId: b.id })
    for (const [i, line] of lines.entries()) {
      await call('POST', `/api/hearth/v1/conversations/${convo.id}/messages`, (i % 2 === 0 ? a : b).token, { content: line })
    }
  }

  log('filing a report for the moderators…')
  const reported = postIds.find((p) => p.author.username === 'felix') ?? postIds[0]!
  await call('POST', '/api/hearth/v1/reports', byName.get('sofia')!.token, {
    reason: 'spam',
    postId: reported.id,
    description: 'Posted the same drone shot in three groups today.',
  })

  // The seeding sessions are not devices anyone used: end them.
  for (const a of accounts) await call('POST', '/api/hearth/v1/auth/logout', a.token)

  await backdate(
    ctx,
    accounts.map((a) => a.id),
    r,
  )
  return { users: accounts.length, posts: postIds.length, usernames: accounts.map((a) => a.username) }
}

/**
 * Spreads the history over the last four weeks (accounts first, then posts, comments, likes,
 * follows), records some daily activity, and computes the statistics for the past days.
 */
async function backdate(ctx: AppContext, ids: number[], r: () => number) {
  const db = ctx.database.db
  const day = 86_400_000
  const now = Date.now()
  await db.transaction(async (tx) => {
    for (const [i, id] of ids.entries()) {
      const joined = new Date(now - (28 - i) * day - Math.floor(r() * day * 0.5))
      await tx.update(users).set({ createdAt: joined, updatedAt: joined }).where(eq(users.id, id))
    }
    // Posts between their author's sign-up and now, older first by id order.
    const rows = await tx.select({ id: posts.id, userId: posts.userId }).from(posts).where(inArray(posts.userId, ids)).orderBy(posts.id)
    const total = rows.length
    for (const [i, p] of rows.entries()) {
      const ageDays = ((total - i) / total) * 20 + r() * 0.8
      const at = new Date(now - ageDays * day)
      await tx.update(posts).set({ createdAt: at, updatedAt: at }).where(eq(posts.id, p.id))
      // Reactions follow the post by minutes to hours.
      await tx
        .update(comments)
        // by id, so replies stay after what they answer
        .set({ createdAt: sql`${at.toISOString()}::timestamp + interval '25 minutes' + (${comments.id} % 1000) * interval '9 minutes'` })
        .where(eq(comments.postId, p.id))
      await tx
        .update(comments)
        .set({ updatedAt: sql`${comments.createdAt}` })
        .where(eq(comments.postId, p.id))
      await tx
        .update(likes)
        .set({ createdAt: sql`${at.toISOString()}::timestamp + random() * interval '30 hours'` })
        .where(eq(likes.postId, p.id))
    }
    await tx
      .update(follows)
      .set({ createdAt: sql`now() - random() * interval '25 days'` })
      .where(inArray(follows.followerId, ids))
    // Newest first by id, as the list is ordered: spread them back in time in that order.
    await tx
      .update(notifications)
      .set({ createdAt: sql`now() - ((SELECT max(id) FROM notifications) - ${notifications.id}) * interval '23 minutes'` })
      .where(inArray(notifications.userId, ids))
    // Conversations keep their real (recent) times, only spread over the last hours.
    const convos = await tx.select({ id: conversations.id }).from(conversations)
    for (const [i, c] of convos.entries()) {
      const base = new Date(now - (i + 1) * 3 * 3_600_000)
      await tx
        .update(messages)
        .set({ createdAt: sql`${base.toISOString()}::timestamp + (${messages.id} % 100) * interval '4 minutes'` })
        .where(eq(messages.conversationId, c.id))
      await tx
        .update(conversations)
        .set({ lastMessageAt: sql`(SELECT max(created_at) FROM messages WHERE conversation_id = ${c.id})` })
        .where(eq(conversations.id, c.id))
    }
    // Who was active on which day: most people, most days.
    const activity: { day: string; userId: number }[] = []
    for (let d = 0; d < 28; d++) {
      const dayStr = new Date(now - d * day).toISOString().slice(0, 10)
      for (const [i, id] of ids.entries()) if (i <= 28 - d && r() < 0.35 + 0.5 * (1 - d / 28)) activity.push({ day: dayStr, userId: id })
    }
    if (activity.length) await tx.insert(userDailyActivity).values(activity).onConflictDoNothing()
  })
  await new StatsService(ctx).runOnce()
}

export async function alreadySeeded(ctx: AppContext): Promise<boolean> {
  const [row] = await ctx.database.db.select({ id: users.id }).from(users).where(eq(users.username, 'maya')).limit(1)
  return row !== undefined
}

export function randomPassword(): string {
  const words = ['amber', 'breeze', 'cedar', 'dune', 'ember', 'fjord', 'grove', 'harbor', 'iris', 'juniper', 'lumen', 'meadow']
  return `${words[randomInt(words.length)]}-${words[randomInt(words.length)]}-${randomInt(100, 999)}`
}

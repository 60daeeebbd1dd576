// A small social world for the safety suites (visibility-walk.test.ts, races.test.ts): who blocks,
// mutes and follows whom, what each person wrote, and what each viewer must not see. Built through
// the API only, so the rows are what real use makes.
import { expect } from 'vitest'
import { json, register, type Session, type TestApp } from '../../../test/helpers.js'
import { api, postCounters, replyCounter, userCounters } from '../posts/test-support.js'

export const PEOPLE = [
  'owner', // a private account
  'follower', // an approved follower of owner
  'requester', // a pending follow request to owner
  'third', // a public bystander whose posts everyone interacts with
  'blocker', // blocks `blocked` once the world is built
  'blocked',
  'muter', // mutes `muted`
  'muted',
  'outsider', // no relationship with owner
] as const
export type Person = (typeof PEOPLE)[number]

/** Who walks the routes: the people whose view something must be missing from, and anonymous. */
export type Viewer = Person | 'anonymous'

export interface World {
  people: Record<Person, Session>
  id: Record<Person, number>
  /** post label → id; `author` says whose */
  posts: Record<string, { id: number; author: Person }>
  /** comment label → id; `author` whose, `post` the post label it is under */
  comments: Record<string, { id: number; author: Person; post: string }>
  /** the blocker's and the blocked person's conversation, made before the block */
  conversation: { id: number; messageIds: number[] }
  /** comments the block removed (the blocked person's, on the blocker's posts): shown to nobody */
  goneComments: string[]
}

/** What one viewer must not be shown. */
export interface Hidden {
  users: Set<number>
  posts: Set<number>
  comments: Set<number>
}

/**
 * The blocker and the blocked person have followed, liked and commented on each other's posts and
 * on the third person's, and written to each other, before the block; the muted person acts on the
 * muter's posts after the mute.
 */
/** The hashtag of every post of the world. */
export const WORLD_TAG = 'walked'

export async function buildWorld(t: TestApp): Promise<World> {
  const a = api(t)
  const people = {} as Record<Person, Session>
  for (const p of PEOPLE) people[p] = await register(t.app, { displayName: `The ${p}` })
  const id = Object.fromEntries(PEOPLE.map((p) => [p, people[p].user.id])) as Record<Person, number>
  const posts: World['posts'] = {}
  const comments: World['comments'] = {}
  const post = async (label: string, author: Person) => {
    // every post carries WORLD_TAG, which everyone follows: tag pages and the home feed's
    // followed-tags branch hold everyone's posts, hidden ones included, for the walk to scan
    posts[label] = { id: (await a.createPost(people[author], `${label} by ${author} #${WORLD_TAG}`)).id, author }
  }
  const comment = async (label: string, author: Person, on: string, parent?: string) => {
    const c = await a.comment(people[author], posts[on]!.id, `${label} by ${author}`, parent ? comments[parent]!.id : undefined)
    comments[label] = { id: c.id, author, post: on }
  }
  const ok = async (res: Promise<{ statusCode: number; body: string }>, status = 200) => {
    const r = await res
    if (r.statusCode !== status) throw new Error(`world building: expected ${status}, got ${r.statusCode} ${r.body}`)
  }

  // The private account, its approved follower and a pending request.
  await ok(a.patch('/users/me', people.owner, { isPrivate: true }))
  await ok(a.put(`/users/${id.owner}/follow`, people.follower), 202)
  await ok(a.post(`/follow-requests/${id.follower}/accept`, people.owner), 204)
  await ok(a.put(`/users/${id.owner}/follow`, people.requester), 202)
  await post('ownerPost', 'owner')
  await post('ownerPost2', 'owner')
  await post('thirdPost', 'third')
  await post('thirdPost2', 'third')
  await post('blockerPost', 'blocker')
  await post('blockerPost2', 'blocker')
  await post('blockedPost', 'blocked')
  await post('muterPost', 'muter')
  await ok(a.put(`/users/${id.third}/follow`, people.owner))
  await comment('followerOnOwner', 'follower', 'ownerPost')
  await comment('ownerReplyOnOwner', 'owner', 'ownerPost', 'followerOnOwner')
  await ok(a.put(`/posts/${posts.ownerPost!.id}/like`, people.follower))
  // The private account's own activity on a public post stays visible to everyone.
  await comment('ownerOnThird', 'owner', 'thirdPost')
  await ok(a.put(`/posts/${posts.thirdPost!.id}/like`, people.owner))

  // The blocker and the blocked person, before the block.
  for (const [who, whom] of [
    ['blocked', 'blocker'],
    ['blocker', 'blocked'],
    ['blocked', 'third'],
    ['blocker', 'third'],
    ['third', 'blocked'],
    ['third', 'blocker'],
    ['outsider', 'third'],
    ['follower', 'third'],
  ] as const) {
    await ok(a.put(`/users/${id[whom]}/follow`, people[who]))
  }
  for (const [who, label] of [
    ['blocked', 'blockerPost'],
    ['blocked', 'thirdPost'],
    ['blocker', 'thirdPost'],
    ['blocker', 'blockedPost'],
    ['third', 'blockedPost'],
    ['third', 'blockerPost'],
  ] as const) {
    await ok(a.put(`/posts/${posts[label]!.id}/like`, people[who]))
    // saved before the block: the saved list must drop the other side's posts after it
    await ok(a.put(`/posts/${posts[label]!.id}/bookmark`, people[who]))
  }
  await comment('blockedOnBlocker', 'blocked', 'blockerPost')
  await comment('thirdReplyToBlockedOnBlocker', 'third', 'blockerPost', 'blockedOnBlocker')
  await comment('thirdOnBlocker', 'third', 'blockerPost')
  await comment('blockedReplyToThirdOnBlocker', 'blocked', 'blockerPost', 'thirdOnBlocker')
  await comment('blockedOnThird', 'blocked', 'thirdPost')
  await comment('blockerReplyToBlockedOnThird', 'blocker', 'thirdPost', 'blockedOnThird')
  await comment('thirdReplyToBlockedOnThird', 'third', 'thirdPost', 'blockedOnThird')
  await comment('blockerOnThird', 'blocker', 'thirdPost')
  await comment('blockedReplyToBlockerOnThird', 'blocked', 'thirdPost', 'blockerOnThird')
  await comment('blockerOnBlocked', 'blocker', 'blockedPost')
  await comment('thirdReplyToBlockerOnBlocked', 'third', 'blockedPost', 'blockerOnBlocked')
  await comment('thirdOnThird2', 'third', 'thirdPost2')
  await comment('blockedReplyToThirdOnThird2', 'blocked', 'thirdPost2', 'thirdOnThird2')
  await comment('blockerReplyToThirdOnThird2', 'blocker', 'thirdPost2', 'thirdOnThird2')
  const conv = json(await a.post('/conversations', people.blocked, { userId: id.blocker }))
  const messageIds: number[] = []
  for (const [from, text] of [
    ['blocked', 'hello'],
    ['blocker', 'please stop'],
  ] as const) {
    const res = await a.post(`/conversations/${conv.id}/messages`, people[from], { content: text })
    if (res.statusCode !== 201) throw new Error(`message failed: ${res.statusCode} ${res.body}`)
    messageIds.push(json(res).id)
  }
  await ok(a.put(`/users/${id.blocked}/block`, people.blocker), 204)

  // The muter follows the muted person and mutes them; everything of theirs comes after.
  await ok(a.put(`/users/${id.muted}/follow`, people.muter))
  await ok(a.put(`/users/${id.muted}/mute`, people.muter), 204)
  await post('mutedPost', 'muted')
  await ok(a.put(`/users/${id.muter}/follow`, people.muted))
  await ok(a.put(`/posts/${posts.muterPost!.id}/like`, people.muted))
  await comment('mutedOnMuter', 'muted', 'muterPost')
  for (const p of PEOPLE) await ok(a.put(`/tags/${WORLD_TAG}/follow`, people[p]))

  return {
    people,
    id,
    posts,
    comments,
    conversation: { id: conv.id, messageIds },
    goneComments: ['blockedOnBlocker', 'blockedReplyToThirdOnBlocker'],
  }
}

/**
 * Whether `viewer` may see `author`'s posts and the comments under them: no block either way, and
 * a public account, or the viewer's own, or one the viewer follows. Mutes change nothing here.
 */
export function seesPostsOf(w: World, viewer: Viewer, author: Person): boolean {
  if (blockedEitherWay(viewer, author)) return false
  if (author !== 'owner') return true
  return viewer === 'owner' || viewer === 'follower'
}

export function blockedEitherWay(viewer: Viewer, other: Person | Viewer): boolean {
  return (viewer === 'blocker' && other === 'blocked') || (viewer === 'blocked' && other === 'blocker')
}

/** Everything `viewer` must not be shown, from the world's rules (not from the server's answers). */
export function hiddenFrom(w: World, viewer: Viewer): Hidden {
  const users = new Set<number>()
  for (const p of PEOPLE) if (blockedEitherWay(viewer, p)) users.add(w.id[p])
  const posts = new Set<number>()
  for (const p of Object.values(w.posts)) if (!seesPostsOf(w, viewer, p.author)) posts.add(p.id)
  const comments = new Set<number>()
  for (const [label, c] of Object.entries(w.comments)) {
    const gone = w.goneComments.includes(label)
    if (gone || blockedEitherWay(viewer, c.author) || !seesPostsOf(w, viewer, w.posts[c.post]!.author)) comments.add(c.id)
  }
  return { users, posts, comments }
}

/** What a JSON answer shows: people (objects with an id and a username), posts, live comments, referenced post ids. */
export interface Shown {
  users: Set<number>
  posts: Set<number>
  comments: Set<number>
  postRefs: Set<number>
  /** where each id was found, for failure messages */
  where: Map<string, string>
}

export function emptyShown(): Shown {
  return { users: new Set(), posts: new Set(), comments: new Set(), postRefs: new Set(), where: new Map() }
}

/**
 * Walks a JSON value and records what it shows. A post is an object with `likeCount` and
 * `author`; a comment an object with `parentCommentId`, counted only with its author or content
 * (a placeholder keeps only its place in the thread); a person any object with `id` and
 * `username`; a post reference any `postId`.
 */
export function scan(value: unknown, into: Shown = emptyShown(), path = '$'): Shown {
  if (Array.isArray(value)) {
    value.forEach((v, i) => scan(v, into, `${path}[${i}]`))
    return into
  }
  if (value === null || typeof value !== 'object') return into
  const o = value as Record<string, unknown>
  const note = (kind: string, id: unknown) => {
    if (typeof id !== 'number') return
    ;(into as unknown as Record<string, Set<number>>)[kind]!.add(id)
    if (!into.where.has(`${kind}:${id}`)) into.where.set(`${kind}:${id}`, path)
  }
  if (typeof o.username === 'string') note('users', o.id)
  if ('likeCount' in o && 'author' in o) note('posts', o.id)
  if ('parentCommentId' in o && (o.author !== null || o.content !== null)) note('comments', o.id)
  if ('postId' in o) note('postRefs', o.postId)
  for (const [k, v] of Object.entries(o)) scan(v, into, `${path}.${k}`)
  return into
}

/** Every counter column of the world equals the rows it counts. */
export async function expectCountersRight(t: TestApp, w: World) {
  for (const p of PEOPLE) {
    const c = await userCounters(t, w.id[p])
    expect({ who: p, followers: c.followersCount, following: c.followingCount, posts: c.postsCount }).toEqual({
      who: p,
      followers: c.followersRows,
      following: c.followingRows,
      posts: c.postsRows,
    })
  }
  for (const [label, p] of Object.entries(w.posts)) {
    const c = await postCounters(t, p.id)
    expect({ label, likes: c.likeCount, comments: c.commentCount }).toEqual({ label, likes: c.likeRows, comments: c.commentRows })
  }
  for (const [label, cm] of Object.entries(w.comments)) {
    const c = await replyCounter(t, cm.id)
    expect({ label, replies: c.replyCount }).toEqual({ label, replies: c.replyRows })
  }
}

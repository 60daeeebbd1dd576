// GET /search on both engines: people, posts (and the combined answer), case and accents, the
// tiers then recency, paging, who may see what, and odd text. Each test uses words of its own, so
// the suite's shared database never lets one test's posts into another's results.
import { randomBytes } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows } from '../../platform/db/rows.js'
import { createHarness, expectProblem, json, register, type Harness, type Session, type TestApp } from '../../../test/helpers.js'
import { boundBefore, checkTimeKey } from '../../lib/keyset.js'
import { api, setBlocked } from '../posts/test-support.js'
import { FIRST_SCORE, latestPostId, searchPostsPage } from './queries.js'

const decode = (cursor: string) => {
  const [bound, score, at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as [number, number, string, number]
  return { bound, score, key: checkTimeKey(at, id) }
}

let h: Harness
let t: TestApp
let a: ReturnType<typeof api>

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  a = api(t)
})
afterAll(async () => h.close())

/** A word no other test uses: letters only, so the parser keeps it one word. */
const word = () => 'w' + [...randomBytes(8)].map((b) => String.fromCharCode(97 + (b % 26))).join('')
const ids = (items: { id: number }[]) => items.map((p) => p.id)
const search = (q: string, s?: Session | null, type = 'posts', extra = '') =>
  a.get(`/search?q=${encodeURIComponent(q)}${type ? `&type=${type}` : ''}${extra}`, s)
const found = async (q: string, s?: Session | null) => {
  const res = await search(q, s)
  expect(res.statusCode, res.body).toBe(200)
  return ids(json(res).items)
}

describe('the folding both engines share', () => {
  it('lower-cases and strips accents through the unaccent extension', async () => {
    const rows = await queryRows<{ folded: string; words: string }>(
      t.ctx.database.db,
      sql`SELECT hearth_search_text('Crème BRÛLÉE à Łódź, Œuvre') AS folded,
        to_tsvector('simple'::regconfig, hearth_search_text('Crème BRÛLÉE')) :: text AS words`,
    )
    expect(rows[0]).toEqual({ folded: 'creme brulee a lodz, oeuvre', words: "'brulee':2 'creme':1" })
  })
})

describe('post search', () => {
  it('finds a word from the middle of a caption, whatever its case and accents on either side', async () => {
    const author = await register(t.app)
    const w = word()
    const p = await a.createPost(author, `Morning light over the ${w}Café de Flore terrace, with friends`)
    const q = await a.createPost(author, `A plain ${w}cafe on the corner`)
    for (const query of [`${w}café`, `${w}CAFE`, `${w}Cafe`, `${w}CAFÉ`]) {
      expect((await found(query)).sort()).toEqual([p.id, q.id].sort())
    }
    expect(await found(`terrace ${w}cafe`)).toEqual([p.id])
    // anonymous callers search what anyone may see, as they read explore and profiles
    expect(await found(`${w}cafe de flore`, null)).toEqual([p.id])
    // a word must match whole: a prefix of it is another word
    expect(await found(`${w}ca`)).toEqual([])
  })

  it('finds edited text and forgets deleted posts', async () => {
    const author = await register(t.app)
    const [before, after] = [word(), word()]
    const p = await a.createPost(author, `first ${before}`)
    expect(await found(before)).toEqual([p.id])
    expect((await a.patch(`/posts/${p.id}`, author, { content: `then ${after}` })).statusCode).toBe(200)
    expect(await found(before)).toEqual([])
    expect(await found(after)).toEqual([p.id])
    expect((await a.del(`/posts/${p.id}`, author)).statusCode).toBe(204)
    expect(await found(after)).toEqual([])
  })

  it('ranks the phrase as typed above the words apart, newest first within each', async () => {
    const author = await register(t.app)
    const [x, y] = [word(), word()]
    const oldPhrase = await a.createPost(author, `saw a ${x} ${y} today`)
    const apart = await a.createPost(author, `the ${y} was not a ${x}`)
    const newPhrase = await a.createPost(author, `${x.toUpperCase()} ${y}, again`)
    const newerApart = await a.createPost(author, `${x} and then ${y}`)
    await a.createPost(author, `only ${x} here`)
    expect(await found(`${x} ${y}`)).toEqual([newPhrase.id, oldPhrase.id, newerApart.id, apart.id])
    // one word: recency alone
    expect(await found(y)).toEqual([newerApart.id, newPhrase.id, apart.id, oldPhrase.id])
  })

  it('pages through every match once, across the tiers, with opaque cursors', async () => {
    const author = await register(t.app)
    const [x, y] = [word(), word()]
    const made: number[] = []
    for (let i = 0; i < 9; i++) made.push((await a.createPost(author, i % 3 === 0 ? `${x} ${y} ${i}` : `${y} and ${x} ${i}`)).id)
    const phrase = made.filter((_, i) => i % 3 === 0).reverse()
    const apart = made.filter((_, i) => i % 3 !== 0).reverse()
    for (const limit of [1, 2, 4, 20]) {
      const items = await a.all(`/search?type=posts&q=${encodeURIComponent(`${x} ${y}`)}`, null, limit)
      expect(ids(items)).toEqual([...phrase, ...apart])
    }
    expectProblem(await search(x, null, 'posts', '&cursor=bm90LWEtY3Vyc29y'), 400, 'invalid_cursor')
    const forged = Buffer.from(JSON.stringify([-1, 7, '2024-01-01T00:00:00.000000Z', 5])).toString('base64url')
    expectProblem(await search(x, null, 'posts', `&cursor=${forged}`), 400, 'invalid_cursor')
  })

  it('ranks only the newest matches (the window) and lists the older ones after them by recency, each once', async () => {
    const author = await register(t.app)
    const [x, y] = [word(), word()]
    const made: number[] = []
    // oldest first: 0 and 1 close together (score high), the rest apart
    for (let i = 0; i < 8; i++) made.push((await a.createPost(author, i % 4 < 2 ? `${x} ${y}` : `${x} is far from ${y}`)).id)
    const db = t.ctx.database.db
    const first = { bound: await latestPostId(db), score: FIRST_SCORE, key: boundBefore(undefined) }
    // a window of 3: posts 7, 6, 5 ranked (5 scores highest), then 4..0 newest first, whatever their score
    const expected = [made[5], made[7], made[6], made[4], made[3], made[2], made[1], made[0]]
    const whole = await searchPostsPage(db, `${x} ${y}`, undefined, first, 20, 3)
    expect(ids(whole.items)).toEqual(expected)
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const page = await searchPostsPage(db, `${x} ${y}`, undefined, cursor ? decode(cursor) : first, 2, 3)
      seen.push(...ids(page.items))
      cursor = page.nextCursor
      // a post written while paging is not part of this search
      await a.createPost(author, `${x} ${y} later`)
    } while (cursor)
    expect(seen).toEqual(expected)
  })

  it('shows no one what they may not see', async () => {
    const [owner, follower, outsider, blocker, blocked, muter, suspended] = (await Promise.all(
      Array.from({ length: 7 }, () => register(t.app)),
    )) as unknown as [Session, Session, Session, Session, Session, Session, Session]
    const w = word()
    const post = async (s: Session) => (await a.createPost(s, `about ${w} today`)).id
    expect((await a.patch('/users/me', owner, { isPrivate: true })).statusCode).toBe(200)
    expect((await a.put(`/users/${owner.user.id}/follow`, follower)).statusCode).toBe(202)
    expect((await a.post(`/follow-requests/${follower.user.id}/accept`, owner)).statusCode).toBe(204)
    const privatePost = await post(owner)
    const blockerPost = await post(blocker)
    const blockedPost = await post(blocked)
    const outsiderPost = await post(outsider)
    const suspendedPost = await post(suspended)
    const followerPost = await post(follower)
    expect((await a.put(`/users/${blocked.user.id}/block`, blocker)).statusCode).toBe(204)
    expect((await a.put(`/users/${outsider.user.id}/mute`, muter)).statusCode).toBe(204)
    expect(await found(w, null)).toContain(suspendedPost)
    await setBlocked(t, suspended.user.id, true)
    const visible = (list: number[]) => list.sort((p, q) => q - p)

    expect(await found(w, null)).toEqual(visible([blockerPost, blockedPost, outsiderPost, followerPost]))
    expect(await found(w, outsider)).toEqual(visible([blockerPost, blockedPost, outsiderPost, followerPost]))
    expect(await found(w, follower)).toEqual(visible([privatePost, blockerPost, blockedPost, outsiderPost, followerPost]))
    expect(await found(w, owner)).toEqual(visible([privatePost, blockerPost, blockedPost, outsiderPost, followerPost]))
    expect(await found(w, blocker)).toEqual(visible([blockerPost, outsiderPost, followerPost]))
    expect(await found(w, blocked)).toEqual(visible([blockedPost, outsiderPost, followerPost]))
    expect(await found(w, muter)).toEqual(visible([blockerPost, blockedPost, followerPost]))
  })
})

describe('people search', () => {
  it('matches username and display-name prefixes, ignoring case and accents, and hides blocked people', async () => {
    const stem = word().slice(0, 7)
    const zoe = await register(t.app, { username: `${stem}_one`, displayName: `Zoë ${stem}Ångström` })
    const other = await register(t.app, { username: `${stem}_two` })
    const people = async (q: string, s?: Session | null) => json(await search(q, s, 'users')).items.map((u: { id: number }) => u.id)
    expect(await people(stem.toUpperCase())).toEqual([zoe.user.id, other.user.id])
    expect(await people(`@${stem}_T`)).toEqual([other.user.id])
    expect(await people('zoë ' + stem)).toContain(zoe.user.id)
    expect(await people(`ZOE ${stem}ANGSTROM`)).toEqual([zoe.user.id])
    expect(json(await search(`${stem}`, null, 'users', '&limit=1')).nextCursor).toEqual(expect.any(String))
    expect((await a.put(`/users/${other.user.id}/block`, zoe)).statusCode).toBe(204)
    expect(await people(stem, zoe)).toEqual([zoe.user.id])
    expect(await people(stem, other)).toEqual([other.user.id])
    // GET /users?q= is the same search
    expect(json(await a.get(`/users?q=zoe%20${stem}`)).items.map((u: { id: number }) => u.id)).toEqual([zoe.user.id])
  })
})

describe('tag search', () => {
  it('finds tags by prefix through the tags feature, most used first, and drops the # typed before it', async () => {
    const author = await register(t.app)
    const w = word()
    await a.createPost(author, `one #${w}Sun and #${w}Sea`)
    await a.createPost(author, `two #${w}sea`)
    const tags = async (q: string) => json(await search(q, null, 'tags')).items
    expect(await tags(`#${w}S`)).toEqual([
      { name: `${w}sea`, postCount: 2 },
      { name: `${w}sun`, postCount: 1 },
    ])
    expect(await tags(`${w}SU`)).toEqual([{ name: `${w}sun`, postCount: 1 }])
    expect(json(await search(`${w}s`, null, 'tags', '&limit=1'))).toEqual({ items: [{ name: `${w}sea`, postCount: 2 }], nextCursor: null })
  })
})

describe('the combined answer', () => {
  it('holds a few people, tags and posts, without cursors', async () => {
    const w = word()
    const author = await register(t.app, { username: `${w.slice(0, 20)}`, displayName: 'Searcher' })
    const made = []
    for (let i = 0; i < 7; i++) made.push((await a.createPost(author, `${w} number ${i}`)).id)
    const res = await search(w, null, '')
    expect(res.statusCode).toBe(200)
    const body = json(res)
    expect(Object.keys(body).sort()).toEqual(['posts', 'tags', 'users'])
    expect(body.users.map((u: { id: number }) => u.id)).toEqual([author.user.id])
    expect(ids(body.posts)).toEqual(made.reverse().slice(0, 5))
    expect(body.tags).toEqual([])
  })
})

describe('odd input', () => {
  it('answers 200 for any text of words and symbols, on every kind', async () => {
    const author = await register(t.app)
    const w = word()
    const p = await a.createPost(author, `it's ${w} "quoted" a&b|c!(d):*e \\back\\slash`)
    const odd = [
      `"${w}`,
      `${w}"`,
      `'${w}'`,
      `${w} & | ! ( ) : *`,
      `!${w}`,
      `${w}:*`,
      `(${w}`,
      `\\${w}\\`,
      `${w} <-> x`,
      `-${w}`,
      `${w} or`,
      '&|!():*',
      "'",
      '\\',
      '%_%',
      '😀 ✨',
      'שלום עולם',
      '#',
      '@',
    ]
    for (const q of odd) {
      for (const type of ['posts', 'users', 'tags', '']) {
        const res = await search(q, author, type)
        expect(res.statusCode, `${type} ${q}: ${res.body}`).toBe(200)
      }
    }
    expect(await found(`!${w}`)).toEqual([p.id])
    expect(await found(`${w}:*`)).toEqual([p.id])
    expect(await found(`\\${w}\\`)).toEqual([p.id])
    expect(await found('%_%')).toEqual([])
    // LIKE's wildcards are plain characters in a name
    expect(json(await search('%', null, 'users')).items).toEqual([])
  })

  it('refuses an empty, blank or too long query, an unknown type and NUL with 400 validation_failed', async () => {
    for (const url of [
      '/search?q=',
      '/search',
      '/search?q=%20%20%20',
      `/search?q=${'a'.repeat(201)}`,
      '/search?q=cat&type=hashtags',
      '/search?q=ca%00t',
      '/search?q=cat&type=posts&limit=0',
    ]) {
      expectProblem(await a.get(url), 400, 'validation_failed')
    }
    expect((await a.get(`/search?q=${'a'.repeat(200)}&type=posts`)).statusCode).toBe(200)
  })
})

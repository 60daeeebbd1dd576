// Hashtags (issue 14, item 1): tags follow the text of posts through create, edit and delete, and
// the search other features use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, register, type Harness, type TestApp } from '../../../test/helpers.js'
import { api } from '../posts/test-support.js'
import { searchTags } from './index.js'

let h: Harness
let t: TestApp
let a: ReturnType<typeof api>

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  a = api(t)
})
afterAll(async () => h.close())

describe('searchTags', () => {
  it('finds tags by normalised prefix, most used first, and only tags live posts carry', async () => {
    const ana = await register(t.app)
    const ben = await register(t.app)
    await a.createPost(ana, '#Prefixcafé #prefixcake')
    await a.createPost(ben, '#PREFIXCAKE and #prefix_x')
    const gone = await a.createPost(ben, '#prefixgone')
    await a.del(`/posts/${gone.id}`, ben)
    const db = t.ctx.database.db
    expect(await searchTags(db, 'PreFix', 10)).toEqual([
      { name: 'prefixcake', postCount: 2 },
      { name: 'prefix_x', postCount: 1 },
      { name: 'prefixcafé', postCount: 1 },
    ])
    expect(await searchTags(db, '#prefixc', 1)).toEqual([{ name: 'prefixcake', postCount: 2 }])
    expect(await searchTags(db, 'prefixCAFÉ', 10)).toEqual([{ name: 'prefixcafé', postCount: 1 }])
    // `_` is a character, not LIKE's wildcard
    expect(await searchTags(db, 'prefix_', 10)).toEqual([{ name: 'prefix_x', postCount: 1 }])
    for (const nothing of ['', '#', '1prefix', 'pre fix', '%', 'prefixgone']) expect(await searchTags(db, nothing, 10)).toEqual([])
  })
})

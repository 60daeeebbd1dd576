// People who act through the API beside the one at the browser, for browser tests that need a small
// network: register, post a photo, call any route, and sign a page in as one of them.
import type { Page } from 'playwright-core'
import { photo } from '../../server/src/demo/pictures.js'

export const PASSWORD = 'correct horse battery'

export interface Person {
  username: string
  token: string
}

type CallInit = { method?: string; token?: string; json?: unknown; form?: FormData }

/** One native API call on the server at `base`; a 4xx/5xx throws with its body, 204 gives null. */
export async function apiCall(base: string, path: string, init: CallInit = {}) {
  const headers: Record<string, string> = {}
  if (init.token) headers.authorization = `Bearer ${init.token}`
  if (init.json !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(`${base}/api/hearth/v1${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.form ?? (init.json === undefined ? undefined : JSON.stringify(init.json)),
  })
  if (res.status >= 400) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${await res.text()}`)
  return res.status === 204 ? null : ((await res.json()) as Record<string, unknown>)
}

export async function registerPerson(base: string, username: string): Promise<Person> {
  const body = await apiCall(base, '/auth/register', {
    method: 'POST',
    json: { email: `${username}@example.test`, username, password: PASSWORD },
  })
  return { username, token: String(body!.accessToken) }
}

export async function photoPost(base: string, author: Person, content: string): Promise<number> {
  const form = new FormData()
  form.append('content', content)
  form.append('images', new Blob([new Uint8Array(await photo(4242))], { type: 'image/jpeg' }), 'photo.jpg')
  const body = await apiCall(base, '/posts', { method: 'POST', token: author.token, form })
  return Number(body!.id)
}

export async function signIn(page: Page, base: string, who: Person) {
  await page.goto(`${base}/signin`)
  await page.getByLabel('Email or username').fill(who.username)
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'))
}

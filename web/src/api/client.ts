// The one way the app talks to the API: openapi-fetch typed by the generated schema, so a
// changed route breaks `tsc`, plus the bearer token and a silent refresh on `token_expired`.
import createClient from 'openapi-fetch'
import type { paths } from './schema'
import { getAccessToken, getSession, refreshSession, sessionEnded, sessionSettled } from './session'

function withToken(req: Request): Request {
  const token = getAccessToken()
  if (!token) return req
  const headers = new Headers(req.headers)
  headers.set('authorization', `Bearer ${token}`)
  return new Request(req, { headers })
}

async function problemCode(res: Response): Promise<string | undefined> {
  try {
    return ((await res.clone().json()) as { code?: string }).code
  } catch {
    return undefined
  }
}

/** fetch with the access token; on an expired token, refresh once and replay the request. */
export async function authedFetch(req: Request): Promise<Response> {
  // A screen opened by a reload asks before the refresh cookie has answered: wait, or a
  // signed-in person would get the anonymous view (e.g. "Follow" instead of "Following").
  if (getSession().status === 'loading') await sessionSettled()
  const sentToken = getAccessToken()
  const replay = req.clone()
  const res = await fetch(withToken(req))
  if (res.status !== 401 || !sentToken) return res
  const code = await problemCode(res)
  if (code === 'token_expired' || (getAccessToken() && getAccessToken() !== sentToken)) {
    // Another request may already have refreshed while this one was in flight.
    if (getAccessToken() === sentToken && !(await refreshSession())) return res
    return fetch(withToken(replay))
  }
  if (code === 'session_revoked' || code === 'token_invalid') sessionEnded()
  return res
}

export const api = createClient<paths>({ baseUrl: '', fetch: authedFetch })

// Problem details (RFC 9457) turned into words for people: a sentence for the form and, for
// validation failures, one message per field so it can sit next to the right input.
import type { Problem } from './types'

export interface Failure {
  message: string
  code: string
  status: number
  fields: Record<string, string>
  /** with `account_pending_deletion`: the token that cancels the deletion, and when it happens */
  cancelToken?: string
  deletionScheduledFor?: string
}

const fallback: Record<number, string> = {
  401: 'Please sign in again.',
  403: 'You are not allowed to do that.',
  404: 'That could not be found. It may have been deleted.',
  409: 'That conflicts with something that already exists.',
  413: 'That is too large.',
  415: 'That kind of file is not supported.',
  429: 'Too many attempts. Wait a moment and try again.',
}

const sentence = (s: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s)

function isProblem(x: unknown): x is Problem {
  return typeof x === 'object' && x !== null && 'status' in x && 'code' in x
}

/** From an openapi-fetch `error` (or anything thrown) to a Failure. */
export function toFailure(error: unknown, status?: number): Failure {
  if (isProblem(error)) {
    const fields: Record<string, string> = {}
    for (const e of error.errors ?? []) {
      const key = e.field.replace(/^body\./, '')
      fields[key] ??= `${sentence(humanField(key))} ${e.message}`
    }
    const message =
      error.status >= 500 ? 'Something went wrong on our side. Please try again.' : error.detail || fallback[error.status] || error.title
    const deletion = error.cancelToken ? { cancelToken: error.cancelToken, deletionScheduledFor: error.deletionScheduledFor } : {}
    return { message, code: error.code, status: error.status, fields, ...deletion }
  }
  if (error instanceof TypeError || (error instanceof Error && error.name === 'TypeError')) {
    return { message: 'Could not reach Hearth. Check your connection and try again.', code: 'network', status: 0, fields: {} }
  }
  const s = status ?? 0
  return { message: fallback[s] ?? 'Something went wrong. Please try again.', code: 'unknown', status: s, fields: {} }
}

function humanField(key: string): string {
  const names: Record<string, string> = {
    displayName: 'display name',
    newPassword: 'new password',
    currentPassword: 'current password',
    parentCommentId: 'reply',
  }
  return names[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
}

/**
 * Runs an openapi-fetch call and returns its data, or throws a Failure. Network errors become
 * a Failure too, so screens have one thing to catch.
 */
export async function call<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let r: Awaited<typeof p>
  try {
    r = await p
  } catch (e) {
    throw toFailure(e)
  }
  if (r.error !== undefined || !r.response.ok) throw toFailure(r.error, r.response.status)
  return r.data as T
}

export function isFailure(x: unknown): x is Failure {
  return typeof x === 'object' && x !== null && 'message' in x && 'fields' in x && 'code' in x
}

export function failureOf(e: unknown): Failure {
  return isFailure(e) ? e : toFailure(e)
}

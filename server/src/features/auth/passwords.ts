import { readFileSync } from 'node:fs'
import { hash, verify } from '@node-rs/argon2'

// OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1. @node-rs/argon2 runs the
// hash on libuv's thread pool, off the event loop.
const ARGON2 = { algorithm: 2 /* Algorithm.Argon2id (a const enum) */, memoryCost: 19_456, timeCost: 2, parallelism: 1 }

export const PASSWORD_MIN = 8
// ASVS asks that at least 64 characters be allowed and nothing be truncated; 256 bounds the work.
export const PASSWORD_MAX = 256

const common = new Set(
  readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#')),
)

/** ASVS 2.1: length only, no composition rules, and not one of the most common passwords. */
export function passwordProblem(password: string, context: { email?: string; username?: string } = {}): string | null {
  const length = [...password].length
  if (length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`
  if (length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`
  const lower = password.toLowerCase()
  if (common.has(lower)) return 'is one of the most common passwords; choose another'
  if (context.username && lower === context.username.toLowerCase()) return 'must not be your username'
  if (context.email && lower === context.email.toLowerCase()) return 'must not be your email'
  return null
}

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize('NFKC'), ARGON2)
}

export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password.normalize('NFKC'))
  } catch {
    return false
  }
}

// Verified against when the account does not exist or has no password, so a wrong login costs
// the same time as a wrong password and timing does not reveal which accounts exist.
let dummy: Promise<string> | undefined
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('timing-equaliser-' + Math.random())
  return dummy
}

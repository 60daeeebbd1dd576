// Usernames for accounts created by a provider sign-in: derived from what the person is called
// there, fitted to the username rule (3 to 30 of [A-Za-z0-9_]).
import { randomInt } from 'node:crypto'
import type { ProviderProfile } from './providers.js'

const MAX = 30
const SUFFIXED_BASE = 24 // leaves room for "_" and a 5-digit number

export function usernameBase(p: Pick<ProviderProfile, 'login' | 'name' | 'email'>): string {
  const source = p.login ?? p.name ?? p.email?.split('@')[0] ?? ''
  const cleaned = source
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // "José" → "Jose" rather than "Jos_"
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
  const base = cleaned.length >= 3 ? cleaned : `user_${cleaned}`.replace(/_$/, '') + (cleaned ? '' : randomDigits(4))
  return base.slice(0, MAX)
}

const randomDigits = (n: number) => String(randomInt(10 ** (n - 1), 10 ** n))

/** The base first, then a few numbered and random variants; the caller takes the first free one. */
export function usernameCandidates(base: string): string[] {
  const stem = base.slice(0, SUFFIXED_BASE)
  return [base, ...[2, 3, 4, 5].map((n) => `${stem}_${n}`), ...Array.from({ length: 5 }, () => `${stem}_${randomDigits(5)}`)]
}

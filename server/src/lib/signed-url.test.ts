// The signing rule of every signed URL (message attachments, hidden photos): bound to its payload,
// its expiry and its purpose, refused once expired, and stable within a step so URLs stay cacheable.
import { describe, expect, it } from 'vitest'
import { UrlSigner } from './signed-url.js'

const secret = 'a secret of at least thirty-two characters'
const t0 = Date.UTC(2026, 0, 1, 12, 0, 0)

describe('UrlSigner', () => {
  const signer = new UrlSigner(secret, 'hearth:test-url:v1')

  it('verifies what it signed until the expiry, which is at least the TTL away and on a step', () => {
    const { exp, sig } = signer.sign('42.7', t0)
    expect(exp % 600).toBe(0)
    expect(exp * 1000 - t0).toBeGreaterThanOrEqual(3600_000)
    expect(exp * 1000 - t0).toBeLessThan((3600 + 600) * 1000)
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(signer.verify('42.7', exp, sig, t0)).toBe(true)
    expect(signer.verify('42.7', exp, sig, exp * 1000 - 1)).toBe(true)
    expect(signer.verify('42.7', exp, sig, exp * 1000)).toBe(false)
  })

  it('hands out the same URL within a step, a new one after it', () => {
    // t0 is on a step: every moment after it up to the next step shares one expiry
    expect(signer.sign('k', t0 + 1_000)).toEqual(signer.sign('k', t0 + 600_000))
    expect(signer.sign('k', t0 + 601_000).exp).toBe(signer.sign('k', t0 + 1_000).exp + 600)
  })

  it('refuses another payload, a moved expiry and an altered or truncated signature', () => {
    const { exp, sig } = signer.sign('42.7', t0)
    expect(signer.verify('42.8', exp, sig, t0)).toBe(false)
    expect(signer.verify('42.7', exp + 600, sig, t0)).toBe(false)
    expect(signer.verify('42.7', Number.NaN, sig, t0)).toBe(false)
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)
    expect(signer.verify('42.7', exp, flipped, t0)).toBe(false)
    expect(signer.verify('42.7', exp, sig.slice(0, -1), t0)).toBe(false)
    expect(signer.verify('42.7', exp, '', t0)).toBe(false)
  })

  it('keeps purposes and secrets apart', () => {
    const { exp, sig } = signer.sign('42.7', t0)
    expect(new UrlSigner(secret, 'hearth:other-url:v1').verify('42.7', exp, sig, t0)).toBe(false)
    expect(new UrlSigner('another secret of thirty-two characters', 'hearth:test-url:v1').verify('42.7', exp, sig, t0)).toBe(false)
    expect(new UrlSigner(secret, 'hearth:test-url:v1').verify('42.7', exp, sig, t0)).toBe(true)
  })

  it('takes other timings', () => {
    const short = new UrlSigner(secret, 'hearth:test-url:v1', { ttlSeconds: 60, stepSeconds: 60 })
    const { exp } = short.sign('x', t0)
    expect(exp * 1000 - t0).toBe(60_000)
  })
})

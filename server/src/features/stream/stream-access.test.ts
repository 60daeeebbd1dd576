// Who may open the realtime stream, and how upgrades are counted by the rate limit.
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, listen, register, type Harness, type TestApp } from '../../../test/helpers.js'
import { StreamClient, StreamRefused } from '../../../test/stream-client.js'

let h: Harness
beforeAll(async () => {
  h = await createHarness()
})
afterAll(async () => h.close())

async function refusal(p: Promise<unknown>): Promise<number> {
  try {
    await p
  } catch (e) {
    if (e instanceof StreamRefused) return e.status
    throw e
  }
  throw new Error('the stream was accepted')
}

async function freePort(): Promise<number> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise((resolve) => probe.close(resolve))
  return port
}

const opens = async (base: string, token: string, opts: Parameters<typeof StreamClient.connect>[2]) => {
  const c = await StreamClient.connect(base, token, opts)
  await c.close()
  return true
}

describe('origins', () => {
  it('without PUBLIC_URL, a page opened at any loopback name of the server’s own port may open the stream', async () => {
    const port = await freePort()
    const t: TestApp = await h.start({ PUBLIC_URL: '', PORT: String(port) })
    expect(t.ctx.config.publicUrl).toBe(`http://localhost:${port}`)
    await t.app.listen({ port, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${port}`
    const u = await register(t.app)
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]) {
      expect(await opens(base, u.accessToken, { origin, viaProtocol: true })).toBe(true)
    }
    for (const origin of [
      `http://127.0.0.1:${port + 1}`,
      `https://127.0.0.1:${port}`,
      'http://evil.example',
      `http://localhost:${port}.evil.example`,
    ]) {
      expect(await refusal(StreamClient.connect(base, u.accessToken, { origin, viaProtocol: true }))).toBe(403)
    }
  })

  it('with an explicit PUBLIC_URL, only its origin may', async () => {
    const t = await h.start({ PUBLIC_URL: 'http://localhost:3000' })
    const base = await listen(t)
    const u = await register(t.app)
    expect(await opens(base, u.accessToken, { origin: 'http://localhost:3000' })).toBe(true)
    expect(await refusal(StreamClient.connect(base, u.accessToken, { origin: 'http://127.0.0.1:3000' }))).toBe(403)
  })
})

describe('rate limit', () => {
  it('authenticated upgrades count per account: 5 people reconnecting from one address beyond the anonymous limit get no 429', async () => {
    const t = await h.start({ RATE_LIMIT_ANONYMOUS_MAX: '20', RATE_LIMIT_USER_MAX: '10' })
    const base = await listen(t)
    const people = await Promise.all(Array.from({ length: 5 }, () => register(t.app)))
    // 40 upgrades from 127.0.0.1, twice the anonymous limit, as browsers authenticate them.
    for (let round = 0; round < 8; round++) {
      for (const p of people) {
        expect(await opens(base, p.accessToken, { viaProtocol: round % 2 === 0, origin: 'http://localhost:3000' })).toBe(true)
      }
    }
    // They are counted, under each account: the first person's 11th upgrade of the window is refused.
    const [first] = people
    expect(await opens(base, first!.accessToken, { viaProtocol: true })).toBe(true)
    expect(await opens(base, first!.accessToken, {})).toBe(true)
    expect(await refusal(StreamClient.connect(base, first!.accessToken, { viaProtocol: true }))).toBe(429)
    expect(await opens(base, people[1]!.accessToken, { viaProtocol: true })).toBe(true)
  })
})

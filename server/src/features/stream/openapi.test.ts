// The stream in the published API document: @fastify/websocket hides WebSocket routes, so the
// path is added by hand (streamOpenApiPath) and must describe what the route really does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHarness, expectProblem, json, listen, register, type Harness, type TestApp } from '../../../test/helpers.js'
import { StreamClient, StreamRefused } from '../../../test/stream-client.js'

let h: Harness
let t: TestApp
let base: string

beforeAll(async () => {
  h = await createHarness()
  t = await h.start()
  base = await listen(t)
})
afterAll(async () => h.close())

describe('the stream in the OpenAPI document', () => {
  it('is published with its authentication, events and refusals, and they match the route', async () => {
    const doc = json(await t.app.inject({ url: '/api/openapi.json' }))
    const op = doc.paths['/api/v1/stream'].get
    expect(Object.keys(op.responses).sort()).toEqual(['101', '400', '401', '403', '426'])
    for (const event of ['message.created', 'message.read', 'message.deleted', 'notification.created', 'stream.ready']) {
      expect(op.description).toContain(event)
    }
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['access_token', 'since']))
    expect(doc.components.schemas.Problem).toBeDefined()
    // every other route is still there
    expect(doc.paths['/api/v1/feed'].get).toBeDefined()

    // the documented refusals are what the route answers
    expectProblem(await t.app.inject({ url: '/api/v1/stream' }), 426, 'upgrade_required')
    const refused = await StreamClient.connect(base, undefined).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(StreamRefused)
    expect((refused as StreamRefused).status).toBe(401)
    const u = await register(t.app)
    const client = await StreamClient.connect(base, u.accessToken, { since: 0 })
    expect((await client.next((e) => e.type === 'stream.ready')).data).toMatchObject({ complete: true })
    client.close()
  })
})

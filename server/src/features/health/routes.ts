import { Type, type FastifyPluginAsyncTypebox, type Static } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'

const Check = Type.Object({ status: Type.Union([Type.Literal('ok'), Type.Literal('fail')]), error: Type.Optional(Type.String()) })

export function healthRoutes(ctx: AppContext, extraChecks: Record<string, () => Promise<void>> = {}): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/healthz',
      {
        config: { rateLimit: false },
        schema: {
          tags: ['health'],
          summary: 'Liveness; touches no dependency',
          response: { 200: Type.Object({ status: Type.Literal('ok') }) },
        },
      },
      async () => ({ status: 'ok' as const }),
    )

    app.get(
      '/readyz',
      {
        config: { rateLimit: false },
        schema: {
          tags: ['health'],
          summary: 'Readiness: 503 when the database does not answer; 200 "degraded" when Redis or object storage does not',
          response: {
            200: Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Check) }),
            503: Type.Object({ status: Type.String(), checks: Type.Record(Type.String(), Check) }),
          },
        },
      },
      async (_req, reply) => {
        const checks: Record<string, () => Promise<void>> = { database: () => ctx.database.ping(), ...extraChecks }
        if (ctx.redis) checks.redis = () => ctx.cache.ping()
        const results = await Promise.all(
          Object.entries(checks).map(async ([name, check]): Promise<[string, Static<typeof Check>]> => {
            try {
              await withTimeout(check(), 2000)
              return [name, { status: 'ok' }]
            } catch (e) {
              return [name, { status: 'fail', error: e instanceof Error ? e.message : 'unreachable' }]
            }
          }),
        )
        // Only the database is required to serve: without Redis (sessions and limits fall back to
        // the database and this instance) or object storage (photos) the API works, degraded.
        const failed = results.filter(([, r]) => r.status !== 'ok').map(([name]) => name)
        const status = failed.includes('database') ? 'unavailable' : failed.length > 0 ? 'degraded' : 'ok'
        return reply.code(status === 'unavailable' ? 503 : 200).send({ status, checks: Object.fromEntries(results) })
      },
    )
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)
  })
  return Promise.race([p, timeout]).finally(() => clearTimeout(t))
}

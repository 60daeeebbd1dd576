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
          summary: 'Readiness: 200 only when the database (and Redis / storage, where configured) answer',
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
        const ok = results.every(([, r]) => r.status === 'ok')
        return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', checks: Object.fromEntries(results) })
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

// Entry point: config → context → migrations → services → app → listen; graceful close on SIGTERM/SIGINT.
import { buildApp } from './app.js'
import { loadConfig } from './config.js'
import { createContext } from './context.js'
import { ensureAdmin } from './features/auth/index.js'
import { startStatsScheduler } from './features/stats/index.js'
import { EmailWorker } from './features/notifications/index.js'
import { startStreamPruning } from './features/stream/index.js'
import { startMediaMaintenance } from './features/media/index.js'
import { startAccountPurge } from './features/deletion/index.js'
import { startIdempotencyCleanup } from './http/idempotency.js'
import { composeServices } from './services.js'
import { exitOnStartupError, StartupError, waitFor } from './startup.js'

/** A shutdown that has not ended by then ends here: nothing may keep a stopped server alive. */
const SHUTDOWN_DEADLINE_MS = 15_000
/** How long shutdown waits for handlers whose client already hung up. */
const IN_FLIGHT_WAIT_MS = 10_000

async function main() {
  const config = loadConfig()
  const ctx = await createContext(config)
  // Containers start in any order: wait for the database and Redis rather than fail at once.
  const wait = { timeoutMs: config.startupTimeoutSeconds * 1000, logger: ctx.logger }
  if (ctx.database.kind === 'postgres') await waitFor('PostgreSQL', 'DATABASE_URL', () => ctx.database.ping(), wait)
  if (ctx.redis) await waitFor('Redis', 'REDIS_URL', () => ctx.cache.ping(), wait)
  await ctx.database.migrate()
  await ctx.storage.ensureReady() // creates the bucket (S3) or DATA_DIR/media (disk)
  const services = composeServices(ctx)
  await ensureAdmin(ctx, services)
  const app = await buildApp(ctx, services)
  // Background jobs run in every instance that has them enabled; each is safe to run in several.
  const statsJob = config.jobsEnabled ? startStatsScheduler(ctx) : undefined
  const emailJob = config.jobsEnabled ? new EmailWorker(ctx).start() : undefined
  // Account emails are sent at once by the instance that queued them; this retries the failed ones.
  if (config.jobsEnabled) services.mailOutbox.start()
  const pruneJob = config.jobsEnabled ? startStreamPruning(ctx) : undefined
  const mediaJob = config.jobsEnabled ? startMediaMaintenance(ctx) : undefined
  const idempotencyJob = config.jobsEnabled ? startIdempotencyCleanup(ctx) : undefined
  const purgeJob = config.jobsEnabled ? startAccountPurge(ctx, services.media) : undefined
  // Handlers whose client already hung up keep running after the server has closed: count them,
  // so the pools close only once the last one has finished (or the wait runs out). Realtime
  // streams are not counted: they never send a reply, and the stream hub closes them.
  const running = new Set<object>()
  app.addHook('preHandler', async (req) => {
    if (!req.ws) running.add(req)
  })
  app.addHook('onSend', async (req) => {
    running.delete(req)
  })
  app.addHook('onClose', async () => {
    for (let waited = 0; running.size > 0 && waited < IN_FLIGHT_WAIT_MS; waited += 50) await new Promise((r) => setTimeout(r, 50))
    await statsJob?.stop()
    await emailJob?.stop()
    await pruneJob?.stop()
    await mediaJob?.stop()
    await idempotencyJob?.stop()
    await purgeJob?.stop()
    await services.close()
    await ctx.close()
  })

  let closing = false
  const shutdown = (signal: string) => {
    // A second signal means "now": whoever sends it has waited long enough.
    if (closing) process.exit(1)
    closing = true
    ctx.logger.info({ signal }, 'shutting down: finishing in-flight requests')
    setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref()
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        ctx.logger.error({ err }, 'error while shutting down')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))

  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new StartupError(`port ${config.port} is in use: set PORT`)
    if ((e as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL')
      throw new StartupError(`${config.host} is not an address of this machine: set HOST`)
    throw e
  }
  ctx.logger.info(
    { url: config.publicUrl, database: ctx.database.kind, cache: ctx.cache.kind },
    `Hearth is running: open ${config.publicUrl} (database: ${ctx.database.kind}, cache: ${ctx.cache.kind})`,
  )
}

main().catch(exitOnStartupError)

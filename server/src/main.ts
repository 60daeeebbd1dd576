// Entry point: config → context → migrations → app → listen; graceful close on SIGTERM/SIGINT.
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { createContext } from './context.js'
import { ensureAdmin } from './features/auth/bootstrap.js'
import { startStatsScheduler } from './features/stats/scheduler.js'
import { EmailWorker } from './features/notifications/email-worker.js'
import { startStreamPruning } from './features/stream/prune-job.js'
import { startMediaMaintenance } from './features/media/maintenance-job.js'

async function main() {
  let config
  try {
    config = loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message)
      process.exit(78) // EX_CONFIG
    }
    throw e
  }
  const ctx = await createContext(config)
  await ctx.database.migrate()
  await ctx.storage.ensureReady() // creates the bucket (S3) or DATA_DIR/media (disk)
  await ensureAdmin(ctx)
  const app = await buildApp(ctx)
  // Background jobs run in every instance that has them enabled; each is safe to run in several.
  const statsJob = config.jobsEnabled ? startStatsScheduler(ctx) : undefined
  const emailJob = config.jobsEnabled ? new EmailWorker(ctx).start() : undefined
  const pruneJob = config.jobsEnabled ? startStreamPruning(ctx) : undefined
  const mediaJob = config.jobsEnabled ? startMediaMaintenance(ctx) : undefined
  // Handlers whose client already hung up keep running after the server has closed: count them,
  // so the pools close only once the last one has finished (or the shutdown deadline passes).
  const running = new Set<object>()
  app.addHook('preHandler', async (req) => {
    running.add(req)
  })
  app.addHook('onSend', async (req) => {
    running.delete(req)
  })
  app.addHook('onClose', async () => {
    for (let waited = 0; running.size > 0 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50))
    await statsJob?.stop()
    await emailJob?.stop()
    await pruneJob?.stop()
    await mediaJob?.stop()
    await ctx.close()
  })

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    ctx.logger.info({ signal }, 'shutting down: finishing in-flight requests')
    const force = setTimeout(() => process.exit(1), 15_000)
    force.unref()
    try {
      await app.close()
      process.exit(0)
    } catch (err) {
      ctx.logger.error({ err }, 'error while shutting down')
      process.exit(1)
    }
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))

  await app.listen({ port: config.port, host: config.host })
  ctx.logger.info(
    { url: config.publicUrl, database: ctx.database.kind, cache: ctx.cache.kind },
    `Hearth is running at ${config.publicUrl} (database: ${ctx.database.kind}, cache: ${ctx.cache.kind})`,
  )
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})

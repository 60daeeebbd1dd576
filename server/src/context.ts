// The outside world, wired from config by hand: database, cache, bus, storage, mail, logger. Tests
// pass overrides to swap a part. The services built on it are composed in services.ts.
import type { Redis } from 'ioredis'
import type { Config } from './config.js'
import { createRootLogger, subsystemLogger, type Logger } from './logger.js'
import { join } from 'node:path'
import { createLocalBus, createRedisBus, type EventBus } from './platform/bus/index.js'
import { createMemoryCache, createRedisCache, createRedisClient, type Cache } from './platform/cache/index.js'
import { withFallback } from './platform/cache/fallback.js'
import { createDatabase, type Database } from './platform/db/index.js'
import { createFileMailer, createSmtpMailer, type Mailer } from './platform/mail/index.js'
import { createStorage, type ObjectStorage } from './platform/storage/index.js'

export interface AppContext {
  config: Config
  logger: Logger
  database: Database
  cache: Cache
  /** Present only when REDIS_URL is set. */
  redis: Redis | undefined
  bus: EventBus
  mailer: Mailer
  /** disk under DATA_DIR/media, or S3 when S3_ENDPOINT is set; call ensureReady() before serving */
  storage: ObjectStorage
  close(): Promise<void>
}

export interface ContextOverrides {
  database?: Database
  redis?: Redis
  logger?: Logger
  mailer?: Mailer
  storage?: ObjectStorage
}

export async function createContext(config: Config, overrides: ContextOverrides = {}): Promise<AppContext> {
  const logger = overrides.logger ?? createRootLogger(config.logLevel)
  const database = overrides.database ?? (await createDatabase(config))
  const redis = overrides.redis ?? (config.redisUrl ? createRedisClient(config.redisUrl) : undefined)
  const cacheLog = subsystemLogger(logger, 'cache')
  // ioredis retries about once a second while Redis is away: one line when it goes, one when it is back.
  let redisErrorLogged = false
  redis?.on('error', (err) => {
    if (!redisErrorLogged) cacheLog.warn({ err }, 'redis error')
    redisErrorLogged = true
  })
  redis?.on('ready', () => (redisErrorLogged = false))
  const cache = redis ? withFallback(createRedisCache(redis, config.redisKeyPrefix), redis, cacheLog) : createMemoryCache()
  const bus = redis ? createRedisBus(redis, config.redisKeyPrefix) : createLocalBus()
  const mailer =
    overrides.mailer ??
    (config.mail.smtpUrl
      ? createSmtpMailer(config.mail.smtpUrl, config.mail.from)
      : createFileMailer(join(config.dataDir, 'mail'), config.mail.from, subsystemLogger(logger, 'mail')))
  const storage = overrides.storage ?? createStorage(config, subsystemLogger(logger, 'storage'))

  return {
    config,
    logger,
    database,
    cache,
    redis,
    bus,
    mailer,
    storage,
    async close() {
      await bus.close()
      await mailer.close()
      if (!overrides.storage) await storage.close()
      await cache.close()
      if (redis && !overrides.redis) await redis.quit().catch(() => redis.disconnect())
      if (!overrides.database) await database.close()
    },
  }
}

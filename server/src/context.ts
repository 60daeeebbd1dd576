// Wires the real parts from config by hand. Tests pass overrides to swap a part.
import type { Redis } from 'ioredis'
import type { Config } from './config.js'
import { SessionCache } from './features/auth/session-cache.js'
import { TokenService } from './features/auth/tokens.js'
import { createRootLogger, subsystemLogger, type Logger } from './logger.js'
import { createMemoryCache, createRedisCache, createRedisClient, type Cache } from './platform/cache/index.js'
import { createDatabase, type Database } from './platform/db/index.js'

export interface AppContext {
  config: Config
  logger: Logger
  database: Database
  cache: Cache
  /** Present only when REDIS_URL is set. */
  redis: Redis | undefined
  tokens: TokenService
  sessions: SessionCache
  close(): Promise<void>
}

export interface ContextOverrides {
  database?: Database
  redis?: Redis
  logger?: Logger
}

export async function createContext(config: Config, overrides: ContextOverrides = {}): Promise<AppContext> {
  const logger = overrides.logger ?? createRootLogger(config.logLevel)
  const database = overrides.database ?? (await createDatabase(config))
  const redis = overrides.redis ?? (config.redisUrl ? createRedisClient(config.redisUrl) : undefined)
  redis?.on('error', (err) => subsystemLogger(logger, 'cache').warn({ err }, 'redis error'))
  const cache = redis ? createRedisCache(redis, config.redisKeyPrefix) : createMemoryCache()
  const tokens = new TokenService(config.jwtSecret, config.accessTokenTtlSeconds, config.publicUrl)
  const sessions = new SessionCache(database.db, cache, {
    // With a shared cache each instance keeps a local copy for at most this long, which bounds
    // how late a revocation made on another instance is seen. Embedded: the cache is local.
    localTtlMs: redis ? 500 : 0,
    markerTtlSeconds: config.accessTokenTtlSeconds + 60,
    logger: subsystemLogger(logger, 'auth'),
  })

  return {
    config,
    logger,
    database,
    cache,
    redis,
    tokens,
    sessions,
    async close() {
      sessions.close()
      await cache.close()
      if (redis && !overrides.redis) await redis.quit().catch(() => redis.disconnect())
      if (!overrides.database) await database.close()
    },
  }
}

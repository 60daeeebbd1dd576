export type { Cache } from './types.js'
export { createMemoryCache } from './memory.js'
export { createRedisCache, createRedisClient } from './redis.js'

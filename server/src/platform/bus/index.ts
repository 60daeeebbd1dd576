export type { EventBus } from './types.js'
export { createLocalBus } from './local.js'
export { createRedisBus } from './redis.js'

// The public face of features/safety: blocks and mutes (routes and their writes). What they mean
// for every read is features/visibility.
export { safetyRoutes } from './routes.js'
export { purgeBlocksAndMutesOf } from './purge.js'

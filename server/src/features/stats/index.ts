// The public face of features/stats: what other features, app.ts and the tools may use.
export { registerActivityTracking } from './activity.js'
export { statsRoutes } from './routes.js'
export { startStatsScheduler } from './scheduler.js'
export { StatsService } from './service.js'
export { purgeActivityOf } from './purge.js'

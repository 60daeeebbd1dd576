// The public face of features/follows: what other features, app.ts and the tools may use.
export { followsRoutes } from './routes.js'
export { acceptAllRequests, removeFollowRequestsBetween, removeFollowsBetween } from './queries.js'
export { purgeFollowsOf } from './purge.js'
export { FollowsService } from './service.js'

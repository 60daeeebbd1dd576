// The public face of features/oauth: what other features, app.ts and the tools may use.
export { deleteLinks } from './queries.js'
export { oauthRoutes } from './routes.js'
export { purgeLinksOf } from './purge.js'

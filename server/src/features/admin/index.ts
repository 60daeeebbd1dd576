// The public face of features/admin: what other features, app.ts and the tools may use.
export { adminRoutes } from './routes.js'

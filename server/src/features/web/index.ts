// The public face of features/web: what other features, app.ts and the tools may use.
export { webRoutes } from './routes.js'

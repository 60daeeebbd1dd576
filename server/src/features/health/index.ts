// The public face of features/health: what other features, app.ts and the tools may use.
export { healthRoutes } from './routes.js'

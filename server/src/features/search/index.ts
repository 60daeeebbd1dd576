// The public face of features/search: what app.ts may use.
export { searchRoutes } from './routes.js'

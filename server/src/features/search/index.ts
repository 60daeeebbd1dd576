// The public face of features/search: what app.ts may use.
export { searchRoutes } from './routes.js'
export { FIRST_SCORE, POST_SEARCH_SQL, SEARCH_WINDOW } from './queries.js'

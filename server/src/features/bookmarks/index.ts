// The public face of features/bookmarks: what other features, app.ts and the tools may use.
export { bookmarksRoutes } from './routes.js'
export { purgeBookmarksOf, removeBookmarksOfPosts } from './purge.js'

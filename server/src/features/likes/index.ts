// The public face of features/likes: what other features, app.ts and the tools may use.
export { likesRoutes } from './routes.js'
export { removeLikesOnPostsOf } from './queries.js'
export { purgeLikesOf, removeLikesOfPosts } from './purge.js'
export { LikesService } from './service.js'

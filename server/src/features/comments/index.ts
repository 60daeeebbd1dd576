// The public face of features/comments: what other features, app.ts and the tools may use.
export { deleteCommentAsModerator } from './queries.js'
export { commentsRoutes } from './routes.js'
export { Comment } from './views.js'
export { hideCommentsOnPostsOf } from './queries.js'
export { commentIdsOnPosts, purgeCommentsOf, removeCommentsOnPosts } from './purge.js'

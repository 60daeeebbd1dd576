// The public face of features/posts: what other features, app.ts and the tools may use.
export { postPageSql, runPostList, runPostPage } from './page.js'
export { authorOfPost, findVisiblePost, POST_SQL, softDeletePost, USER_POSTS_SQL } from './queries.js'
export { postsRoutes } from './routes.js'
export { MAX_ALT_CHARS, MAX_POST_CHARS, MAX_SPOILER_CHARS, Post, PostImage, presentImages, type PresentedPost } from './views.js'
export { finishPurgeBatch, lockPurgeBatch, postsToPurge } from './purge.js'
export { PostsService } from './service.js'

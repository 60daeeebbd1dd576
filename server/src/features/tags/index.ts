// The public face of features/tags: what other features, app.ts and the tools may use.
export { syncPostTags } from './post-tags.js'
export { followedTagPostsSql, tagPostsStatement } from './queries.js'
export { tagsRoutes } from './routes.js'
export { searchTags } from './search.js'
export { purgeTagsAndMentionsOf, removeMentionsOfComments, removeTagsOfPosts } from './purge.js'

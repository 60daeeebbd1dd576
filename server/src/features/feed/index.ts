// The public face of features/feed: what other features, app.ts and the tools may use.
export { EXPLORE_PAGE_SQL, exploreParams, HOME_FEED_SQL, HOME_PAGE_SQL, homeFeedParams } from './queries.js'
export { feedRoutes } from './routes.js'
export { FeedService } from './service.js'

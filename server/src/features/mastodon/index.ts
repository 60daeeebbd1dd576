// The public face of features/mastodon: the Mastodon-compatible client API (issue 16).
export { consentRoutes } from './consent-routes.js'
export { mastodonRoutes } from './routes.js'

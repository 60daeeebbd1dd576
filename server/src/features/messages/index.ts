// The public face of features/messages: what other features, app.ts and the tools may use.
export { messagesRoutes } from './routes.js'
export { purgeMessagesOf } from './purge.js'

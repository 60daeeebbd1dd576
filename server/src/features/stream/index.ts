// The public face of features/stream: what other features, app.ts and the tools may use.
export { publishEphemeral, publishEvents, recordEvents, REVOKED_CHANNEL } from './events.js'
export { type ClientMessageHandler, CloseCode, type Connection, StreamHub } from './hub.js'
export { startStreamPruning } from './prune-job.js'
export { deleteNotificationEvents } from './queries.js'
export { selectProtocol, streamOpenApiPath, streamRoutes } from './routes.js'
export { purgeEventsOf } from './purge.js'

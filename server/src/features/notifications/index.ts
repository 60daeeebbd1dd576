// The public face of features/notifications: what other features, app.ts and the tools may use.
export { EmailWorker } from './email-worker.js'
export { type NotificationRow, type NotifyContext, notify, removeNotificationsBetween } from './notify.js'
export { markMessageNotificationsRead } from './queries.js'
export { notificationsRoutes } from './routes.js'
export { notificationSettingsRoutes } from './settings-routes.js'
export { NotificationGroup, presentNotification } from './views.js'
export { purgeNotificationsOf, removeNotificationsAbout } from './purge.js'

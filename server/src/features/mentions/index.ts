// The public face of features/mentions: what other features may use.
export { notifyMentions } from './service.js'

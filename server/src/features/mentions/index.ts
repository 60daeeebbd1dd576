// The public face of features/mentions: what other features may use.
export { MAX_MENTIONS_PER_TEXT, notifyMentions } from './service.js'

export type { Mailer, MailMessage } from './types.js'
export { createFileMailer } from './files.js'
export { createSmtpMailer } from './smtp.js'
export { MailOutbox, type MailOutboxOptions, type QueuedMail } from './outbox.js'

export interface MailMessage {
  to: string
  subject: string
  text: string
  html?: string
  /** extra header fields, e.g. List-Unsubscribe */
  headers?: Record<string, string>
}

/** The mail port: SMTP through nodemailer (SMTP_URL), or .eml files under DATA_DIR/mail (embedded). */
export interface Mailer {
  readonly kind: 'smtp' | 'files'
  /** Resolves once the message was accepted (by the SMTP server, or written to disk); throws otherwise. */
  send(message: MailMessage): Promise<void>
  close(): Promise<void>
}

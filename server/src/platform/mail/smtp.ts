import nodemailer from 'nodemailer'
import type { Mailer } from './types.js'

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl, { from })
  return {
    kind: 'smtp',
    async send(m) {
      await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers })
    },
    async close() {
      transport.close()
    },
  }
}

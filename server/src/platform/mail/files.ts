import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer from 'nodemailer'
import type { Logger } from '../../logger.js'
import type { Mailer } from './types.js'

/** Embedded default: each email becomes an RFC 5322 .eml file (built by nodemailer) and a log line. */
export function createFileMailer(dir: string, from: string, logger: Logger): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  let seq = 0
  return {
    kind: 'files',
    async send(m) {
      const info = await transport.sendMail({ from, to: m.to, subject: m.subject, text: m.text, html: m.html, headers: m.headers })
      await mkdir(dir, { recursive: true })
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++seq}.eml`
      const tmp = join(dir, `.${name}.tmp`)
      await writeFile(tmp, info.message as Buffer)
      await rename(tmp, join(dir, name)) // readers never see half a file
      logger.info({ to: m.to, subject: m.subject, file: join(dir, name) }, 'email written to file')
    },
    async close() {},
  }
}

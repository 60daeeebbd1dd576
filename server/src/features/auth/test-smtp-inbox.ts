// A real SMTP server (smtp-server) for tests: every accepted message is parsed (mailparser) and
// kept, so a test can wait for the mail a flow sends and follow its link.
import type { AddressInfo } from 'node:net'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface Inbox {
  /** SMTP_URL for the app under test */
  url: string
  messages: ParsedMail[]
  /** Resolves with the first message to `to` (after `skip` earlier ones) matching `subject`. */
  waitFor(to: string, subject?: RegExp, opts?: { skip?: number; timeoutMs?: number }): Promise<ParsedMail>
  to(address: string): ParsedMail[]
  close(): Promise<void>
}

const recipients = (m: ParsedMail) => [m.to ?? []].flat().flatMap((a) => a.value.map((v) => (v.address ?? '').toLowerCase()))

/** `port`: listen on this one (a test restarting its mail server on the same address); default any free port. */
export async function startInbox(port = 0): Promise<Inbox> {
  const messages: ParsedMail[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((m) => {
          messages.push(m)
          callback()
        })
        .catch(callback)
    },
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const bound = (server.server.address() as AddressInfo).port

  const to = (address: string) => messages.filter((m) => recipients(m).includes(address.toLowerCase()))
  return {
    url: `smtp://127.0.0.1:${bound}`,
    messages,
    to,
    async waitFor(address, subject, { skip = 0, timeoutMs = 10_000 } = {}) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const found = to(address).filter((m) => !subject || subject.test(m.subject ?? ''))[skip]
        if (found) return found
        if (Date.now() > deadline) throw new Error(`no mail to ${address} matching ${subject} within ${timeoutMs} ms`)
        await new Promise((r) => setTimeout(r, 25))
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/** The `token` query parameter of the first link in the mail's text. */
export function linkToken(mail: ParsedMail): { url: URL; token: string } {
  const m = /https?:\/\/\S+/.exec(mail.text ?? '')
  if (!m) throw new Error('the mail has no link')
  const url = new URL(m[0])
  return { url, token: url.searchParams.get('token') ?? '' }
}

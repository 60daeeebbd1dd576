// What a notification email says: one email per user per batch, listing what is still unread,
// with a one-click unsubscribe (RFC 8058) for the types of notification it holds.
import type { MailMessage } from '../../platform/mail/index.js'
import type { ClaimedEmail } from './email-queries.js'
import { typeList } from './unsubscribe-page.js'
import type { UnsubscribeTokens } from './unsubscribe.js'
import { NOTIFICATION_TYPES } from './settings.js'

/** The web app's colours, light and dark (clients that support prefers-color-scheme), AA contrast. */
const EMAIL_STYLE = `body{background:#ffffff;color:#111418;font-family:-apple-system,'Segoe UI',Roboto,sans-serif}
a{color:#0a6fe6}.muted{color:#5b6470;font-size:small}
@media (prefers-color-scheme: dark){body{background:#16191e;color:#e6e8eb}a{color:#5aa2ff}.muted{color:#a4acb6}}`

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function notificationEmail(items: ClaimedEmail[], publicUrl: string, unsubscribe: UnsubscribeTokens): MailMessage {
  const first = items[0]!
  const link = `${publicUrl}/notifications`
  const settings = `${publicUrl}/settings/notifications`
  const types = NOTIFICATION_TYPES.filter((t) => items.some((i) => i.type === t))
  const unsubscribeUrl = unsubscribe.url(publicUrl, first.userId, types)
  const about = typeList(types)
  // Messages start with a username, whose case is part of it: they are used as written.
  const subject = items.length === 1 ? first.message : `You have ${items.length} new notifications on Hearth`
  const lines = items.map((n) => `- ${n.message}`)
  const text = [
    `Hi ${first.username},`,
    '',
    items.length === 1 ? 'While you were away:' : `While you were away, ${items.length} things happened:`,
    ...lines,
    '',
    `See them on Hearth: ${link}`,
    '',
    'You get these emails for notifications you have not read for a while.',
    `Stop emails about ${about}: ${unsubscribeUrl}`,
    `Choose which emails you get: ${settings}`,
  ].join('\n')
  const html = `<!doctype html>
<html><head><meta charset="utf-8"><meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark">
<style>${EMAIL_STYLE}</style></head>
<body><p>Hi ${escapeHtml(first.username)},</p>
<ul>${items.map((n) => `<li>${escapeHtml(n.message)}</li>`).join('')}</ul>
<p><a href="${escapeHtml(link)}">See them on Hearth</a></p>
<p class="muted">You get these emails for notifications you have not read for a while.
<a href="${escapeHtml(unsubscribeUrl)}">Stop emails about ${escapeHtml(about)}</a> ·
<a href="${escapeHtml(settings)}">Choose which emails you get</a></p></body></html>`
  return {
    to: first.email,
    subject,
    text,
    html,
    headers: { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  }
}

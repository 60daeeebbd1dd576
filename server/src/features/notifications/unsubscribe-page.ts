// The pages a person sees after following an unsubscribe link: plain HTML, no script (the CSP
// allows none), a form that POSTs. Opening the link changes nothing: mail scanners open links.
import type { NotificationType } from './notify.js'
import { TYPE_LABELS } from './settings.js'

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** "likes, comments and messages" */
export function typeList(types: readonly NotificationType[]): string {
  const labels = types.map((t) => TYPE_LABELS[t])
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · Hearth</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5">
<h1 style="font-size:1.5rem">${escapeHtml(title)}</h1>
${body}
</body></html>`
}

const settingsLink = (publicUrl: string) =>
  `<p><a href="${escapeHtml(publicUrl)}/settings/notifications">Choose which emails you get in Settings › Notifications</a></p>`

export function confirmPage(publicUrl: string, token: string, types: readonly NotificationType[]): string {
  return page(
    'Stop these emails?',
    `<p>You will no longer get emails about ${escapeHtml(typeList(types))}. You still see them in Hearth.</p>
<form method="post" action="unsubscribe?token=${escapeHtml(encodeURIComponent(token))}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit" style="font:inherit;padding:.5rem 1rem">Unsubscribe</button>
</form>
${settingsLink(publicUrl)}`,
  )
}

export function donePage(publicUrl: string, types: readonly NotificationType[]): string {
  return page(
    'You are unsubscribed',
    `<p>You will no longer get emails about ${escapeHtml(typeList(types))}.</p>
${settingsLink(publicUrl)}`,
  )
}

export function invalidPage(publicUrl: string, message: string): string {
  return page('This link does not work', `<p>${escapeHtml(message)}</p><p>Nothing was changed.</p>${settingsLink(publicUrl)}`)
}

// Post and comment text: @mentions link to profiles and web addresses become links. Everything
// else stays plain text (React escapes it), so nothing a user writes can inject markup.
import { Fragment } from 'react'
import { Link } from 'wouter'

const TOKEN = /(@[A-Za-z0-9_]{3,30})|(https?:\/\/[^\s<]+[^\s<.,:;"')\]!?])/g

export function RichText({ text }: { text: string }) {
  const parts: React.ReactNode[] = []
  let last = 0
  for (const m of text.matchAll(TOKEN)) {
    const i = m.index
    if (i > last) parts.push(text.slice(last, i))
    if (m[1]) {
      parts.push(
        <Link key={i} href={`/${m[1]}`}>
          {m[1]}
        </Link>,
      )
    } else if (m[2]) {
      parts.push(
        <a key={i} href={m[2]} target="_blank" rel="noopener noreferrer nofollow ugc">
          {m[2].replace(/^https?:\/\//, '')}
        </a>,
      )
    }
    last = i + m[0].length
  }
  if (last < text.length) parts.push(text.slice(last))
  return <Fragment>{parts}</Fragment>
}

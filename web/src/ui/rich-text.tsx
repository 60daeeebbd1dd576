// Post and comment text: @mentions link to profiles, #hashtags to their tag page (found by the
// same rules the server stores them with: lib/text-entities.ts) and web addresses become links.
// Everything else stays plain text (React escapes it), so nothing a user writes can inject markup.
import { Fragment } from 'react'
import { Link } from 'wouter'
import { scanEntities } from '../lib/text-entities'

const URL = /https?:\/\/[^\s<]+[^\s<.,:;"')\]!?]/g

interface Token {
  start: number
  end: number
  node: (key: number, text: string) => React.ReactNode
}

export function RichText({ text }: { text: string }) {
  const tokens: Token[] = []
  for (const m of text.matchAll(URL)) {
    tokens.push({
      start: m.index,
      end: m.index + m[0].length,
      node: (key, t) => (
        <a key={key} href={t} target="_blank" rel="noopener noreferrer nofollow ugc">
          {t.replace(/^https?:\/\//, '')}
        </a>
      ),
    })
  }
  // the scanner skips web addresses whole, so its entities never overlap the links above
  for (const e of scanEntities(text)) {
    tokens.push({
      start: e.start,
      end: e.end,
      node: (key, t) =>
        e.kind === 'tag' ? (
          <Link key={key} href={`/tags/${encodeURIComponent(e.value)}`} className="hashtag">
            {t}
          </Link>
        ) : (
          <Link key={key} href={`/${t}`}>
            {t}
          </Link>
        ),
    })
  }
  tokens.sort((a, b) => a.start - b.start)
  const parts: React.ReactNode[] = []
  let last = 0
  for (const tok of tokens) {
    if (tok.start < last) continue
    if (tok.start > last) parts.push(text.slice(last, tok.start))
    parts.push(tok.node(tok.start, text.slice(tok.start, tok.end)))
    last = tok.end
  }
  if (last < text.length) parts.push(text.slice(last))
  return <Fragment>{parts}</Fragment>
}

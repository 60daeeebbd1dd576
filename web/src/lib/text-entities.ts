// Hashtags and @mentions in post and comment text: a copy of the server's scanner
// (server/src/lib/text-entities.ts, where the rules are explained), so that what the app links is
// what the server stores. server/src/lib/text-entities.test.ts checks that both give the same
// entities on every case; change both together. (The web app imports nothing from server/.)

export const MAX_TAG_CHARS = 100

const TOKEN = new RegExp(
  [
    // web addresses and code spans are skipped whole: a `#` or `@` inside them is not an entity
    String.raw`(?<url>\b(?:https?|ftp):\/\/\S+|\bwww\.\S+)`,
    String.raw`(?<code>` + '`[^`]*`' + `)`,
    String.raw`(?<![\p{L}\p{M}\p{N}_\/)#&])#(?<tag>[\p{L}_][\p{L}\p{M}\p{Nd}_]*)`,
    String.raw`(?<![\p{L}\p{M}\p{N}_.+\-@\/])@(?<mention>[A-Za-z0-9_]+)(?![\p{L}\p{M}\p{N}_@]|\.[\p{L}\p{N}])`,
  ].join('|'),
  'gu',
)

const TAG_NAME = /^[\p{L}_][\p{L}\p{M}\p{Nd}_]*$/u
const USERNAME = /^[A-Za-z0-9_]{3,30}$/

/** A tag name in its one stored form, or null when it is not a valid tag (also for route parameters). */
export function normalizeTag(name: string): string | null {
  const normal = name.normalize('NFKC').toLowerCase().normalize('NFKC')
  if (!TAG_NAME.test(normal)) return null
  let chars = 0
  for (const _ of normal) if (++chars > MAX_TAG_CHARS) return null
  return normal
}

export interface TextEntity {
  kind: 'tag' | 'mention'
  /** offsets of the whole entity in the text, `#` or `@` included */
  start: number
  end: number
  /** the normalised tag name, or the lower-cased username */
  value: string
}

/** Every hashtag and mention of the text, in order, with their positions (repeats included). */
export function scanEntities(text: string): TextEntity[] {
  const out: TextEntity[] = []
  for (const m of text.matchAll(TOKEN)) {
    const g = m.groups!
    const start = m.index
    if (g.tag !== undefined) {
      const value = normalizeTag(g.tag)
      if (value !== null) out.push({ kind: 'tag', start, end: start + m[0].length, value })
    } else if (g.mention !== undefined && USERNAME.test(g.mention)) {
      out.push({ kind: 'mention', start, end: start + m[0].length, value: g.mention.toLowerCase() })
    }
  }
  return out
}

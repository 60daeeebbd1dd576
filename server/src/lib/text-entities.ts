// Hashtags and @mentions in the text of posts and comments, found by one pure scanner. The web
// app linkifies with a copy of the same rules (web/src/lib/text-entities.ts, which
// text-entities.test.ts checks against this one case by case), so what is linked is what is stored.
//
// - A tag is `#` then a Unicode letter or `_`, then letters (with their combining marks), decimal
//   digits and `_`, in any script (Arabic, Hebrew, CJK... alike). The `#` must not follow a
//   letter, digit, `_`, `/`, `)`, `#` or `&` (`page#frag`, `/#frag`, `C#`, `##x`, `&#39;`), and
//   nothing inside a web address or a `code span` counts. A tag runs to the first other character,
//   so punctuation and emoji around it are left out (`(#sunset)!`, `#sunset🌅`).
// - Tags are normalised with NFKC and lower case, so `#Café`, `#café`, `#CAFÉ` and `#ＣＡＦＥ́`
//   are one tag; a tag longer than MAX_TAG_CHARS once normalised is not a tag at all (rather than
//   a different tag cut short).
// - A mention is `@` then a username as the users feature accepts them (3 to 30 ASCII letters,
//   digits or `_`), not following a letter, digit or `.`, `+`, `-`, `@`, `/` (`ana@example.com`
//   is an email) and not followed by another name character, `@` (`@ana@elsewhere.social`) or a
//   dot and a name (`@ana.example`). Usernames are compared case-insensitively, so mentions are
//   lower-cased.
//
// One regular expression, matched left to right once: every alternative is either a fixed prefix
// or a character class run that never backtracks more than its own length, so the scan is linear
// in the text (10,000 `#` in a row cost what 10,000 letters do; tested).

export const MAX_TAG_CHARS = 100
/** The most distinct tags one post or comment links; Instagram's limit too. Later ones stay plain text. */
export const MAX_TAGS_PER_TEXT = 30

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

function distinct(text: string, kind: TextEntity['kind'], max: number): string[] {
  const seen = new Set<string>()
  for (const e of scanEntities(text)) {
    if (e.kind !== kind || seen.has(e.value)) continue
    seen.add(e.value)
    if (seen.size === max) break
  }
  return [...seen]
}

/** The distinct normalised hashtags of a text, in order of first use, at most MAX_TAGS_PER_TEXT. */
export function parseHashtags(text: string): string[] {
  return distinct(text, 'tag', MAX_TAGS_PER_TEXT)
}

/**
 * The distinct mentioned usernames (lower case), in order of first use. Not capped here: who
 * gets notified (at most ten per post) is the mentions feature's rule.
 */
export function parseMentions(text: string): string[] {
  return distinct(text, 'mention', Number.POSITIVE_INFINITY)
}

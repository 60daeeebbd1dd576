// The hashtag and mention rules (text-entities.ts), case by case, and the web app's copy of them
// (web/src/lib/text-entities.ts) giving the same answers on every case.
import { describe, expect, it } from 'vitest'
import * as web from '../../../web/src/lib/text-entities.js'
import { MAX_TAGS_PER_TEXT, normalizeTag, parseHashtags, parseMentions, scanEntities } from './text-entities.js'

const tagCases: [string, string[]][] = [
  ['#sunset at the beach', ['sunset']],
  ['golden hour #Sunset #sunset #SUNSET', ['sunset']],
  ['#Café #café #CAFÉ #cafe\u0301 #ＣＡＦＥ\u0301', ['café']],
  ['#cafe and #café are two tags', ['cafe', 'café']],
  // punctuation around tags
  ['(#sunset), [#sea]; "#sky"! #end.', ['sunset', 'sea', 'sky', 'end']],
  ['#one,#two;#three', ['one', 'two', 'three']],
  ["#tag's #snake_case #_lead #trail_", ['tag', 'snake_case', '_lead', 'trail_']],
  // digits: inside and at the end, never first
  ['#2024 #1st #top10 #a1b2', ['top10', 'a1b2']],
  ['#١٢٣ #٣abc', []],
  // URLs with fragments, HTML entities, code-like text
  ['see https://example.com/page#section and http://x.org/#/route#frag', []],
  ['www.example.com/#anchor and example.com/page#frag', []],
  ['C# and F# are languages, a#b, x##y, ##double', []],
  ['&#39; &#x27; &#tag', []],
  ['run `git log #main` then #after', ['after']],
  ['```\nint x; #include\n``` #outside', ['outside']],
  ['color: #fff; #main-content', ['fff', 'main']],
  // emoji
  ['#sunset🌅 🌅#sea #🌅 #☀️sun', ['sunset', 'sea']],
  ['#👍🏽', []],
  // right-to-left and other scripts
  ['غروب #غروب_الشمس جميل', ['غروب_الشمس']],
  ['#שקיעה בים', ['שקיעה']],
  ['#مرحبًا', ['مرحبًا']],
  ['#東京 #日本の夏 #नमस्ते', ['東京', '日本の夏', 'नमस्ते']],
  // length: up to 100 characters, longer is no tag at all
  [`#${'a'.repeat(100)}`, ['a'.repeat(100)]],
  [`#${'a'.repeat(101)} #ok`, ['ok']],
  ['# not a tag, #', []],
  ['line one\n#two\n\t#three', ['two', 'three']],
]

const mentionCases: [string, string[]][] = [
  ['hello @ana and @Ben_2', ['ana', 'ben_2']],
  ['@ana @ANA @Ana', ['ana']],
  ['(@ana), @ben! @carl. @dora?', ['ana', 'ben', 'carl', 'dora']],
  ['write to ana@example.com or me@ana', []],
  ['@ana@other.social and @ana.example.org', []],
  ['@ab is too short, @abc is not', ['abc']],
  [`@${'a'.repeat(30)} @${'b'.repeat(31)}`, ['a'.repeat(30)]],
  ['@anaé @ana_', ['ana_']],
  ['https://example.com/@ana and `@code` but @real', ['real']],
  ['مرحبا @ana', ['ana']],
  ['@@ana a@@b', []],
]

describe('parseHashtags', () => {
  for (const [text, want] of tagCases) {
    it(`${JSON.stringify(text.slice(0, 60))} → ${JSON.stringify(want.map((t) => t.slice(0, 20)))}`, () => {
      expect(parseHashtags(text)).toEqual(want)
    })
  }

  it(`keeps at most ${MAX_TAGS_PER_TEXT} distinct tags, in order of first use`, () => {
    const text = Array.from({ length: 40 }, (_, i) => `#t${i} #T${i}`).join(' ')
    expect(parseHashtags(text)).toEqual(Array.from({ length: MAX_TAGS_PER_TEXT }, (_, i) => `t${i}`))
  })
})

describe('parseMentions', () => {
  for (const [text, want] of mentionCases) {
    it(`${JSON.stringify(text.slice(0, 60))} → ${JSON.stringify(want)}`, () => {
      expect(parseMentions(text)).toEqual(want)
    })
  }

  it('finds tags and mentions side by side, with their positions', () => {
    expect(scanEntities('@ana: #Sun!')).toEqual([
      { kind: 'mention', start: 0, end: 4, value: 'ana' },
      { kind: 'tag', start: 6, end: 10, value: 'sun' },
    ])
  })
})

describe('normalizeTag (also for route parameters)', () => {
  it('normalises valid names and refuses the rest', () => {
    expect(normalizeTag('CAFÉ')).toBe('café')
    expect(normalizeTag('ｓｕｎ')).toBe('sun')
    expect(normalizeTag('غروب_الشمس')).toBe('غروب_الشمس')
    for (const bad of ['', '1st', 'a b', 'a-b', '#a', 'a'.repeat(101), '🌅', 'a\u0000b']) expect(normalizeTag(bad)).toBeNull()
  })
})

describe('linear scanning', () => {
  // Pathological inputs a million characters long: a scan that backtracked per position would be
  // quadratic (10^12 steps) and never finish within the test's timeout.
  const n = 1_000_000
  it('handles long runs of # and @ and unclosed code or tags', () => {
    expect(parseHashtags('#'.repeat(10_000))).toEqual([])
    expect(parseHashtags('#'.repeat(n))).toEqual([])
    expect(parseMentions('@'.repeat(n))).toEqual([])
    expect(parseHashtags(`#${'a'.repeat(n)}`)).toEqual([])
    expect(parseMentions(`@${'a'.repeat(n)}é`)).toEqual([])
    expect(parseHashtags('#a'.repeat(n / 2))).toEqual(['a'])
    expect(parseHashtags(`\`${' #a'.repeat(n / 3)}`)).toEqual(['a'])
    expect(parseHashtags(`https://${'#a'.repeat(n / 2)}`)).toEqual([])
    expect(parseMentions('@a@'.repeat(n / 3))).toEqual([])
  })
})

describe("the web app's copy of the rules", () => {
  it('finds the same entities at the same places on every case', () => {
    for (const [text] of [...tagCases, ...mentionCases]) expect(web.scanEntities(text)).toEqual(scanEntities(text))
  })
})

import { and, asc, desc, gt, like } from 'drizzle-orm'
import { hashtags } from '../../db/schema.js'
import type { DbOrTx } from '../../platform/db/index.js'
import { normalizeTag } from '../../lib/text-entities.js'

export interface TagMatch {
  name: string
  postCount: number
}

/**
 * Tags whose normalised name starts with `prefix` (normalised the same way; a leading `#` is
 * ignored), most used first, then by name. Tags no live post carries are left out. An empty or
 * impossible prefix (`1`, `a b`) matches nothing. Reads hashtags_name_key (text_pattern_ops), so
 * the cost is the matching names, not the table.
 */
export async function searchTags(db: DbOrTx, prefix: string, limit: number): Promise<TagMatch[]> {
  const normal = normalizeTag(prefix.trim().replace(/^#/, ''))
  const n = Math.max(1, Math.min(100, Math.trunc(limit)))
  if (normal === null) return []
  // `_` is LIKE's any-character: escaped, like `\` itself (a tag name holds neither `%` nor `\`)
  const pattern = `${normal.replace(/[\\_%]/g, (c) => `\\${c}`)}%`
  return db
    .select({ name: hashtags.name, postCount: hashtags.postCount })
    .from(hashtags)
    .where(and(like(hashtags.name, pattern), gt(hashtags.postCount, 0)))
    .orderBy(desc(hashtags.postCount), asc(hashtags.name))
    .limit(n)
}

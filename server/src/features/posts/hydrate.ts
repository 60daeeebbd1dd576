// The shared read pipeline for every list of posts (feeds, profiles, a single post): given the
// ids from a skeleton query, load what a page shows in a constant number of queries (posts with
// their authors in one, the viewer's likes in one), drop what the viewer may not see, present.
import type { Db } from '../../platform/db/index.js'
import { likedPostIds, loadPosts } from './queries.js'
import { presentPost, type PresentedPost } from './views.js'

export async function hydratePosts(db: Db, ids: number[], viewerId: number | undefined): Promise<PresentedPost[]> {
  if (ids.length === 0) return []
  const [rows, liked] = await Promise.all([
    loadPosts(db, ids),
    viewerId === undefined ? Promise.resolve(new Set<number>()) : likedPostIds(db, viewerId, ids),
  ])
  // Filter: loadPosts returns only live posts of unblocked authors, so anything deleted or
  // blocked since the skeleton ran simply drops out here, keeping the skeleton's order.
  const byId = new Map(rows.map((r) => [r.id, r]))
  const out: PresentedPost[] = []
  for (const id of ids) {
    const row = byId.get(id)
    if (row) out.push(presentPost(row, liked.has(id)))
  }
  return out
}

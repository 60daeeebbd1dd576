import type { AppContext } from '../../context.js'
import {
  boundBefore,
  decodeCursor,
  decodeTimeCursor,
  encodeCursor,
  FIRST_PAGE_AT,
  FIRST_PAGE_ID,
  invalidCursor,
  type TimeKey,
} from '../../lib/keyset.js'
import type { PresentedPost } from '../posts/index.js'
import * as q from './queries.js'
import { ExploreRanking, isSnapshotId, windowStartOf } from './ranking.js'

export type ExploreSort = 'ranked' | 'recent'

type Page = { items: PresentedPost[]; nextCursor: string | null }

/**
 * Feeds in one statement per page, whatever its size: the skeleton (the page's ids) wrapped by
 * the hydrate stage (posts with authors and the viewer's likes; posts/page.ts), which also drops
 * posts deleted or blocked since.
 */
export class FeedService {
  private readonly ranking: ExploreRanking

  constructor(private readonly ctx: AppContext) {
    this.ranking = new ExploreRanking(ctx.database.db, ctx.cache, ctx.logger)
  }

  private get db() {
    return this.ctx.database.db
  }

  home(viewerId: number, limit: number, cursor: string | undefined) {
    return q.homeFeedPage(this.db, viewerId, boundBefore(decodeTimeCursor(cursor)), limit)
  }

  explore(viewerId: number | undefined, limit: number, cursor: string | undefined, sort: ExploreSort = 'ranked'): Promise<Page> {
    if (sort === 'recent') return q.explorePage(this.db, viewerId, boundBefore(decodeTimeCursor(cursor)), limit)
    return this.ranked(viewerId, limit, cursor)
  }

  /**
   * Ranked explore: the snapshot's posts in rank order (cursor `["r", snapshot, position]`), then
   * everyone's other posts newest first (cursor `["t", snapshot, at, id]`) leaving the snapshot's
   * out, so no post shows twice. When a cursor's snapshot has expired (after KEEP_SECONDS), paging
   * goes on newest first from before the snapshot's window: none of its posts can come back, at
   * the cost of skipping the window's unranked posts.
   */
  private async ranked(viewerId: number | undefined, limit: number, cursor: string | undefined): Promise<Page> {
    const at = decodeExploreCursor(cursor)
    if (at === undefined) return this.fromSnapshot(viewerId, limit, await this.ranking.current(), 0)
    const snapshot = await this.ranking.load(at.snapshot)
    if (at.kind === 'rank') {
      if (snapshot) return this.fromSnapshot(viewerId, limit, snapshot, at.position)
      return this.tail(viewerId, limit, at.snapshot, null, boundBefore(undefined))
    }
    return this.tail(viewerId, limit, at.snapshot, snapshot?.ids ?? null, at.before)
  }

  private async fromSnapshot(
    viewerId: number | undefined,
    limit: number,
    snapshot: { id: string; ids: number[] },
    position: number,
  ): Promise<Page> {
    const slice = snapshot.ids.slice(position, position + limit)
    const items = slice.length > 0 ? await q.exploreRankedPage(this.db, viewerId, slice) : []
    if (position + limit < snapshot.ids.length) {
      return { items, nextCursor: encodeCursor(['r', snapshot.id, position + limit]) }
    }
    // The snapshot ends on this page: the rest of the page comes newest first.
    const room = limit - slice.length
    if (room === 0) return { items, nextCursor: encodeCursor(['t', snapshot.id, FIRST_PAGE_AT, FIRST_PAGE_ID]) }
    const rest = await this.tail(viewerId, room, snapshot.id, snapshot.ids, boundBefore(undefined))
    return { items: [...items, ...rest.items], nextCursor: rest.nextCursor }
  }

  /** `exclude` null: the snapshot expired, so only posts from before its window may follow. */
  private async tail(
    viewerId: number | undefined,
    limit: number,
    snapshotId: string,
    exclude: number[] | null,
    before: TimeKey,
  ): Promise<Page> {
    let bound = before
    if (exclude === null) {
      const windowStart = `${windowStartOf(snapshotId).toISOString().slice(0, -1)}000Z`
      if (before.at === FIRST_PAGE_AT || windowStart < before.at) bound = { at: windowStart, id: 0 }
    }
    const page = await q.exploreTailPage(this.db, viewerId, bound, limit, exclude ?? [])
    const key = decodeTimeCursor(page.nextCursor ?? undefined)
    return { items: page.items, nextCursor: key ? encodeCursor(['t', snapshotId, key.at, key.id]) : null }
  }
}

type ExploreCursor = { kind: 'rank'; snapshot: string; position: number } | { kind: 'tail'; snapshot: string; before: TimeKey }

/** Decodes explore's ranked cursors; anything else is a 400 invalid_cursor. */
function decodeExploreCursor(cursor: string | undefined): ExploreCursor | undefined {
  if (cursor === undefined) return undefined
  const values = tryDecode(cursor, ['string', 'string', 'number']) ?? tryDecode(cursor, ['string', 'string', 'string', 'number'])
  if (!values || typeof values[1] !== 'string' || !isSnapshotId(values[1])) throw invalidCursor()
  const [kind, snapshot] = values as [string, string]
  if (kind === 'r' && values.length === 3) {
    const position = values[2] as number
    if (position < 0 || position > 100_000) throw invalidCursor()
    return { kind: 'rank', snapshot, position }
  }
  if (kind === 't' && values.length === 4) {
    const [at, id] = [values[2] as string, values[3] as number]
    const before = at === FIRST_PAGE_AT && id === FIRST_PAGE_ID ? boundBefore(undefined) : decodeTimeCursor(encodeCursor([at, id]))!
    return { kind: 'tail', snapshot, before }
  }
  throw invalidCursor()
}

function tryDecode(cursor: string, shape: ('string' | 'number')[]) {
  try {
    return decodeCursor<(string | number)[]>(cursor, shape)
  } catch {
    return undefined
  }
}

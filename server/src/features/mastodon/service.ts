// Reads of the Mastodon API on Hearth's own read paths: the native feeds, profiles and posts
// (skeleton → hydrate in one statement, features/posts/page.ts) give the page; this adds the
// page's authors as Mastodon accounts in one more query and presents the entities.
import type { AppContext } from '../../context.js'
import { AppError } from '../../http/errors.js'
import type { Services } from '../../services.js'
import { FeedService } from '../feed/index.js'
import { FollowsService } from '../follows/index.js'
import { LikesService } from '../likes/index.js'
import { PostsService } from '../posts/index.js'
import { UsersService } from '../users/index.js'
import { relationships } from '../visibility/index.js'
import { cursorForMaxId, keepNewer, newerThan, nextMaxId, type PageInput } from './pagination.js'
import * as q from './queries.js'
import { presentAccount, presentCredentialAccount, presentRelationship, presentStatus, type HearthPost, type Site } from './views.js'

export const recordNotFound = () => new AppError(404, 'not_found', 'Record not found')

export interface StatusPage {
  items: ReturnType<typeof presentStatus>[]
  firstId?: number
  nextMaxId?: number
}

export class MastodonReads {
  readonly feed: FeedService
  readonly posts: PostsService
  readonly users: UsersService
  readonly follows: FollowsService
  readonly likes: LikesService
  readonly site: Site

  constructor(
    private readonly ctx: AppContext,
    services: Services,
  ) {
    this.feed = new FeedService(ctx)
    this.posts = new PostsService(ctx, services.users, services.media)
    this.users = new UsersService(ctx, services.users)
    this.follows = new FollowsService(ctx, services.users)
    this.likes = new LikesService(ctx)
    this.site = { publicUrl: ctx.config.publicUrl }
  }

  private get db() {
    return this.ctx.database.db
  }

  /** Native posts as Mastodon statuses: their authors in one query. */
  async statuses(posts: HearthPost[]) {
    const accounts = await q.accountsByIds(this.db, [...new Set(posts.map((p) => p.author.id))])
    const out: ReturnType<typeof presentStatus>[] = []
    for (const p of posts) {
      const a = accounts.get(p.author.id)
      if (a) out.push(presentStatus(p, a, this.site))
    }
    return out
  }

  async status(id: number, viewerId: number | undefined) {
    const post = await this.posts.get(id, viewerId).catch(notFoundAsRecord)
    return (await this.statuses([post]))[0]!
  }

  /** A native list page (`list(cursor)`) under Mastodon's parameters. */
  private async page(
    input: PageInput,
    list: (cursor: string | undefined) => Promise<{ items: HearthPost[]; nextCursor: string | null }>,
  ): Promise<StatusPage> {
    const cursor = await cursorForMaxId(this.db, input.max_id)
    if (cursor === null) return { items: [] }
    const bound = await newerThan(this.db, input)
    const page = await list(cursor)
    const kept = keepNewer(page.items, bound)
    const items = await this.statuses(kept)
    // Above a since/min bound the walk stops at it: nothing older belongs to this answer.
    const reachedBound = bound !== undefined && kept.length < page.items.length
    return {
      items,
      firstId: kept[0]?.id,
      nextMaxId: reachedBound ? undefined : nextMaxId(page.nextCursor),
    }
  }

  home(viewerId: number, input: PageInput) {
    return this.page(input, (cursor) => this.feed.home(viewerId, input.limit, cursor))
  }

  publicTimeline(viewerId: number | undefined, input: PageInput) {
    // Mastodon's public timeline is newest first (explore's ranked order is /api/v1/trends/statuses' job)
    return this.page(input, (cursor) => this.feed.explore(viewerId, input.limit, cursor, 'recent'))
  }

  async accountStatuses(userId: number, viewerId: number | undefined, input: PageInput) {
    try {
      return await this.page(input, (cursor) => this.posts.listByUser(userId, viewerId, input.limit, cursor))
    } catch (e) {
      // A private account's posts, to someone who does not follow it: none, as Mastodon shows it.
      if (e instanceof AppError && e.code === 'private_account') return { items: [] }
      notFoundAsRecord(e)
    }
  }

  async account(id: number, viewerId: number | undefined) {
    await this.users.profileById(id, viewerId).catch(notFoundAsRecord)
    const row = await q.accountById(this.db, id)
    if (!row) throw recordNotFound()
    return presentAccount(row, this.site)
  }

  async lookup(acct: string, viewerId: number | undefined) {
    const host = new URL(this.site.publicUrl).host
    const [username, domain] = acct.replace(/^@/, '').split('@')
    if (!username || (domain !== undefined && domain.toLowerCase() !== host.toLowerCase())) throw recordNotFound()
    const profile = await this.users.profileByUsername(username, viewerId).catch(notFoundAsRecord)
    return this.account(profile.id, viewerId)
  }

  async credentials(userId: number) {
    const row = await q.accountById(this.db, userId)
    if (!row) throw recordNotFound()
    const { count } = await this.follows.requestCount(userId)
    return presentCredentialAccount(row, this.site, count)
  }

  /** Relationships with each account the viewer may know of (accounts blocking the viewer are left out, as if gone). */
  async relationships(viewerId: number, ids: number[]) {
    const rels = await relationships(this.db, viewerId, ids)
    const out: ReturnType<typeof presentRelationship>[] = []
    for (const id of ids) {
      const r = rels.get(id)
      if (r && !r.blockedBy) out.push(presentRelationship(id, r))
    }
    return out
  }

  async relationship(viewerId: number, id: number) {
    const [r] = await this.relationships(viewerId, [id])
    if (!r) throw recordNotFound()
    return r
  }
}

/** Hearth's 404s (and its "private account" refusal of a post) are Mastodon's "Record not found". */
export function notFoundAsRecord(e: unknown): never {
  if (e instanceof AppError && (e.status === 404 || e.code === 'private_account')) throw recordNotFound()
  throw e
}

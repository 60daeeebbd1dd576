import type { AppContext } from '../../context.js'
import type { AuthInfo } from '../../http/auth.js'
import { AppError, forbidden, notFound } from '../../http/errors.js'
import { inTransaction } from '../../platform/db/transaction.js'
import { subsystemLogger } from '../../logger.js'
import { hideDeletedPostPhotos, type Media, type StoredImage, type UploadedFile } from '../media/index.js'
import { adjustPostsCount, findVisibleUserById, type UserCache } from '../users/index.js'
import { boundBefore, decodeTimeCursor } from '../../lib/keyset.js'
import { notifyMentions } from '../mentions/index.js'
import { syncPostTags } from '../tags/index.js'
import { requireAccountContents } from '../visibility/index.js'
import * as q from './queries.js'
import { presentImages } from './views.js'

export interface NewPost {
  content: string
  files: UploadedFile[]
  /** one per file at most, in the files' order; empty for none */
  alts: string[]
  sensitive: boolean
  spoilerText: string | null
}

export interface PostEdit {
  content?: string
  sensitive?: boolean
  spoilerText?: string | null
  images?: { alt: string | null }[]
}

/** A content warning's text, trimmed; a post with one is sensitive whatever the flag said. */
function contentWarning(sensitive: boolean, spoilerText: string | null) {
  const text = spoilerText?.trim() || null
  return { sensitive: sensitive || text !== null, spoilerText: text }
}

/** posts.image_urls with each photo's alt text set, by position among the photos presentImages shows. */
function withAlts(stored: unknown, alts: (string | null)[]): unknown[] {
  let n = 0
  return (Array.isArray(stored) ? stored : []).map((s: unknown) => {
    if (!s || typeof s !== 'object' || typeof (s as { url?: unknown }).url !== 'string') return s
    const alt = alts[n++]?.trim()
    const { alt: _old, ...image } = s as Record<string, unknown>
    return alt ? { ...image, alt } : image
  })
}

const altCount = (photos: number, field: string) =>
  new AppError(400, 'alt_count_mismatch', `Give at most one description per photo, in order: this post has ${photos}.`, {
    errors: [{ field, message: `must have ${field === 'images' ? 'exactly' : 'at most'} ${photos} items` }],
  })

const emptyPost = () =>
  new AppError(400, 'empty_post', 'A post needs some text or at least one image.', {
    errors: [{ field: 'content', message: 'is empty and the post has no images' }],
  })

export class PostsService {
  private readonly log
  constructor(
    private readonly ctx: AppContext,
    private readonly users: UserCache,
    private readonly media: Media,
  ) {
    this.log = subsystemLogger(ctx.logger, 'storage')
  }

  private get db() {
    return this.ctx.database.db
  }

  async create(userId: number, input: NewPost) {
    const content = input.content.trim()
    if (content === '' && input.files.length === 0) throw emptyPost()
    const max = this.ctx.config.media.maxImagesPerPost
    if (input.files.length > max) throw new AppError(413, 'too_many_files', `A post can have at most ${max} images.`)
    if (input.alts.length > input.files.length) throw altCount(input.files.length, 'alt')
    const warning = contentWarning(input.sensitive, input.spoilerText)

    // Photos are stored before the row exists, so a post never points at missing files; if the
    // insert fails, the files go again.
    const images: StoredImage[] = input.files.length > 0 ? await this.media.storePostImages(input.files) : []
    let id: number
    try {
      id = await inTransaction(this.db, async (tx, afterCommit) => {
        const imageUrls = images.length > 0 ? withAlts(images, input.alts) : null
        const postId = await q.insertPost(tx, { userId, content, imageUrls, ...warning })
        await adjustPostsCount(tx, userId, 1)
        await syncPostTags(tx, postId, content)
        await notifyMentions(this.ctx, tx, afterCommit, { source: { kind: 'post', id: postId }, postId, authorId: userId, content })
        return postId
      })
    } catch (err) {
      const keys = images.flatMap((i) => i.keys)
      if (keys.length > 0) {
        await this.media.removeKeys(keys).catch((e) => this.log.warn({ err: e, keys }, 'could not remove photos of a failed post'))
      }
      throw err
    }
    return this.get(id, userId)
  }

  async get(id: number, viewerId: number | undefined) {
    const post = await q.loadPost(this.db, id, viewerId)
    if (!post) throw notFound('Post')
    return post
  }

  async update(id: number, actor: AuthInfo, edit: PostEdit) {
    await inTransaction(this.db, async (tx, afterCommit) => {
      const post = await q.lockPost(tx, id, actor.userId)
      if (!post || post.isDeleted || !post.visible) throw notFound('Post')
      if (post.userId !== actor.userId) throw forbidden('Only the author can edit a post.')
      const photos = presentImages(post.imageUrls).length
      const changes: q.PostChanges = {}
      if (edit.content !== undefined) {
        changes.content = edit.content.trim()
        if (changes.content === '' && photos === 0) throw emptyPost()
      }
      if (edit.sensitive !== undefined || edit.spoilerText !== undefined) {
        Object.assign(
          changes,
          contentWarning(edit.sensitive ?? post.sensitive, edit.spoilerText === undefined ? post.spoilerText : edit.spoilerText),
        )
      }
      if (edit.images !== undefined) {
        if (edit.images.length !== photos) throw altCount(photos, 'images')
        changes.imageUrls = withAlts(
          post.imageUrls,
          edit.images.map((i) => i.alt),
        )
      }
      await q.updatePost(tx, id, changes)
      if (changes.content !== undefined) {
        await syncPostTags(tx, id, changes.content)
        await notifyMentions(this.ctx, tx, afterCommit, {
          source: { kind: 'post', id },
          postId: id,
          authorId: post.userId,
          content: changes.content,
        })
      }
    })
    return this.get(id, actor.userId)
  }

  async remove(id: number, actor: AuthInfo) {
    await inTransaction(
      this.db,
      async (tx, afterCommit) => {
        const post = await q.lockPost(tx, id, actor.userId)
        if (!post || post.isDeleted || !post.visible) throw notFound('Post')
        if (post.userId !== actor.userId && actor.role !== 'admin')
          throw forbidden('Only the author or an administrator can delete a post.')
        // Soft delete: likes and comments stay, and the photos for MEDIA_RETENTION_DAYS, so
        // moderation can still see what happened (features/media/maintenance.ts removes them later).
        await q.softDeletePost(tx, id)
        // ...but out of the public area before the answer: their URLs stop working at once.
        afterCommit(() => hideDeletedPostPhotos(this.ctx, [id]).then(() => {}))
      },
      (err) => this.log.error({ err, postId: id }, 'could not hide the photos of a deleted post; the media job will retry'),
    )
  }

  async listByUser(userId: number, viewerId: number | undefined, limit: number, cursor: string | undefined) {
    const after = decodeTimeCursor(cursor)
    const user = await findVisibleUserById(this.db, userId)
    if (!user) throw notFound('User')
    // The profile's own answer for the whole list; the page statement applies the same rule per post.
    await requireAccountContents(this.db, user, viewerId, async (id) => (await this.users.get(id))?.role === 'admin', 'posts')
    return q.userPostsPage(this.db, userId, viewerId, boundBefore(after), limit)
  }
}

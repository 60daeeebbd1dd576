import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import type { UserCache } from '../users/index.js'
import { requireUser } from '../../http/auth.js'
import { badRequest, fieldError } from '../../http/errors.js'
import { idempotent, IdempotencyHeaders } from '../../http/idempotency.js'
import { Page, PageQuery } from '../../http/pagination.js'
import { bearer, errors, IdParams } from '../../http/schemas.js'
import { PostsService } from './service.js'
import { readMultipart, type Media } from '../media/index.js'
import { MAX_ALT_CHARS, MAX_POST_CHARS, MAX_SPOILER_CHARS, Post } from './views.js'

const Content = Type.String({ maxLength: MAX_POST_CHARS, description: `Up to ${MAX_POST_CHARS} characters.` })
const Sensitive = Type.Boolean({ description: 'A content warning: the photos are blurred until the viewer asks to see them.' })
const SpoilerText = Type.Union([Type.String({ maxLength: MAX_SPOILER_CHARS }), Type.Null()], {
  description: `The content warning’s text, up to ${MAX_SPOILER_CHARS} characters; a non-empty one marks the post sensitive.`,
})
const Alt = Type.Union([Type.String({ maxLength: MAX_ALT_CHARS }), Type.Null()], {
  description: `Describes the photo for people who cannot see it, up to ${MAX_ALT_CHARS} characters; empty or null for none.`,
})

/** The text fields of a multipart post form, checked as the JSON schema checks a JSON body. */
function postFormFields(fields: Record<string, string>, lists: Record<string, string[]>) {
  const tooLong = (field: string, max: number) => fieldError(field, `must NOT have more than ${max} characters`)
  const content = fields.content ?? ''
  if ([...content].length > MAX_POST_CHARS)
    throw fieldError(
      'content',
      `must NOT have more than ${MAX_POST_CHARS} characters`,
      `A post may be at most ${MAX_POST_CHARS} characters.`,
    )
  const spoilerText = fields.spoilerText ?? null
  if (spoilerText !== null && [...spoilerText].length > MAX_SPOILER_CHARS) throw tooLong('spoilerText', MAX_SPOILER_CHARS)
  const alts = lists.alt ?? []
  alts.forEach((alt, i) => {
    if ([...alt].length > MAX_ALT_CHARS) throw tooLong(`alt.${i}`, MAX_ALT_CHARS)
  })
  const flag = fields.sensitive
  if (flag !== undefined && flag !== 'true' && flag !== 'false') throw fieldError('sensitive', 'must be true or false')
  return { content, alts, sensitive: flag === 'true', spoilerText }
}

export function postsRoutes(ctx: AppContext, services: { users: UserCache; media: Media }): FastifyPluginAsyncTypebox {
  const posts = new PostsService(ctx, services.users, services.media)
  const { maxImagesPerPost, maxImageBytes } = ctx.config.media
  return async (app) => {
    app.post(
      '/posts',
      {
        schema: {
          tags: ['posts'],
          summary: 'Create a post',
          description:
            `JSON \`{content, sensitive?, spoilerText?}\`, or multipart/form-data with a \`content\` field and 0..${maxImagesPerPost} \`images\` files ` +
            `(≤ ${maxImageBytes} bytes each), one optional \`alt\` field per file (in the files' order), and \`sensitive\` (true | false) ` +
            `and \`spoilerText\` fields. Text is at most ${MAX_POST_CHARS} characters; a post without text needs an image. ` +
            'Photos are checked by their content, re-encoded and stripped of metadata.',
          security: bearer,
          headers: IdempotencyHeaders,
          body: {
            content: {
              'application/json': {
                schema: Type.Object(
                  { content: Content, sensitive: Type.Optional(Sensitive), spoilerText: Type.Optional(SpoilerText) },
                  { additionalProperties: false },
                ),
              },
              // Documentation only: multipart bodies are read by readMultipart, not by the validator,
              // which sees no parsed body here (hence nullable).
              'multipart/form-data': {
                schema: Type.Unsafe<unknown>({
                  type: 'object',
                  nullable: true,
                  properties: {
                    content: Content,
                    images: Type.Array(Type.String({ format: 'binary' }), { maxItems: maxImagesPerPost }),
                    alt: Type.Array(Type.String({ maxLength: MAX_ALT_CHARS }), { maxItems: maxImagesPerPost }),
                    sensitive: Type.String({ enum: ['true', 'false'] }),
                    spoilerText: Type.String({ maxLength: MAX_SPOILER_CHARS }),
                  },
                }),
              },
            },
          } as never,
          response: { 201: Post, ...errors(400, 401, 409, 413, 415, 422) },
        },
      },
      async (req, reply) => {
        const userId = requireUser(req).userId
        let input
        let hashed: unknown = req.body
        if (req.isMultipart()) {
          const form = await readMultipart(req, {
            fileField: 'images',
            maxFiles: maxImagesPerPost,
            maxFileBytes: maxImageBytes,
            textFields: ['content', 'sensitive', 'spoilerText'],
            listFields: ['alt'],
            images: true,
          })
          input = { ...postFormFields(form.fields, form.lists), files: form.files }
          hashed = { fields: form.fields, lists: form.lists, files: form.files }
        } else {
          const body = req.body as { content?: string; sensitive?: boolean; spoilerText?: string | null } | undefined
          if (typeof body?.content !== 'string')
            throw badRequest('Send JSON {content} or a multipart form.', [{ field: 'content', message: 'is required' }])
          input = { content: body.content, files: [], alts: [], sensitive: body.sensitive ?? false, spoilerText: body.spoilerText ?? null }
        }
        return idempotent(ctx.database.db, req, reply, { userId, body: hashed, status: 201 }, () => posts.create(userId, input))
      },
    )

    app.get(
      '/posts/:id',
      {
        schema: { tags: ['posts'], summary: 'A post', params: IdParams, response: { 200: Post, ...errors(400, 404) } },
      },
      async (req) => posts.get(req.params.id, req.auth?.userId),
    )

    app.patch(
      '/posts/:id',
      {
        schema: {
          tags: ['posts'],
          summary: 'Edit a post (its author only)',
          description:
            'Any of: the text, the content warning, and the photos’ descriptions. `images` lists one `{alt}` per photo of the ' +
            'post, in order (the photos themselves cannot change); another count is refused.',
          security: bearer,
          params: IdParams,
          body: Type.Object(
            {
              content: Type.Optional(Content),
              sensitive: Type.Optional(Sensitive),
              spoilerText: Type.Optional(SpoilerText),
              images: Type.Optional(Type.Array(Type.Object({ alt: Alt }, { additionalProperties: false }), { maxItems: maxImagesPerPost })),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: Post, ...errors(400, 401, 403, 404) },
        },
      },
      async (req) => posts.update(req.params.id, requireUser(req), req.body),
    )

    app.delete(
      '/posts/:id',
      {
        schema: {
          tags: ['posts'],
          summary: 'Delete a post (its author or an administrator)',
          security: bearer,
          params: IdParams,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await posts.remove(req.params.id, requireUser(req))
        return reply.code(204).send(null)
      },
    )

    app.get(
      '/users/:id/posts',
      {
        schema: {
          tags: ['posts', 'users'],
          summary: 'A user’s posts, newest first',
          params: IdParams,
          querystring: Type.Object(PageQuery, { additionalProperties: false }),
          response: { 200: Page(Post), ...errors(400, 403, 404) },
        },
      },
      async (req) => posts.listByUser(req.params.id, req.auth?.userId, req.query.limit, req.query.cursor),
    )
  }
}

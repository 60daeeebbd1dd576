import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { idempotent, IdempotencyHeaders } from '../../http/idempotency.js'
import { Page, PageQuery } from '../../http/pagination.js'
import { bearer, errors, Id, IdParams } from '../../http/schemas.js'
import { readMultipart, sendPrivateObject, type Media } from '../media/index.js'
import type { StreamHub } from '../stream/index.js'
import { MAX_MESSAGE_LENGTH, MessagesService } from './service.js'
import { typingHandler } from './typing.js'
import { Conversation, Message } from './views.js'

const SendMessageJson = Type.Object(
  { content: Type.String({ minLength: 1, maxLength: MAX_MESSAGE_LENGTH }) },
  { additionalProperties: false },
)

export function messagesRoutes(ctx: AppContext, services: { media: Media; streamHub?: StreamHub }): FastifyPluginAsyncTypebox {
  const hub = services.streamHub
  const messages = new MessagesService(ctx, services.media)
  hub?.onClientMessage('typing', typingHandler(ctx))
  return async (app) => {
    app.get(
      '/conversations',
      {
        schema: {
          tags: ['messages'],
          summary: 'The caller’s conversations, most recent activity first',
          security: bearer,
          querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
          response: { 200: Page(Conversation), ...errors(400, 401) },
        },
      },
      async (req) => messages.list(requireUser(req).userId, req.query.limit, req.query.cursor),
    )

    app.post(
      '/conversations',
      {
        schema: {
          tags: ['messages'],
          summary: 'The one conversation between the caller and a user (created on first call)',
          description:
            'Across a block: 404 when the user blocks the caller (as for a missing user), 403 `blocking` when the caller blocks them. A user who accepts messages from people they follow only (`allowMessagesFrom: following`) refuses new conversations from others with 403 `messages_not_allowed`; an existing conversation is returned as before.',
          security: bearer,
          body: Type.Object({ userId: Id }, { additionalProperties: false }),
          response: { 200: Conversation, 201: Conversation, ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const { created, conversation } = await messages.open(requireUser(req).userId, req.body.userId)
        return reply.code(created ? 201 : 200).send(conversation)
      },
    )

    app.get(
      '/conversations/:id/messages',
      {
        schema: {
          tags: ['messages'],
          summary: 'A conversation’s messages, newest first (participants only)',
          security: bearer,
          params: IdParams,
          querystring: Type.Object({ ...PageQuery }, { additionalProperties: false }),
          response: { 200: Page(Message), ...errors(400, 401, 404) },
        },
      },
      async (req) => messages.history(requireUser(req).userId, req.params.id, req.query.limit, req.query.cursor),
    )

    app.post(
      '/conversations/:id/messages',
      {
        schema: {
          tags: ['messages'],
          summary: 'Send a message: JSON {content}, or multipart `content` + `file` (image or any file)',
          description: `An image goes through the photo pipeline (re-encoded, stripped, resized); any other file is kept as sent with its sniffed type. Files over MESSAGE_MAX_FILE_BYTES get 413. Text is at most ${MAX_MESSAGE_LENGTH} characters. A conversation a block made read-only refuses with 403 \`conversation_read_only\`.`,
          security: bearer,
          params: IdParams,
          // Only JSON bodies have a schema; multipart forms are checked by readMultipart.
          headers: IdempotencyHeaders,
          body: { content: { 'application/json': { schema: SendMessageJson } } },
          response: { 201: Message, ...errors(400, 401, 403, 404, 409, 413, 415, 422) },
        },
      },
      async (req, reply) => {
        const me = requireUser(req)
        let hashed: unknown = req.body
        let input: { content: string; file?: Awaited<ReturnType<typeof readMultipart>>['files'][number] }
        if (req.isMultipart()) {
          // Who may post here is settled before the upload is read.
          await messages.requireWritableConversation(me.userId, req.params.id)
          const form = await readMultipart(req, {
            fileField: 'file',
            maxFiles: 1,
            maxFileBytes: ctx.config.media.maxAttachmentBytes,
            textFields: ['content'],
          })
          input = { content: form.fields.content ?? '', file: form.files[0] }
          hashed = { fields: form.fields, files: form.files }
        } else {
          input = { content: (req.body as { content: string }).content }
        }
        return idempotent(ctx.database.db, req, reply, { userId: me.userId, body: hashed, status: 201 }, () =>
          messages.send(me.userId, req.params.id, input),
        )
      },
    )

    app.post(
      '/conversations/:id/read',
      {
        schema: {
          tags: ['messages'],
          summary: 'Mark every message the caller received in the conversation read',
          security: bearer,
          params: IdParams,
          response: { 200: Type.Object({ markedRead: Type.Integer({ minimum: 0 }) }), ...errors(400, 401, 404) },
        },
      },
      async (req) => messages.markRead(requireUser(req).userId, req.params.id),
    )

    app.delete(
      '/messages/:id',
      {
        schema: {
          tags: ['messages'],
          summary: 'Delete a message (its sender only); a placeholder remains',
          security: bearer,
          params: IdParams,
          response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        await messages.remove(requireUser(req).userId, req.params.id)
        return reply.code(204).send(null)
      },
    )

    app.get(
      '/messages/:id/attachment',
      {
        schema: {
          tags: ['messages'],
          summary: 'A message’s attachment, for its two participants only',
          description:
            'Authenticate with a Bearer token, or use the signed URL from the message (`u`, `exp`, `sig`), which <img> tags can load.',
          params: IdParams,
          querystring: Type.Object(
            {
              u: Type.Optional(Id),
              exp: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 40 })),
              sig: Type.Optional(Type.String({ maxLength: 100 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Unsafe({ type: 'string', format: 'binary' }), ...errors(400, 401, 403, 404) },
        },
      },
      async (req, reply) => {
        const { object, name } = await messages.openAttachment(req.params.id, { userId: req.auth?.userId, signed: req.query })
        return sendPrivateObject(reply, object, name)
      },
    )
  }
}

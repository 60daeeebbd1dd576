// Notification settings (GET/PATCH /users/me/notification-settings) and the one-click unsubscribe
// link of notification emails (RFC 8058), which needs no sign-in: its token is the authorisation.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { AppError, badRequest, type FieldProblem } from '../../http/errors.js'
import { bearer, errors } from '../../http/schemas.js'
import { readMultipart } from '../media/index.js'
import { CHANNELS, NOTIFICATION_TYPES } from './settings.js'
import { NotificationSettingsService } from './settings-service.js'
import { confirmPage, donePage, invalidPage } from './unsubscribe-page.js'

const Channels = Type.Object(
  {
    email: Type.Boolean({ description: 'Emailed when it stays unread for a while.' }),
    push: Type.Boolean({ description: 'Sent as a push notification once Web Push exists; stored already.' }),
  },
  { additionalProperties: false },
)
const ChannelsPatch = Type.Partial(Channels, { additionalProperties: false })

export const NotificationSettings = Type.Object(
  { like: Channels, comment: Channels, follow: Channels, follow_request: Channels, mention: Channels, message: Channels },
  {
    title: 'NotificationSettings',
    additionalProperties: false,
    description: 'For each type of notification, whether it goes out on each channel.',
  },
)
const SettingsPatch = Type.Object(
  {
    like: Type.Optional(ChannelsPatch),
    comment: Type.Optional(ChannelsPatch),
    follow: Type.Optional(ChannelsPatch),
    follow_request: Type.Optional(ChannelsPatch),
    mention: Type.Optional(ChannelsPatch),
    message: Type.Optional(ChannelsPatch),
  },
  { additionalProperties: false, description: 'Only the types and channels named change.' },
)

/**
 * The schema validator turns "false" and 0 into booleans: for settings a client must send real
 * ones, so anything else is refused here first, with the field named as validation names it.
 */
function refuseNonBooleans(body: unknown) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return // the schema says what is wrong
  const problems: FieldProblem[] = []
  for (const [type, perType] of Object.entries(body as Record<string, unknown>)) {
    if (!(NOTIFICATION_TYPES as readonly string[]).includes(type) || perType === null || typeof perType !== 'object') continue
    for (const [channel, v] of Object.entries(perType as Record<string, unknown>)) {
      if ((CHANNELS as readonly string[]).includes(channel) && typeof v !== 'boolean') {
        problems.push({ field: `${type}.${channel}`, message: 'must be boolean' })
      }
    }
  }
  if (problems.length > 0) throw badRequest(`${problems[0]!.field} ${problems[0]!.message}`, problems)
}

const TokenQuery = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 300, description: 'From the link in the email.' }) },
  { additionalProperties: true }, // mail clients and trackers append parameters of their own
)

const HtmlPage = { description: 'A small HTML page.', content: { 'text/html': { schema: Type.String() } } }

const prefersHtml = (req: FastifyRequest) => (req.headers.accept ?? '').includes('text/html')
const sendHtml = (reply: FastifyReply, status: number, html: string) =>
  reply
    .code(status)
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(html)

/** RFC 8058: the POST's body is `List-Unsubscribe=One-Click`, form-encoded or multipart. */
async function oneClickValue(req: FastifyRequest): Promise<string | undefined> {
  if (req.isMultipart()) {
    const form = await readMultipart(req, { fileField: 'file', maxFiles: 0, maxFileBytes: 0, textFields: ['List-Unsubscribe'] })
    return form.fields['List-Unsubscribe']
  }
  const body = req.body as Record<string, unknown> | undefined
  return typeof body?.['List-Unsubscribe'] === 'string' ? body['List-Unsubscribe'] : undefined
}

export function notificationSettingsRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const settings = new NotificationSettingsService(ctx)
  const { publicUrl } = ctx.config
  return async (app) => {
    // what mail clients send (RFC 8058), and the confirmation page's form; for these routes only
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)))
    })

    app.get(
      '/users/me/notification-settings',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Which notifications the caller gets, per type and channel',
          security: bearer,
          response: { 200: NotificationSettings, ...errors(401) },
        },
      },
      async (req) => settings.get(requireUser(req).userId),
    )

    app.patch(
      '/users/me/notification-settings',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Change some of the caller’s notification settings',
          description: 'A partial object: only the types and channels named change, e.g. `{"like": {"email": false}}`.',
          security: bearer,
          body: SettingsPatch,
          response: { 200: NotificationSettings, ...errors(400, 401) },
        },
        preValidation: async (req) => refuseNonBooleans(req.body),
      },
      async (req) => settings.update(requireUser(req).userId, req.body),
    )

    app.get(
      '/notifications/unsubscribe',
      {
        schema: {
          tags: ['notifications'],
          summary: 'The page an email’s unsubscribe link opens: asks to confirm, changes nothing',
          querystring: TokenQuery,
          response: { 200: HtmlPage, ...errors(400, 403) },
        },
      },
      async (req, reply) => {
        try {
          const grant = settings.grant(req.query.token)
          return sendHtml(reply, 200, confirmPage(publicUrl, req.query.token, grant.types))
        } catch (e) {
          if (e instanceof AppError && prefersHtml(req)) return sendHtml(reply, e.status, invalidPage(publicUrl, e.message))
          throw e
        }
      },
    )

    app.post(
      '/notifications/unsubscribe',
      {
        schema: {
          tags: ['notifications'],
          summary: 'One-click unsubscribe (RFC 8058): turns email off for the types the link names',
          description:
            'The body is `List-Unsubscribe=One-Click` (application/x-www-form-urlencoded or multipart/form-data). No sign-in: the signed token is the authorisation. Repeating it changes nothing more.',
          querystring: TokenQuery,
          response: {
            200: { ...HtmlPage, description: 'To a browser (the confirmation form).' },
            204: Type.Null(),
            ...errors(400, 403, 413, 415),
          },
        },
      },
      async (req, reply) => {
        const grant = settings.grant(req.query.token)
        if ((await oneClickValue(req)) !== 'One-Click') {
          throw badRequest('The body must be List-Unsubscribe=One-Click.', [{ field: 'List-Unsubscribe', message: 'must be One-Click' }])
        }
        await settings.unsubscribe(grant)
        if (prefersHtml(req)) return sendHtml(reply, 200, donePage(publicUrl, grant.types))
        return reply.code(204).send(null)
      },
    )
  }
}

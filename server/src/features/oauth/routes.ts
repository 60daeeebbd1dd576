import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { conflict, forbidden, unauthorized } from '../../http/errors.js'
import { bearer, errors, Timestamp } from '../../http/schemas.js'
import { type AuthService, clientInfo, randomToken, setRefreshCookie } from '../auth/index.js'
import type { UserCache } from '../users/index.js'
import { FLOW_TTL_SECONDS } from './flow-state.js'
import { OAuthFailure, type ProviderId } from './providers.js'
import { LINK_OTHER_BROWSER, OAuthService } from './service.js'

// Binds a flow to the browser that started it. Lax, because the callback arrives as a top-level
// navigation from the provider's site; scoped to the OAuth routes only.
const BINDING_COOKIE = 'oauth_binding'
const BINDING_PATH = '/api/hearth/v1/auth/oauth'

const ProviderParams = Type.Object({ provider: Type.Union([Type.Literal('google'), Type.Literal('github')]) })

// A path on the web app (never another origin: "//evil.example" and "/\evil" are refused).
const ReturnTo = Type.String({
  pattern: '^/(?![/\\\\])[^\\s]*$',
  maxLength: 500,
  description: 'A path on the web app to land on afterwards (default `/`).',
})

const Redirect = (description: string) => Type.Null({ description })

export function oauthRoutes(ctx: AppContext, { auth, users }: { auth: AuthService; users: UserCache }): FastifyPluginAsyncTypebox {
  const oauth = new OAuthService(ctx, auth, users)
  const { publicUrl } = ctx.config
  const limit = {
    rateLimit: {
      max: ctx.config.rateLimit.authMax,
      timeWindow: ctx.config.rateLimit.windowSeconds * 1000,
      keyGenerator: (r: FastifyRequest) => `oauth:${r.ip}`,
    },
  }
  // The browser's binding: the one it already holds, or a new one. Set on the link-intent response
  // too, so the intent can only be used by the browser that asked for it (not by a victim the
  // asker sends the URL to).
  const bindingOf = (req: FastifyRequest) => {
    const existing = req.cookies[BINDING_COOKIE]
    return existing && /^[\w-]{43}$/.test(existing) ? existing : randomToken(32)
  }
  const setBinding = (reply: FastifyReply, binding: string) =>
    reply.setCookie(BINDING_COOKIE, binding, {
      httpOnly: true,
      secure: publicUrl.startsWith('https://'),
      sameSite: 'lax',
      path: BINDING_PATH,
      maxAge: FLOW_TTL_SECONDS,
    })
  const toWebApp = (reply: FastifyReply, path: string) => reply.header('cache-control', 'no-store').redirect(`${publicUrl}${path}`, 302)
  const toLogin = (reply: FastifyReply, code: string) => toWebApp(reply, `/login?error=${encodeURIComponent(code)}`)

  return async (app) => {
    app.get(
      '/auth/providers',
      {
        schema: {
          tags: ['auth'],
          summary: 'The sign-in providers this server offers',
          response: { 200: Type.Object({ providers: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })) }) },
        },
      },
      async () => ({ providers: oauth.available() }),
    )

    app.get(
      '/auth/oauth/links',
      {
        schema: {
          tags: ['auth'],
          summary: 'The providers linked to the caller’s account',
          security: bearer,
          response: {
            200: Type.Object({ items: Type.Array(Type.Object({ provider: Type.String(), name: Type.String(), linkedAt: Timestamp })) }),
            ...errors(401),
          },
        },
      },
      async (req) => ({ items: await oauth.links(requireUser(req).userId) }),
    )

    app.delete(
      '/auth/oauth/links/:provider',
      {
        schema: {
          tags: ['auth'],
          summary: 'Unlink a provider',
          description: 'Refused with 409 `last_sign_in_method` when the account has no password and no other provider.',
          security: bearer,
          params: ProviderParams,
          response: { 204: Type.Null(), ...errors(400, 401, 404, 409) },
        },
      },
      async (req, reply) => {
        await oauth.unlink(requireUser(req).userId, req.params.provider)
        return reply.code(204).send(null)
      },
    )

    app.post(
      '/auth/oauth/:provider/link-intent',
      {
        config: limit,
        schema: {
          tags: ['auth'],
          summary: 'A one-time URL that links a provider to the caller’s account',
          description:
            'Browsers cannot send a bearer token on a navigation, so a signed-in web app asks for this URL and navigates to it. It works once, within `expiresIn` seconds, and only in the browser that asked for it (the `oauth_binding` cookie set on this response); elsewhere it answers 403 `oauth_link_other_browser` (an HTML page for browsers).',
          security: bearer,
          params: ProviderParams,
          response: { 201: Type.Object({ url: Type.String(), expiresIn: Type.Integer() }), ...errors(400, 401, 404, 429) },
        },
      },
      async (req, reply) => {
        const binding = bindingOf(req)
        const intent = await oauth.createLinkIntent(requireUser(req).userId, req.params.provider, binding)
        setBinding(reply, binding)
        return reply.code(201).send(intent)
      },
    )

    app.get(
      '/auth/oauth/:provider',
      {
        config: limit,
        schema: {
          tags: ['auth'],
          summary: 'Start signing in (or linking) with a provider: 302 to the provider',
          description:
            'Authorization code flow with state and PKCE (and a nonce for Google). To link instead of signing in, navigate to the URL from `POST /auth/oauth/{provider}/link-intent`, or send `?link=true` with a bearer token.',
          params: ProviderParams,
          querystring: Type.Object(
            {
              returnTo: Type.Optional(ReturnTo),
              intent: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
              link: Type.Optional(Type.Boolean({ description: 'Link to the bearer token’s account.' })),
            },
            { additionalProperties: false },
          ),
          response: { 302: Redirect('To the provider, or to the web app’s /login?error=<code>.'), ...errors(400, 401, 403, 404, 429) },
        },
      },
      async (req, reply) => {
        if (req.query.link && !req.auth) throw unauthorized('Linking needs a signed-in user; use the link-intent URL from a browser.')
        const binding = bindingOf(req)
        try {
          const url = await oauth.start(req.params.provider, {
            binding,
            returnTo: req.query.returnTo ?? '/',
            intent: req.query.intent,
            bearerUserId: req.query.link ? req.auth!.userId : undefined,
          })
          setBinding(reply, binding)
          return reply.header('cache-control', 'no-store').redirect(url.toString(), 302)
        } catch (e) {
          if (e instanceof OAuthFailure && e.code === LINK_OTHER_BROWSER) {
            // The person here may well be signed in, so /login would bounce them away unseen: say it here.
            if (prefersHtml(req)) return sendHtml(reply, 403, problemPage(publicUrl, e.message))
            throw forbidden(e.message, e.code)
          }
          if (e instanceof OAuthFailure) return toLogin(reply, e.code)
          throw e
        }
      },
    )

    app.get(
      '/auth/oauth/:provider/callback',
      {
        config: limit,
        schema: {
          tags: ['auth'],
          summary: 'The provider sends the browser back here',
          description:
            'Signs in (new session; the refresh token is set as the httpOnly `refresh_token` cookie and the browser lands on the web app, which calls `POST /auth/refresh`), creates the account, or links the provider. Failures land on `/login?error=<code>`; an identity already linked to another account answers 409.',
          params: ProviderParams,
          // Providers add parameters of their own (scope, authuser, iss, ...); all are passed on to openid-client.
          querystring: Type.Object(
            {
              code: Type.Optional(Type.String({ maxLength: 2000 })),
              state: Type.Optional(Type.String({ maxLength: 200 })),
              error: Type.Optional(Type.String({ maxLength: 200 })),
            },
            { additionalProperties: true },
          ),
          response: { 302: Redirect('To the web app, signed in or with `/login?error=<code>`.'), ...errors(400, 404, 409, 429) },
        },
      },
      async (req, reply) => {
        const provider: ProviderId = req.params.provider
        const callbackUrl = new URL(oauth.redirectUri(provider))
        const q = req.url.indexOf('?')
        callbackUrl.search = q >= 0 ? req.url.slice(q) : ''
        const outcome = await oauth.callback(
          provider,
          { callbackUrl, state: req.query.state, binding: req.cookies[BINDING_COOKIE] },
          clientInfo(req),
        )
        switch (outcome.kind) {
          case 'signed_in':
            setRefreshCookie(reply, ctx, outcome.auth.refreshToken)
            return toWebApp(reply, outcome.returnTo)
          case 'linked':
            return toWebApp(reply, `${outcome.returnTo}${outcome.returnTo.includes('?') ? '&' : '?'}linked=${provider}`)
          case 'failed':
            if (outcome.cancelToken) {
              const scheduled = outcome.deletionScheduledFor ? `&scheduledFor=${encodeURIComponent(outcome.deletionScheduledFor)}` : ''
              return toWebApp(reply, `/login?error=${outcome.code}&cancelToken=${encodeURIComponent(outcome.cancelToken)}${scheduled}`)
            }
            return toLogin(reply, outcome.code)
          case 'conflict':
            if (prefersHtml(req)) return sendHtml(reply, 409, problemPage(publicUrl, outcome.message))
            throw conflict(outcome.message, outcome.code)
        }
      },
    )
  }
}

/** A browser landing here from the provider asks for HTML; API clients get problem+json. */
function prefersHtml(req: FastifyRequest): boolean {
  const accept = req.headers.accept ?? ''
  return accept.includes('text/html')
}

// Untyped reply: the route's 409 schema describes the problem+json variant.
const sendHtml = (reply: FastifyReply, status: number, html: string) =>
  reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html)

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function problemPage(publicUrl: string, message: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Could not link the account</title>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem">
<h1>Could not link the account</h1><p>${escapeHtml(message)}</p><p>Nothing was changed.</p>
<p><a href="${escapeHtml(publicUrl)}/">Back to Hearth</a></p></body></html>`
}

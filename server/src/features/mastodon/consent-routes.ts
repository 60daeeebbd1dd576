// The native side of the OAuth consent: the web app's /authorize-app page (signed in through
// Hearth's own sign-in, so 2FA and every other sign-in rule apply) shows the app and its scopes
// from the first route and sends the person's answer to the second, which returns where the
// browser goes next. The browser leaves by navigation, not by a form post, so the CSP's
// form-action never has to name the app's redirect URI.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { AppContext } from '../../context.js'
import { requireUser } from '../../http/auth.js'
import { bearer, errors, Nullable } from '../../http/schemas.js'
import type { Services } from '../../services.js'
import { MastodonOAuth, OOB } from './oauth.js'

const Request = {
  clientId: Type.String({ minLength: 1, maxLength: 200 }),
  redirectUri: Type.String({ minLength: 1, maxLength: 2000 }),
  scope: Type.Optional(Type.String({ maxLength: 1000 })),
}

export function consentRoutes(ctx: AppContext, services: Services): FastifyPluginAsyncTypebox {
  const oauth = new MastodonOAuth(ctx, services)
  return async (app) => {
    app.get(
      '/apps/authorization',
      {
        schema: {
          tags: ['apps'],
          summary: 'What a third-party app asks for: its name and the scopes, for the consent page',
          security: bearer,
          querystring: Type.Object(Request, { additionalProperties: false }),
          response: {
            200: Type.Object({
              app: Type.Object({ name: Type.String(), website: Nullable(Type.String()) }),
              scopes: Type.Array(Type.String()),
              redirectUri: Type.String(),
              outOfBand: Type.Boolean({ description: 'The code is shown to copy into the app instead of a redirect.' }),
            }),
            ...errors(400, 401),
          },
        },
      },
      async (req) => {
        requireUser(req)
        const { app: row, scopes } = await oauth.describeRequest({
          client_id: req.query.clientId,
          redirect_uri: req.query.redirectUri,
          scope: req.query.scope,
        })
        return {
          app: { name: row.name, website: row.website },
          scopes,
          redirectUri: req.query.redirectUri,
          outOfBand: req.query.redirectUri === OOB,
        }
      },
    )

    app.post(
      '/apps/authorization',
      {
        schema: {
          tags: ['apps'],
          summary: 'Approve or deny a third-party app: returns the app’s redirect URL with the code (or the code, out of band)',
          security: bearer,
          body: Type.Object(
            {
              ...Request,
              state: Type.Optional(Type.String({ maxLength: 1000 })),
              codeChallenge: Type.Optional(Type.String({ maxLength: 128 })),
              codeChallengeMethod: Type.Optional(Type.String({ maxLength: 10 })),
              approve: Type.Boolean(),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({ redirectUrl: Nullable(Type.String()), code: Nullable(Type.String()) }),
            ...errors(400, 401),
          },
        },
      },
      async (req) => {
        const me = requireUser(req)
        const b = req.body
        return oauth.approve(me.userId, {
          client_id: b.clientId,
          redirect_uri: b.redirectUri,
          scope: b.scope,
          state: b.state,
          code_challenge: b.codeChallenge,
          code_challenge_method: b.codeChallengeMethod,
          approve: b.approve,
        })
      },
    )
  }
}

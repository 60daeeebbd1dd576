// A real OpenID Connect provider (oidc-provider) standing in for Google in tests: discovery,
// code + PKCE, RS256-signed ID tokens with nonce, and the RFC 9207 `iss` response parameter.
// The login step is automatic: whoever the test put in `nextLogin` signs in.
import { exportJWK, generateKeyPair } from 'jose'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

export interface GoogleIdentity {
  sub: string
  email?: string
  email_verified?: boolean
  name?: string
  picture?: string
}

export interface TestGoogle {
  issuer: string
  clientId: string
  clientSecret: string
  identities: Map<string, GoogleIdentity>
  /** the `sub` the next login interaction signs in as */
  nextLogin: string
  close(): Promise<void>
}

export async function startTestGoogle(redirectUris: string[]): Promise<TestGoogle> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const { privateKey } = await generateKeyPair('RS256', { extractable: true })
  const identities = new Map<string, GoogleIdentity>()

  const idp: TestGoogle = {
    issuer,
    clientId: 'hearth-test-client',
    clientSecret: 'hearth-test-secret-0123456789',
    identities,
    nextLogin: '',
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: idp.clientId,
        client_secret: idp.clientSecret,
        redirect_uris: redirectUris,
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'picture'] },
    conformIdTokenClaims: false, // like Google: email and profile claims inside the ID token
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    async findAccount(_ctx: unknown, sub: string) {
      const identity = identities.get(sub)
      if (!identity) return undefined
      return { accountId: sub, claims: async () => ({ ...identity }) }
    },
    // First-party test client: consent is implied.
    async loadExistingGrant(ctx: { oidc: { client: { clientId: string }; session: { accountId: string } } }) {
      const grant = new provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId })
      grant.addOIDCScope('openid email profile')
      await grant.save()
      return grant
    },
  })
  const handle = provider.callback()
  server.on('request', (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      provider.interactionFinished(req, res, { login: { accountId: idp.nextLogin } }).catch((err: unknown) => {
        res.statusCode = 500
        res.end(String(err))
      })
      return
    }
    handle(req, res)
  })
  return idp
}

// The two sign-in providers behind one shape: build the authorization URL, then turn the
// callback into a verified profile. All protocol work (PKCE, state, ID token signature, issuer,
// audience, nonce and expiry checks) is openid-client's; this file only knows each provider's
// endpoints and how its profile reads.
import * as oidc from 'openid-client'
import type { Config } from '../../config.js'

export type ProviderId = 'google' | 'github'
export const PROVIDER_NAMES: Record<ProviderId, string> = { google: 'Google', github: 'GitHub' }

/** What a provider asserts about the person, after every protocol check passed. */
export interface ProviderProfile {
  provider: ProviderId
  providerUserId: string
  /** lower-cased; undefined when the provider shares none */
  email: string | undefined
  /** the provider vouches that the person controls `email` */
  emailVerified: boolean
  /** a handle to derive a username from (GitHub login, or the email's local part) */
  login: string | undefined
  name: string | undefined
  avatarUrl: string | undefined
}

/** The per-flow secrets kept server-side between the redirect and the callback. */
export interface FlowSecrets {
  state: string
  codeVerifier: string
  nonce: string | undefined
}

/** A refusal the callback can name to the web app (`/login?error=<code>`). */
export class OAuthFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export interface OAuthProvider {
  readonly id: ProviderId
  authorizationUrl(redirectUri: string, secrets: FlowSecrets): Promise<URL>
  /** `callbackUrl` is the full URL the browser arrived at (redirect URI + query). */
  complete(callbackUrl: URL, secrets: FlowSecrets): Promise<ProviderProfile>
}

const TIMEOUT_SECONDS = 10

// Plain http is only ever a local test provider; real Google and GitHub are https.
const allowHttpFor = (url: string) => (new URL(url).protocol === 'http:' ? [oidc.allowInsecureRequests] : [])

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined)

/** Maps openid-client's errors to what the callback tells the user. */
function failure(e: unknown): OAuthFailure {
  if (e instanceof OAuthFailure) return e
  if (e instanceof oidc.AuthorizationResponseError) {
    return e.error === 'access_denied'
      ? new OAuthFailure('oauth_denied', 'Sign-in was cancelled at the provider.', { cause: e })
      : new OAuthFailure('oauth_provider_error', `The provider answered with an error (${e.error}).`, { cause: e })
  }
  return new OAuthFailure('oauth_failed', 'The sign-in could not be completed with the provider.', { cause: e })
}

export function createGoogle(conf: NonNullable<Config['oauth']['google']>): OAuthProvider {
  // Discovered once, lazily (the server starts even when the issuer is unreachable); a failed
  // discovery is retried on the next sign-in.
  let discovered: Promise<oidc.Configuration> | undefined
  const configuration = () => {
    discovered ??= oidc
      .discovery(new URL(conf.issuer), conf.clientId, conf.clientSecret, undefined, {
        execute: allowHttpFor(conf.issuer),
        timeout: TIMEOUT_SECONDS,
      })
      .catch((e: unknown) => {
        discovered = undefined
        throw new OAuthFailure('oauth_unavailable', 'The provider could not be reached.', { cause: e })
      })
    return discovered
  }

  return {
    id: 'google',
    async authorizationUrl(redirectUri, s) {
      return oidc.buildAuthorizationUrl(await configuration(), {
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        state: s.state,
        nonce: s.nonce!,
        code_challenge: await oidc.calculatePKCECodeChallenge(s.codeVerifier),
        code_challenge_method: 'S256',
      })
    },
    async complete(callbackUrl, s) {
      try {
        const config = await configuration()
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: s.codeVerifier,
          expectedState: s.state,
          expectedNonce: s.nonce,
          idTokenExpected: true,
        })
        let claims: Record<string, unknown> = { ...tokens.claims()! }
        // Google puts the email in the ID token; other OpenID providers may only serve it from userinfo.
        if (claims.email === undefined && config.serverMetadata().userinfo_endpoint) {
          claims = { ...claims, ...(await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub))) }
        }
        const email = str(claims.email)?.toLowerCase()
        return {
          provider: 'google',
          providerUserId: String(claims.sub),
          email,
          emailVerified: email !== undefined && claims.email_verified === true,
          login: email?.split('@')[0],
          name: str(claims.name) ?? str(claims.given_name),
          avatarUrl: str(claims.picture),
        }
      } catch (e) {
        throw failure(e)
      }
    },
  }
}

export function createGithub(conf: NonNullable<Config['oauth']['github']>): OAuthProvider {
  // GitHub is plain OAuth 2 (no discovery, no ID token): its endpoints are fixed paths under
  // GITHUB_AUTH_URL, and the person is read from the REST API with the access token.
  const config = new oidc.Configuration(
    {
      issuer: conf.authUrl,
      authorization_endpoint: `${conf.authUrl}/login/oauth/authorize`,
      token_endpoint: `${conf.authUrl}/login/oauth/access_token`,
    },
    conf.clientId,
    conf.clientSecret,
  )
  for (const f of allowHttpFor(conf.authUrl)) f(config)
  config.timeout = TIMEOUT_SECONDS

  const api = async (accessToken: string, path: string): Promise<unknown> => {
    const res = await oidc.fetchProtectedResource(
      config,
      accessToken,
      new URL(`${conf.apiUrl}${path}`),
      'GET',
      undefined,
      new Headers({ accept: 'application/vnd.github+json', 'user-agent': 'Hearth', 'x-github-api-version': '2022-11-28' }),
    )
    if (!res.ok) throw new OAuthFailure('oauth_failed', `GitHub answered ${res.status} for ${path}.`)
    return res.json()
  }

  return {
    id: 'github',
    async authorizationUrl(redirectUri, s) {
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'read:user user:email',
        state: s.state,
        code_challenge: await oidc.calculatePKCECodeChallenge(s.codeVerifier),
        code_challenge_method: 'S256',
      })
    },
    async complete(callbackUrl, s) {
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: s.codeVerifier,
          expectedState: s.state,
        })
        const user = (await api(tokens.access_token, '/user')) as Record<string, unknown>
        const emails = await api(tokens.access_token, '/user/emails')
        if (typeof user.id !== 'number' && typeof user.id !== 'string')
          throw new OAuthFailure('oauth_failed', 'GitHub returned no user id.')
        // Only the primary address, and only once GitHub has verified it, says who the person is.
        const primary = Array.isArray(emails)
          ? (emails as Record<string, unknown>[]).find((e) => e.primary === true && e.verified === true && str(e.email))
          : undefined
        return {
          provider: 'github',
          providerUserId: String(user.id),
          email: primary ? str(primary.email)!.toLowerCase() : undefined,
          emailVerified: primary !== undefined,
          login: str(user.login),
          name: str(user.name),
          avatarUrl: str(user.avatar_url),
        }
      } catch (e) {
        throw failure(e)
      }
    },
  }
}

/** The providers with credentials configured; the others are simply not offered. */
export function configuredProviders(config: Config): Map<ProviderId, OAuthProvider> {
  const map = new Map<ProviderId, OAuthProvider>()
  if (config.oauth.google) map.set('google', createGoogle(config.oauth.google))
  if (config.oauth.github) map.set('github', createGithub(config.oauth.github))
  return map
}

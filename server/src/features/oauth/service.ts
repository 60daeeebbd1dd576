// Sign-in, sign-up and linking through Google and GitHub. The linking rules (README, "Sign-in
// with Google/GitHub and account linking") live in `resolve`; everything protocol-shaped is in
// providers.ts and flow-state.ts.
import * as oidc from 'openid-client'
import type { AppContext } from '../../context.js'
import { conflict, notFound } from '../../http/errors.js'
import { subsystemLogger } from '../../logger.js'
import { isUniqueViolation } from '../../platform/db/errors.js'
import { inTransaction } from '../../platform/db/transaction.js'
import type { Tx } from '../../platform/db/types.js'
import {
  type AuthResult,
  type AuthService,
  type ClientInfo,
  pendingDeletionRefusal,
  randomToken,
  revokeSessions,
  sameHash,
  sha256,
} from '../auth/index.js'
import { insertUser, lockUser, updateUser, type UserCache, type UserRow } from '../users/index.js'
import { FlowStore, LINK_INTENT_TTL_SECONDS } from './flow-state.js'
import {
  configuredProviders,
  OAuthFailure,
  PROVIDER_NAMES,
  type OAuthProvider,
  type ProviderId,
  type ProviderProfile,
} from './providers.js'
import * as q from './queries.js'
import { usernameBase, usernameCandidates } from './usernames.js'

export type CallbackOutcome =
  | { kind: 'signed_in'; auth: AuthResult; returnTo: string }
  | { kind: 'linked'; provider: ProviderId; returnTo: string }
  | { kind: 'failed'; code: string; message: string; cancelToken?: string; deletionScheduledFor?: string }
  /** the identity already belongs to another account: a 409, and nothing changed */
  | { kind: 'conflict'; code: string; message: string }

type Resolution =
  | { kind: 'sign_in'; user: UserRow; revokedTokens: string[] }
  | { kind: 'linked' }
  | { kind: 'failed' | 'conflict'; code: string; message: string }

const RESOLVE_ATTEMPTS = 3

/** A link intent opened in a browser other than the one that created it. */
export const LINK_OTHER_BROWSER = 'oauth_link_other_browser'

export class OAuthService {
  private readonly providers: Map<ProviderId, OAuthProvider>
  private readonly flows: FlowStore
  private readonly log

  constructor(
    private readonly ctx: AppContext,
    private readonly auth: AuthService,
    private readonly users: UserCache,
  ) {
    this.providers = configuredProviders(ctx.config)
    this.flows = new FlowStore(ctx.cache)
    this.log = subsystemLogger(ctx.logger, 'auth')
  }

  private get db() {
    return this.ctx.database.db
  }

  available() {
    return [...this.providers.keys()].map((id) => ({ id, name: PROVIDER_NAMES[id] }))
  }

  private provider(id: ProviderId): OAuthProvider {
    const p = this.providers.get(id)
    if (!p) throw notFound(`Sign-in provider "${id}"`)
    return p
  }

  redirectUri(id: ProviderId): string {
    return `${this.ctx.config.publicUrl}/api/hearth/v1/auth/oauth/${id}/callback`
  }

  /**
   * The one-time URL a signed-in browser navigates to in order to link `provider`. It works only in
   * the browser holding `binding` (the flow cookie set on this response): someone who sends their
   * own intent's URL to another person must not get that person's identity linked to their account.
   */
  async createLinkIntent(userId: number, id: ProviderId, binding: string) {
    this.provider(id)
    const token = await this.flows.createLinkIntent({ userId, provider: id, bindingHash: sha256(binding) })
    return { url: `${this.ctx.config.publicUrl}/api/hearth/v1/auth/oauth/${id}?intent=${token}`, expiresIn: LINK_INTENT_TTL_SECONDS }
  }

  /**
   * Starts a flow and returns where to send the browser. `binding` is the browser's flow cookie;
   * the linking user comes from a link intent (browsers) or the bearer token (other clients).
   */
  async start(id: ProviderId, input: { binding: string; returnTo: string; intent?: string; bearerUserId?: number }): Promise<URL> {
    const provider = this.provider(id)
    let linkUserId = input.bearerUserId
    if (input.intent !== undefined) {
      const intent = await this.flows.takeLinkIntent(input.intent, id)
      if (!intent) throw new OAuthFailure('oauth_link_expired', 'This link request is used or expired; start again from the settings.')
      if (!sameHash(intent.bindingHash, sha256(input.binding))) {
        this.log.warn({ provider: id, userId: intent.userId }, 'link intent used in another browser than the one that asked for it')
        throw new OAuthFailure(
          LINK_OTHER_BROWSER,
          'This link to connect an account was made in another browser, so nothing was linked. If you did not ask for it yourself, someone may have sent it to you: ignore it. To link an account of yours, use Settings in Hearth.',
        )
      }
      linkUserId = intent.userId
    }
    const secrets = {
      state: oidc.randomState(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
      nonce: id === 'google' ? oidc.randomNonce() : undefined,
    }
    const url = await provider.authorizationUrl(this.redirectUri(id), secrets)
    await this.flows.save({ provider: id, ...secrets, linkUserId, returnTo: input.returnTo, bindingHash: sha256(input.binding) })
    return url
  }

  async callback(
    id: ProviderId,
    input: { callbackUrl: URL; state: string | undefined; binding: string | undefined },
    client: ClientInfo,
  ): Promise<CallbackOutcome> {
    const provider = this.provider(id)
    const flow = input.state ? await this.flows.take(input.state, input.binding) : undefined
    if (!flow || flow.provider !== id) {
      return {
        kind: 'failed',
        code: 'oauth_state_invalid',
        message: 'This sign-in attempt is unknown, expired or already used; start again.',
      }
    }

    let profile: ProviderProfile
    try {
      profile = await provider.complete(input.callbackUrl, flow)
    } catch (e) {
      const f = e instanceof OAuthFailure ? e : new OAuthFailure('oauth_failed', 'The sign-in could not be completed.', { cause: e })
      // The reason only: provider errors can carry claims (emails) that have no place in logs.
      const reason = f.cause instanceof Error ? `${f.cause.name}: ${f.cause.message}` : f.message
      this.log.warn({ provider: id, code: f.code, reason }, 'oauth callback refused')
      return { kind: 'failed', code: f.code, message: f.message }
    }

    const r = await this.resolveWithRetry(profile, flow.linkUserId)
    switch (r.kind) {
      case 'linked':
        this.log.info({ provider: id, userId: flow.linkUserId }, 'provider linked')
        return { kind: 'linked', provider: id, returnTo: flow.returnTo }
      case 'sign_in': {
        // an account being deleted: the sign-in is refused, with the token that cancels the deletion
        const refusal = await pendingDeletionRefusal(this.ctx.cache, r.user)
        if (refusal) {
          const m = refusal.extra.members as { cancelToken?: string; deletionScheduledFor?: string } | undefined
          return { kind: 'failed', code: refusal.code, message: refusal.message, ...m }
        }
        await this.auth.endSessions(r.revokedTokens)
        return { kind: 'signed_in', auth: await this.auth.startSession(r.user, client), returnTo: flow.returnTo }
      }
      default:
        this.log.info({ provider: id, code: r.code }, 'oauth sign-in refused')
        return r
    }
  }

  /**
   * Two first sign-ins of the same new identity race to create the account: the loser hits a
   * unique index (provider identity, email or username), rolls back, and on the next pass finds
   * the winner's link and signs in to that account.
   */
  private async resolveWithRetry(profile: ProviderProfile, linkUserId: number | undefined): Promise<Resolution> {
    for (let attempt = 1; ; attempt++) {
      try {
        const resolution = await inTransaction(this.db, (tx) => this.resolve(tx, profile, linkUserId))
        // A link may prove the email, a takeover clears the password: the cached row is stale.
        const touched = resolution.kind === 'sign_in' ? resolution.user.id : linkUserId
        if (touched !== undefined) await this.users.invalidate(touched)
        return resolution
      } catch (e) {
        if (isUniqueViolation(e) === null || attempt >= RESOLVE_ATTEMPTS) throw e
      }
    }
  }

  private async resolve(tx: Tx, p: ProviderProfile, linkUserId: number | undefined): Promise<Resolution> {
    const existing = await q.findLink(tx, p.provider, p.providerUserId)

    // 2. A signed-in user asked to link this identity.
    if (linkUserId !== undefined) {
      if (existing) {
        return existing.userId === linkUserId
          ? { kind: 'linked' }
          : {
              kind: 'conflict',
              code: 'oauth_identity_taken',
              message: `This ${PROVIDER_NAMES[p.provider]} account is already linked to another Hearth account.`,
            }
      }
      const user = await lockUser(tx, { id: linkUserId })
      if (!user || user.isBlocked) return { kind: 'failed', code: 'account_blocked', message: 'This account is blocked.' }
      const current = (await q.linksOfUser(tx, user.id)).find((l) => l.provider === p.provider)
      if (current?.providerUserId === p.providerUserId) return { kind: 'linked' } // a concurrent twin linked it first
      if (current) {
        return {
          kind: 'conflict',
          code: 'oauth_provider_already_linked',
          message: `Another ${PROVIDER_NAMES[p.provider]} account is already linked; unlink it first.`,
        }
      }
      await q.insertLink(tx, { userId: user.id, provider: p.provider, providerUserId: p.providerUserId })
      // The signed-in holder just showed they control this address too.
      if (p.emailVerified && p.email === user.email && !user.emailVerifiedAt) await updateUser(tx, user.id, { emailVerifiedAt: new Date() })
      return { kind: 'linked' }
    }

    // 1. A known identity signs in to its account.
    if (existing) {
      const user = await q.findUser(tx, existing.userId)
      // an account being deleted is hidden like a blocked one, but its sign-in offers the cancel (callback)
      if (!user || (user.isBlocked && !user.deletionRequestedAt))
        return { kind: 'failed', code: 'account_blocked', message: 'This account is blocked.' }
      return { kind: 'sign_in', user, revokedTokens: [] }
    }

    // Below, the provider's email decides; an address it has not verified proves nothing.
    if (!p.email || !p.emailVerified) {
      return {
        kind: 'failed',
        code: 'oauth_email_unverified',
        message: `Your ${PROVIDER_NAMES[p.provider]} account has no verified email address to sign in with.`,
      }
    }

    // 3. The verified email belongs to an existing account: link to it and sign in.
    const owner = await lockUser(tx, { email: p.email })
    if (owner) {
      if (owner.deletionRequestedAt) return { kind: 'sign_in', user: owner, revokedTokens: [] } // refused in callback, nothing linked
      if (owner.isBlocked) return { kind: 'failed', code: 'account_blocked', message: 'This account is blocked.' }
      let revokedTokens: string[] = []
      if (!owner.emailVerifiedAt) {
        // Pre-account takeover guard: whoever registered this address never proved it, so the
        // provider's verified owner takes the account over alone. Every credential the earlier
        // holder set up goes: sessions, password, and identities they linked.
        revokedTokens = await revokeSessions(tx, { userId: owner.id }, 'email_owner_took_over')
        await q.deleteLinks(tx, { userId: owner.id })
        await updateUser(tx, owner.id, { passwordHash: null, emailVerifiedAt: new Date() })
        this.log.warn({ userId: owner.id, provider: p.provider }, 'unproven account taken over by the verified email owner')
      } else {
        const current = (await q.linksOfUser(tx, owner.id)).find((l) => l.provider === p.provider)
        // A concurrent first sign-in of this same identity may have linked it a moment ago.
        if (current?.providerUserId === p.providerUserId) return { kind: 'sign_in', user: owner, revokedTokens }
        if (current) {
          return {
            kind: 'failed',
            code: 'oauth_provider_already_linked',
            message: `The account with this email is linked to a different ${PROVIDER_NAMES[p.provider]} account.`,
          }
        }
      }
      await q.insertLink(tx, { userId: owner.id, provider: p.provider, providerUserId: p.providerUserId })
      return { kind: 'sign_in', user: (await q.findUser(tx, owner.id))!, revokedTokens }
    }

    // 4. Someone new: an account without a password, its email proven by the provider.
    const candidates = usernameCandidates(usernameBase(p))
    const taken = await q.takenUsernames(tx, candidates)
    const username = candidates.find((c) => !taken.has(c.toLowerCase())) ?? `user_${randomToken(6).replace(/[^A-Za-z0-9]/g, '')}`
    const user = await insertUser(tx, {
      email: p.email,
      username,
      passwordHash: null,
      displayName: p.name?.slice(0, 100) ?? null,
      avatarUrl: p.avatarUrl && p.avatarUrl.length <= 500 ? p.avatarUrl : null,
      emailVerifiedAt: new Date(),
    })
    await q.insertLink(tx, { userId: user.id, provider: p.provider, providerUserId: p.providerUserId })
    this.log.info({ userId: user.id, provider: p.provider }, 'account created through a provider')
    return { kind: 'sign_in', user, revokedTokens: [] }
  }

  async links(userId: number) {
    const rows = await q.linksOfUser(this.db, userId)
    return rows.map((l) => ({ provider: l.provider, name: PROVIDER_NAMES[l.provider], linkedAt: l.createdAt.toISOString() }))
  }

  /** Refused when it would leave the account with no way to sign in. */
  async unlink(userId: number, provider: ProviderId): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      const user = await lockUser(tx, { id: userId })
      const links = user ? await q.linksOfUser(tx, userId) : []
      if (!links.some((l) => l.provider === provider)) throw notFound(`Linked ${PROVIDER_NAMES[provider]} account`)
      if (!user!.passwordHash && links.every((l) => l.provider === provider)) {
        throw conflict(
          `${PROVIDER_NAMES[provider]} is your only way to sign in. Set a password (through "forgot password") or link another provider first.`,
          'last_sign_in_method',
        )
      }
      await q.deleteLinks(tx, { userId, provider })
    })
  }
}

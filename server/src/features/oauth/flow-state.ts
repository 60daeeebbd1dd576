// Server-side state of a sign-in in progress, in the shared cache so any instance can finish
// what another started. Everything here is single-use and short-lived.
import type { Cache } from '../../platform/cache/types.js'
import { randomToken, sameHash, sha256 } from '../auth/index.js'
import type { ProviderId } from './providers.js'

/** How long a person may spend at the provider before the flow is forgotten. */
export const FLOW_TTL_SECONDS = 600
/** How long the one-time URL returned by a link intent stays usable. */
export const LINK_INTENT_TTL_SECONDS = 300

export interface Flow {
  provider: ProviderId
  state: string
  codeVerifier: string
  nonce: string | undefined
  /** set when a signed-in user started the flow to link this provider to their account */
  linkUserId: number | undefined
  /** where the web app wants to land afterwards (a path on PUBLIC_URL) */
  returnTo: string
  /** sha256 of the browser-binding cookie, so a callback only completes in the browser that started it */
  bindingHash: string
}

interface LinkIntent {
  userId: number
  provider: ProviderId
  /** sha256 of the binding cookie of the browser that asked for the intent */
  bindingHash: string
}

export class FlowStore {
  constructor(private readonly cache: Cache) {}

  async save(flow: Flow): Promise<void> {
    await this.cache.set(`oauth:flow:${sha256(flow.state)}`, JSON.stringify(flow), FLOW_TTL_SECONDS)
  }

  /**
   * Returns the flow once: only to the browser holding its binding cookie, and only to the first
   * caller. A second callback with the same state (a replay, a double click) gets nothing.
   */
  async take(state: string, binding: string | undefined): Promise<Flow | undefined> {
    const key = sha256(state)
    const raw = await this.cache.get(`oauth:flow:${key}`)
    if (!raw || !binding) return undefined
    const flow = JSON.parse(raw) as Flow
    if (!sameHash(flow.bindingHash, sha256(binding))) return undefined
    const { count } = await this.cache.hit(`oauth:flow-used:${key}`, FLOW_TTL_SECONDS)
    if (count !== 1) return undefined
    await this.cache.del(`oauth:flow:${key}`)
    return flow
  }

  /** A one-time token naming the signed-in user who asked to link `provider`. */
  async createLinkIntent(intent: LinkIntent): Promise<string> {
    const token = randomToken(32)
    await this.cache.set(`oauth:intent:${sha256(token)}`, JSON.stringify(intent), LINK_INTENT_TTL_SECONDS)
    return token
  }

  async takeLinkIntent(token: string, provider: ProviderId): Promise<LinkIntent | undefined> {
    const key = sha256(token)
    const raw = await this.cache.get(`oauth:intent:${key}`)
    if (!raw) return undefined
    const { count } = await this.cache.hit(`oauth:intent-used:${key}`, LINK_INTENT_TTL_SECONDS)
    if (count !== 1) return undefined
    await this.cache.del(`oauth:intent:${key}`)
    const intent = JSON.parse(raw) as LinkIntent
    return intent.provider === provider ? intent : undefined
  }
}

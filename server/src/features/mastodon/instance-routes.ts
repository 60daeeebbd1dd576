// Discovery: what apps read first to learn what this server is and what it allows (Instance v1
// and v2, NodeInfo 2.0/2.1), plus the empty lists Mastodon gives where Hearth has no such thing.
import { readFileSync } from 'node:fs'
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { count, eq } from 'drizzle-orm'
import type { AppContext } from '../../context.js'
import { posts, users } from '../../db/schema.js'
import { ACCEPTED_IMAGE_TYPES } from '../media/index.js'
import { MAX_ALT_CHARS, MAX_POST_CHARS } from '../posts/index.js'
import { tag } from './schemas.js'

/** Hearth's version, from package.json. */
export const HEARTH_VERSION: string = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version
  } catch {
    return '0.0.0'
  }
})()

/** Apps enable features by the Mastodon version they see; Hearth's own follows in parentheses. */
export const MASTODON_VERSION = `4.3.0 (compatible; Hearth ${HEARTH_VERSION})`

const STATS_TTL_MS = 60_000

export function instanceRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  const base = ctx.config.publicUrl
  const domain = new URL(base).host
  const title = 'Hearth'
  const description = 'A self-hosted Hearth social network.'
  const media = ctx.config.media
  const configuration = {
    statuses: { max_characters: MAX_POST_CHARS, max_media_attachments: media.maxImagesPerPost, characters_reserved_per_url: 23 },
    media_attachments: {
      supported_mime_types: [...ACCEPTED_IMAGE_TYPES],
      image_size_limit: media.maxImageBytes,
      image_matrix_limit: 48_000_000,
      video_size_limit: 0,
      video_frame_rate_limit: 0,
      video_matrix_limit: 0,
      description_limit: MAX_ALT_CHARS,
    },
    polls: { max_options: 0, max_characters_per_option: 0, min_expiration: 0, max_expiration: 0 },
    accounts: { max_featured_tags: 0, max_pinned_statuses: 0 },
  }

  let stats: { at: number; users: number; statuses: number } | undefined
  async function counts() {
    if (stats && Date.now() - stats.at < STATS_TTL_MS) return stats
    const db = ctx.database.db
    const [u] = await db.select({ n: count() }).from(users).where(eq(users.isBlocked, false))
    const [p] = await db.select({ n: count() }).from(posts).where(eq(posts.isDeleted, false))
    stats = { at: Date.now(), users: Number(u?.n ?? 0), statuses: Number(p?.n ?? 0) }
    return stats
  }

  const schema = (summary: string) => ({ schema: { tags: tag('instance'), summary } })
  return async (app) => {
    app.get('/api/v2/instance', schema('The server (Mastodon Instance v2)'), async () => {
      const s = await counts()
      return {
        domain,
        title,
        version: MASTODON_VERSION,
        // Hearth publishes no repository address yet: the server's own documentation stands in.
        source_url: `${base}/docs`,
        description,
        usage: { users: { active_month: s.users } },
        thumbnail: { url: `${base}/favicon.svg` },
        icon: [],
        languages: ['en'],
        configuration: {
          urls: { streaming: base.replace(/^http/, 'ws'), status: null },
          vapid: { public_key: '' },
          ...configuration,
          translation: { enabled: false },
        },
        registrations: { enabled: true, approval_required: false, message: null, url: null },
        api_versions: { mastodon: 2 },
        contact: { email: '', account: null },
        rules: [],
      }
    })

    app.get('/api/v1/instance', schema('The server (Mastodon Instance v1, deprecated but still read by apps)'), async () => {
      const s = await counts()
      return {
        uri: domain,
        title,
        short_description: description,
        description,
        email: '',
        version: MASTODON_VERSION,
        urls: { streaming_api: base.replace(/^http/, 'ws') },
        stats: { user_count: s.users, status_count: s.statuses, domain_count: 0 },
        thumbnail: `${base}/favicon.svg`,
        languages: ['en'],
        registrations: true,
        approval_required: false,
        invites_enabled: false,
        configuration,
        contact_account: null,
        rules: [],
      }
    })

    app.get('/api/v1/instance/rules', schema('Server rules: none are set'), async () => [])
    app.get('/api/v1/instance/peers', schema('Federated peers: none (Hearth does not federate yet)'), async () => [])
    app.get('/api/v1/instance/activity', schema('Weekly activity: not kept'), async () => [])
    app.get('/api/v1/custom_emojis', schema('Custom emoji: Hearth has none'), async () => [])

    app.get('/.well-known/nodeinfo', schema('NodeInfo discovery'), async () => ({
      links: [
        { rel: 'http://nodeinfo.diaspora.software/ns/schema/2.0', href: `${base}/nodeinfo/2.0` },
        { rel: 'http://nodeinfo.diaspora.software/ns/schema/2.1', href: `${base}/nodeinfo/2.1` },
      ],
    }))

    const nodeinfo = async (version: '2.0' | '2.1') => {
      const s = await counts()
      return {
        version,
        software: {
          name: 'hearth',
          version: HEARTH_VERSION,
        },
        protocols: [],
        services: { outbound: [], inbound: [] },
        usage: { users: { total: s.users, activeMonth: s.users, activeHalfyear: s.users }, localPosts: s.statuses },
        openRegistrations: true,
        metadata: { nodeName: title },
      }
    }
    app.get(
      '/nodeinfo/:version',
      {
        schema: { tags: tag('instance'), summary: 'NodeInfo 2.0 / 2.1', params: Type.Object({ version: Type.String({ maxLength: 10 }) }) },
      },
      async (req, reply) => {
        const v = req.params.version
        if (v !== '2.0' && v !== '2.1') return reply.code(404).send({ error: 'Record not found' })
        reply.type(`application/json; profile="http://nodeinfo.diaspora.software/ns/schema/${v}#"`)
        return nodeinfo(v)
      },
    )
  }
}

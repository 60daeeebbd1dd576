// The composition root: every service is built here, once, from the outside world (context.ts).
// main.ts, the demo and the test harness call composeServices; buildApp receives what it returns.
import type { AppContext } from './context.js'
import { AuthService, SessionCache, TokenService } from './features/auth/index.js'
import { type Media, MediaService } from './features/media/index.js'
import { StreamHub } from './features/stream/index.js'
import { UserCache } from './features/users/index.js'
import { subsystemLogger } from './logger.js'
import { MailOutbox, type MailOutboxOptions } from './platform/mail/index.js'

export interface Services {
  /** account emails go through it: durable, sent at once, retried while the mail server fails */
  mailOutbox: MailOutbox
  tokens: TokenService
  sessions: SessionCache
  /** the signed-in user's own row, cached; every writer of `users` invalidates it */
  users: UserCache
  auth: AuthService
  /** this instance's realtime connections; buildApp starts it and closes it with the WebSocket server */
  streamHub: StreamHub
  /** the photo pipeline and uploads (features/media), on the context's storage */
  media: Media
  close(): Promise<void>
}

export interface ServiceOptions {
  /** retry timing of the mail outbox (tests shorten it) */
  mailOutbox?: Partial<MailOutboxOptions>
}

export function composeServices(ctx: AppContext, options: ServiceOptions = {}): Services {
  const { config, database, cache, logger } = ctx
  // With a shared cache each instance keeps a local copy for at most this long, which bounds
  // how late a change made on another instance is seen. Embedded: the cache is local.
  const localTtlMs = ctx.redis ? 500 : 0
  const mailOutbox = new MailOutbox({ database, mailer: ctx.mailer, logger }, options.mailOutbox)
  const tokens = new TokenService(config.jwtSecret, config.accessTokenTtlSeconds, config.publicUrl)
  const sessions = new SessionCache(database.db, cache, {
    localTtlMs,
    markerTtlSeconds: config.accessTokenTtlSeconds + 60,
    logger: subsystemLogger(logger, 'auth'),
  })
  const users = new UserCache(database.db, cache, localTtlMs)
  const auth = new AuthService(ctx, { tokens, sessions, users, mailOutbox })
  const streamHub = new StreamHub(ctx, sessions, subsystemLogger(logger, 'stream'))
  const media = new MediaService(ctx.storage, config.media, subsystemLogger(logger, 'storage'))

  return {
    mailOutbox,
    tokens,
    sessions,
    users,
    auth,
    streamHub,
    media,
    async close() {
      await mailOutbox.stop()
      sessions.close()
    },
  }
}

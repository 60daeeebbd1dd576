// Holds this instance's realtime connections. Events reach it from the bus (published by whichever
// instance committed them); a connecting client first gets what it missed from the database.
import type { WebSocket } from 'ws'
import type { AppContext } from '../../context.js'
import type { Logger } from '../../logger.js'
import type { SessionCache } from '../auth/index.js'
import { REVOKED_CHANNEL, userChannel, type BusMessage, type EphemeralEvent, type StreamEvent } from './events.js'
import { eventExists, eventsAfter, lastEventId, recentEventsBefore } from './queries.js'

export interface HubOptions {
  /** ping every this often; a connection that has not answered the previous ping is dropped */
  heartbeatMs: number
  /**
   * Re-check every open stream's session this often. Ended sessions are announced on the bus and
   * close their streams at once; this only covers an announcement the bus lost (it is at most once).
   */
  revalidateMs: number
  /** a client whose unsent backlog exceeds this is dropped rather than buffered without bound */
  maxBufferedBytes: number
  /** catch-up reads the database in pages of this many events */
  catchUpPage: number
  /**
   * A resuming client also gets again the events written this long before its `since` event: one
   * of them may have committed or been published after it (see recentEventsBefore). Clients
   * drop ids they already have.
   */
  lateWindowSeconds: number
}

export const defaultHubOptions: HubOptions = {
  heartbeatMs: 30_000,
  revalidateMs: 2000,
  maxBufferedBytes: 1024 * 1024,
  catchUpPage: 500,
  lateWindowSeconds: 10,
}

/** Re-validation is spread over this many ticks per interval, so it never arrives as one burst. */
const REVALIDATE_SLICES = 10

/** How long a connection remembers what its catch-up sent (see Connection.caughtUp). */
const CAUGHT_UP_MEMORY_MS = 10_000

/** WebSocket close codes sent to clients (4000-4999 are the application's). */
export const CloseCode = {
  goingAway: 1001,
  sessionEnded: 4001,
  /** the access token the stream was opened with has expired: refresh it and reconnect with `since` */
  tokenExpired: 4003,
  tooSlow: 4008,
  /** realtime across instances was cut off (Redis away) and is back: reconnect with `since` to catch up */
  resumed: 1012,
} as const

export interface Connection {
  readonly socket: WebSocket
  readonly userId: number
  readonly sessionToken: string
  /** which re-validation slice this stream belongs to */
  readonly slot: number
  alive: boolean
  /** events that arrived live while the catch-up was still being sent; null once live */
  pending: StreamEvent[] | null
  /**
   * Ids the catch-up sent. An event is published just after its commit, so one the catch-up read
   * can still arrive from the bus a moment after the stream went live: it is not sent twice.
   */
  caughtUp: Set<number> | null
  closed: boolean
  /** closes the stream when its access token expires */
  expiry?: ReturnType<typeof setTimeout>
}

export type ClientMessageHandler = (conn: Connection, message: Record<string, unknown>) => void | Promise<void>

export interface HubStats {
  connections: number
  users: number
  droppedSlow: number
  droppedDead: number
  closedRevoked: number
}

export class StreamHub {
  private readonly byUser = new Map<number, Set<Connection>>()
  private readonly unsubscribers = new Map<number, Promise<() => Promise<void>>>()
  private readonly handlers = new Map<string, ClientMessageHandler>()
  private readonly timers: NodeJS.Timeout[] = []
  private unsubscribeRevoked: (() => Promise<void>) | undefined
  private revalidating = false
  private nextSlot = 0
  private tick = 0
  private closing = false
  private readonly counters = { droppedSlow: 0, droppedDead: 0, closedRevoked: 0 }
  readonly options: HubOptions

  constructor(
    private readonly ctx: Pick<AppContext, 'bus' | 'database'>,
    private readonly sessions: SessionCache,
    private readonly logger: Logger,
    options: Partial<HubOptions> = {},
  ) {
    this.options = { ...defaultHubOptions, ...options }
  }

  async start(): Promise<void> {
    this.unsubscribeRevoked = await this.ctx.bus.subscribe(REVOKED_CHANNEL, (m) => this.onRevoked(m))
    // Events published while the bus was cut off never arrived: every stream reconnects with
    // `since` and reads them from the database.
    this.ctx.bus.onResume(() => {
      for (const set of this.byUser.values()) for (const conn of set) this.end(conn, CloseCode.resumed, 'realtime_resumed')
    })
    const every = (ms: number, fn: () => unknown) => {
      const t = setInterval(fn, ms)
      t.unref()
      this.timers.push(t)
    }
    every(this.options.heartbeatMs, () => this.heartbeat())
    every(this.options.revalidateMs / REVALIDATE_SLICES, () => void this.revalidate(this.tick++ % REVALIDATE_SLICES))
  }

  /** Client → server messages of this `type` go to `handler` (e.g. typing indicators). */
  onClientMessage(type: string, handler: ClientMessageHandler) {
    this.handlers.set(type, handler)
  }

  stats(): HubStats {
    let connections = 0
    for (const set of this.byUser.values()) connections += set.size
    return { connections, users: this.byUser.size, ...this.counters }
  }

  /**
   * Takes over an upgraded socket: subscribes to the user's events, sends what happened after
   * `since` (when given), then what arrived meanwhile, then `stream.ready`; live from there on.
   */
  async attach(
    socket: WebSocket,
    auth: { userId: number; sessionToken: string; expiresAtMs: number },
    since: number | undefined,
  ): Promise<void> {
    const conn: Connection = {
      socket,
      userId: auth.userId,
      sessionToken: auth.sessionToken,
      slot: this.nextSlot++ % REVALIDATE_SLICES,
      alive: true,
      pending: [],
      caughtUp: null,
      closed: false,
    }
    if (this.closing) {
      socket.close(CloseCode.goingAway, 'server_shutting_down')
      return
    }
    let set = this.byUser.get(conn.userId)
    if (!set) this.byUser.set(conn.userId, (set = new Set()))
    set.add(conn)
    socket.on('pong', () => (conn.alive = true))
    socket.on('message', (raw, isBinary) => void this.handleClientMessage(conn, raw, isBinary))
    socket.on('close', () => this.detach(conn))
    if (socket.readyState !== socket.OPEN) return this.detach(conn)
    // A stream lives no longer than the token that opened it; the client refreshes the token and
    // reconnects with `since`, losing nothing. (Revocation closes it sooner, see revalidate.)
    conn.expiry = setTimeout(() => this.end(conn, CloseCode.tokenExpired, 'token_expired'), Math.max(0, auth.expiresAtMs - Date.now()))
    conn.expiry.unref()

    try {
      await this.subscribe(conn.userId)
      const db = this.ctx.database.db
      const sent = (conn.caughtUp = new Set<number>())
      let last = 0
      let complete = true
      if (since !== undefined) {
        complete = since === 0 || (await eventExists(db, conn.userId, since))
        last = since
        if (since > 0 && complete) {
          for (const e of await recentEventsBefore(db, conn.userId, since, this.options.lateWindowSeconds, this.options.catchUpPage)) {
            if (!this.send(conn, JSON.stringify(e))) return
            sent.add(e.id)
          }
        }
        for (;;) {
          const page = await eventsAfter(db, conn.userId, last, this.options.catchUpPage)
          for (const e of page) {
            if (!this.send(conn, JSON.stringify(e))) return
            sent.add(e.id)
            last = e.id
          }
          if (page.length < this.options.catchUpPage) break
        }
      } else {
        last = await lastEventId(db, conn.userId)
      }
      // Events published while the catch-up ran: skip those the catch-up already covered.
      const pending = conn.pending ?? []
      conn.pending = null
      for (const e of pending.sort((a, b) => a.id - b.id)) {
        // Published after this stream subscribed, so new to this client even when its id is below
        // `since` (a late commit): only what the catch-up itself sent is skipped.
        if (sent.has(e.id)) continue
        if (!this.send(conn, JSON.stringify(e))) return
        last = Math.max(last, e.id)
      }
      this.send(conn, JSON.stringify({ type: 'stream.ready', data: { lastEventId: last, complete } }))
      setTimeout(() => (conn.caughtUp = null), CAUGHT_UP_MEMORY_MS).unref()
    } catch (err) {
      this.logger.warn({ err, userId: conn.userId }, 'stream setup failed')
      this.end(conn, 1011, 'internal_error')
    }
  }

  /** Delivers one event to this instance's connections of `userId`. */
  deliver(userId: number, event: StreamEvent | EphemeralEvent) {
    const set = this.byUser.get(userId)
    if (!set) return
    let payload: string | undefined
    for (const conn of set) {
      if (!('id' in event)) {
        // ephemeral: only for streams already live
        if (!conn.pending) this.send(conn, (payload ??= JSON.stringify(event)))
      } else if (conn.pending) conn.pending.push(event)
      else if (!conn.caughtUp?.has(event.id)) this.send(conn, (payload ??= JSON.stringify(event)))
    }
  }

  /** Sends or, when the client is not keeping up, drops it. Returns whether it is still open. */
  private send(conn: Connection, payload: string): boolean {
    if (conn.closed || conn.socket.readyState !== conn.socket.OPEN) return false
    if (conn.socket.bufferedAmount > this.options.maxBufferedBytes) {
      this.counters.droppedSlow++
      this.logger.info({ userId: conn.userId, buffered: conn.socket.bufferedAmount }, 'dropping a stream client that does not keep up')
      // terminate, not close: a close frame would queue behind the backlog it is meant to end
      conn.closed = true
      conn.socket.terminate()
      return false
    }
    conn.socket.send(payload)
    return true
  }

  private end(conn: Connection, code: number, reason: string) {
    if (conn.closed) return
    conn.closed = true
    conn.socket.close(code, reason)
    // A client that never answers the close handshake is cut off.
    setTimeout(() => conn.socket.terminate(), 1000).unref()
  }

  private detach(conn: Connection) {
    conn.closed = true
    clearTimeout(conn.expiry)
    const set = this.byUser.get(conn.userId)
    if (!set?.delete(conn) || set.size > 0) return
    this.byUser.delete(conn.userId)
    const unsubscribe = this.unsubscribers.get(conn.userId)
    this.unsubscribers.delete(conn.userId)
    unsubscribe?.then((u) => u()).catch((err) => this.logger.warn({ err }, 'unsubscribe failed'))
  }

  private subscribe(userId: number): Promise<unknown> {
    let sub = this.unsubscribers.get(userId)
    if (!sub) {
      sub = this.ctx.bus.subscribe(userChannel(userId), (m) => {
        const { event } = m as BusMessage
        this.deliver(userId, event)
      })
      this.unsubscribers.set(userId, sub)
      sub.catch(() => this.unsubscribers.get(userId) === sub && this.unsubscribers.delete(userId))
    }
    return sub
  }

  private onRevoked(message: unknown) {
    const tokens = (message as { sessionTokens?: unknown }).sessionTokens
    if (!Array.isArray(tokens)) return
    const ended = new Set(tokens)
    for (const set of this.byUser.values()) {
      for (const conn of set) {
        if (ended.has(conn.sessionToken)) {
          this.counters.closedRevoked++
          this.end(conn, CloseCode.sessionEnded, 'session_ended')
        }
      }
    }
  }

  /** Pings everyone; whoever did not answer the previous ping is gone. */
  heartbeat() {
    for (const set of this.byUser.values()) {
      for (const conn of set) {
        if (!conn.alive) {
          this.counters.droppedDead++
          conn.closed = true
          conn.socket.terminate()
          continue
        }
        conn.alive = false
        conn.socket.ping()
      }
    }
  }

  /** Closes streams whose session ended without an announcement: one slice of them, or all. */
  async revalidate(slice?: number): Promise<void> {
    if (this.revalidating) return
    this.revalidating = true
    try {
      const byToken = new Map<string, Connection[]>()
      for (const set of this.byUser.values()) {
        for (const conn of set) {
          if (slice !== undefined && conn.slot !== slice) continue
          const list = byToken.get(conn.sessionToken)
          if (list) list.push(conn)
          else byToken.set(conn.sessionToken, [conn])
        }
      }
      await Promise.all(
        [...byToken].map(async ([token, conns]) => {
          const session = await this.sessions.validate(token).catch(() => undefined)
          if (session === undefined) return // cache unreachable: keep streams open rather than flap
          for (const conn of conns) {
            if (session === null || session.userId !== conn.userId) {
              this.counters.closedRevoked++
              this.end(conn, CloseCode.sessionEnded, 'session_ended')
            }
          }
        }),
      )
    } finally {
      this.revalidating = false
    }
  }

  private async handleClientMessage(conn: Connection, raw: unknown, isBinary: boolean) {
    conn.alive = true
    if (isBinary) return
    let message: unknown
    try {
      message = JSON.parse(String(raw))
    } catch {
      return
    }
    if (!message || typeof message !== 'object' || typeof (message as { type?: unknown }).type !== 'string') return
    const m = message as Record<string, unknown> & { type: string }
    if (m.type === 'ping') {
      this.send(conn, JSON.stringify({ type: 'pong' }))
      return
    }
    const handler = this.handlers.get(m.type)
    if (!handler) return
    try {
      await handler(conn, m)
    } catch (err) {
      this.logger.warn({ err, type: m.type }, 'stream client message failed')
    }
  }

  async close(): Promise<void> {
    this.closing = true
    for (const t of this.timers) clearInterval(t)
    await this.unsubscribeRevoked?.().catch(() => {})
    for (const set of this.byUser.values()) for (const conn of set) this.end(conn, CloseCode.goingAway, 'server_shutting_down')
    const subs = [...this.unsubscribers.values()]
    this.unsubscribers.clear()
    await Promise.all(subs.map((s) => s.then((u) => u()).catch(() => {})))
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** this instance's realtime connections (tests and the benchmark read its stats) */
    streamHub: StreamHub
  }
}

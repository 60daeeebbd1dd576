// A realtime stream client for tests: a real WebSocket (the `ws` package) against app.listen().
import WebSocket from 'ws'

export interface ReceivedEvent {
  id?: number
  type: string
  data: any
}

export interface ConnectOptions {
  since?: number
  origin?: string
  /** send the token as the `bearer.<token>` subprotocol instead of ?access_token= */
  viaProtocol?: boolean
  /** do not answer pings (a dead client) */
  noPong?: boolean
}

export class StreamClient {
  readonly events: ReceivedEvent[] = []
  private waiters: { test: (e: ReceivedEvent) => boolean; resolve: (e: ReceivedEvent) => void }[] = []
  readonly closed: Promise<{ code: number; reason: string }>

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const e = JSON.parse((raw as Buffer).toString()) as ReceivedEvent
      this.events.push(e)
      this.waiters = this.waiters.filter((w) => (w.test(e) ? (w.resolve(e), false) : true))
    })
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })))
  }

  /** Opens a stream and waits for `stream.ready`. Rejects with the HTTP status when the upgrade is refused. */
  static async connect(baseUrl: string, accessToken: string | undefined, opts: ConnectOptions = {}): Promise<StreamClient> {
    const url = new URL('/api/hearth/v1/stream', baseUrl.replace(/^http/, 'ws'))
    if (accessToken && !opts.viaProtocol) url.searchParams.set('access_token', accessToken)
    if (opts.since !== undefined) url.searchParams.set('since', String(opts.since))
    const protocols = opts.viaProtocol && accessToken ? ['hearth.v1', `bearer.${accessToken}`] : undefined
    const ws = new WebSocket(url, protocols, { ...(opts.origin ? { origin: opts.origin } : {}), autoPong: !opts.noPong })
    const client = new StreamClient(ws)
    const ready = client.next((e) => e.type === 'stream.ready')
    ready.catch(() => {}) // a refused upgrade rejects below instead
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('unexpected-response', (_req, res) => reject(new StreamRefused(res.statusCode ?? 0)))
      ws.once('error', reject)
    })
    await ready
    return client
  }

  /** The next event (already received or still to come) matching `test`. */
  next(test: (e: ReceivedEvent) => boolean = () => true, timeoutMs = 5000): Promise<ReceivedEvent> {
    const seen = this.events.find(test)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching stream event within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.type))}`)),
        timeoutMs,
      )
      this.waiters.push({ test, resolve: (e) => (clearTimeout(timer), resolve(e)) })
    })
  }

  ofType(type: string): ReceivedEvent[] {
    return this.events.filter((e) => e.type === type)
  }

  get lastEventId(): number {
    return Math.max(0, ...this.events.map((e) => e.id ?? 0))
  }

  close() {
    this.ws.close()
    return this.closed
  }
}

export class StreamRefused extends Error {
  constructor(readonly status: number) {
    super(`stream upgrade refused with HTTP ${status}`)
  }
}

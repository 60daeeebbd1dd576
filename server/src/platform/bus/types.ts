/**
 * The event bus port: fire-and-forget, at-most-once delivery between server instances.
 * In-process (embedded default) or Redis pub/sub (REDIS_URL). Consumers that must not miss
 * anything catch up from the database; the bus only makes delivery fast.
 */
export interface EventBus {
  readonly kind: 'local' | 'redis'
  publish(channel: string, message: unknown): Promise<void>
  /** Returns an unsubscribe function. Handlers receive the parsed message. */
  subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>>
  /**
   * `fn` runs when delivery resumes after the bus was cut off (Redis away): whatever was published
   * meanwhile is lost to subscribers, who catch up from the database. The local bus is never cut off.
   */
  onResume(fn: () => void): void
  close(): Promise<void>
}

/**
 * The cache port: an in-process map (embedded default) or Redis (REDIS_URL), shared by every
 * instance. Values are strings; callers serialise.
 */
export interface Cache {
  readonly kind: 'memory' | 'redis'
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlSeconds: number): Promise<void>
  /** Sets only when absent; returns whether it did. A concurrent `set` always wins over it. */
  setIfAbsent(key: string, value: string, ttlSeconds: number): Promise<boolean>
  del(key: string): Promise<void>
  /** Increments a counter that lives `windowSeconds` from its first hit; returns the count and the seconds left. */
  hit(key: string, windowSeconds: number): Promise<{ count: number; resetInSeconds: number }>
  /** Takes one back from a counter made by `hit` (a reserved attempt that turned out fine): never below zero, the window stays. */
  decrement(key: string): Promise<void>
  ping(): Promise<void>
  close(): Promise<void>
}

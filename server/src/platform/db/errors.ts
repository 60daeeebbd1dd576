// Drizzle wraps driver errors (DrizzleQueryError) with the driver's error as `cause`; both
// node-postgres and PGlite put the SQLSTATE in `code` and the constraint in `constraint`.
interface PgErrorLike {
  code?: string
  constraint?: string
  detail?: string
}

function pgError(e: unknown): PgErrorLike | undefined {
  let cur: unknown = e
  for (let i = 0; i < 3 && cur && typeof cur === 'object'; i++) {
    const c = cur as PgErrorLike & { cause?: unknown }
    if (typeof c.code === 'string' && /^[0-9A-Z]{5}$/.test(c.code)) return c
    cur = c.cause
  }
  return undefined
}

/** The violated constraint's name (or '' when unknown) for a unique violation, else null. */
export function isUniqueViolation(e: unknown): string | null {
  const pe = pgError(e)
  if (pe?.code !== '23505') return null
  return pe.constraint ?? pe.detail ?? ''
}

// Connection-level failures: the database (or the way to it) is down, not the query wrong.
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE'])
const UNREACHABLE_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|Stream isn't writeable|Command timed out)/

/**
 * Whether `e` says a backing service could not be reached (PostgreSQL refusing or dropping
 * connections, shutting down, or out of connection slots; a Redis command that could not be sent),
 * as opposed to a bad query: the client should retry later, and gets 503.
 */
export function isUnavailable(e: unknown): boolean {
  let cur: unknown = e
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const c = cur as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown }
    if (typeof c.code === 'string') {
      if (UNREACHABLE_CODES.has(c.code)) return true
      // 08: connection exception; 57P01-03: shutting down / cannot connect now; 53300: too many connections
      if (/^(08...|57P0[123]|53300)$/.test(c.code)) return true
    }
    if (c.name === 'MaxRetriesPerRequestError') return true
    if (typeof c.message === 'string' && UNREACHABLE_MESSAGES.test(c.message)) return true
    if (Array.isArray((c as { errors?: unknown }).errors)) {
      // AggregateError from a connect to several addresses (IPv4 and IPv6)
      if ((c as { errors: unknown[] }).errors.some((x) => isUnavailable(x))) return true
    }
    cur = c.cause
  }
  return false
}

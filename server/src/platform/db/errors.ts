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

// Named loggers per subsystem, declared in one place. Fastify owns the root pino logger; the
// subsystems below get children of it so every line says where it came from.
import pino, { type Logger } from 'pino'

export type { Logger }

export function createRootLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'hearth' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.refreshToken'], remove: true },
  })
}

export const subsystems = ['db', 'cache', 'auth', 'admin', 'jobs', 'mail', 'storage', 'stream'] as const
export type Subsystem = (typeof subsystems)[number]

export function subsystemLogger(root: Logger, name: Subsystem): Logger {
  return root.child({ subsystem: name })
}

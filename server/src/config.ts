// Reads the environment once, applies defaults, and fails fast naming the bad variable.
// Every variable is documented in README.md ("Configuration").
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export interface Config {
  env: 'development' | 'production' | 'test'
  port: number
  host: string
  dataDir: string
  publicUrl: string
  /**
   * Origins a browser may open the realtime stream from: PUBLIC_URL's, or without it every loopback
   * name of this port (the server is then opened on this machine, as localhost or 127.0.0.1).
   */
  webOrigins: string[]
  databaseUrl: string | undefined
  databasePoolSize: number
  redisUrl: string | undefined
  redisKeyPrefix: string
  jwtSecret: string
  accessTokenTtlSeconds: number
  refreshTokenTtlSeconds: number
  /** seconds after a rotation in which the old refresh token still gets its successor (not reuse detection) */
  refreshReuseGraceSeconds: number
  admin: { email: string; password: string } | undefined
  trustProxy: boolean | number | string
  rateLimit: {
    enabled: boolean
    /** requests per window per IP without a session */
    anonymousMax: number
    /** requests per window per signed-in user */
    userMax: number
    /** sign-in / registration / password attempts per window per IP */
    authMax: number
    /** refreshes per window per live session (never counted per IP) */
    refreshMax: number
    windowSeconds: number
  }
  logLevel: string
  bodyLimitBytes: number
  /** S3-compatible object storage (MinIO in production); absent → local disk under DATA_DIR. */
  s3:
    | {
        endpoint: string
        bucket: string
        accessKeyId: string
        secretAccessKey: string
        region: string
        publicUrl: string
        forcePathStyle: boolean
      }
    | undefined
  media: {
    maxImageBytes: number
    maxImagesPerPost: number
    maxAttachmentBytes: number
  }
  /** upload bytes one instance holds at once, and uploads in flight per account (features/media/upload-gate.ts) */
  uploads: { budgetBytes: number; perUser: number }
  /** photos of a deleted post leave storage this many days after the deletion */
  mediaRetentionDays: number
  /** days between an account deletion request and its purge (0: the next run of the purge job) */
  accountDeletionGraceDays: number
  mail: {
    /** absent → emails are written as .eml files under DATA_DIR/mail */
    smtpUrl: string | undefined
    from: string
    /** notifications still unread after this many seconds are emailed */
    notificationDelaySeconds: number
  }
  oauth: {
    google: { clientId: string; clientSecret: string; issuer: string } | undefined
    github: { clientId: string; clientSecret: string; authUrl: string; apiUrl: string } | undefined
  }
  /** run background jobs (email outbox, statistics) in this process */
  jobsEnabled: boolean
  /** how long start-up waits for PostgreSQL and Redis to answer before giving up */
  startupTimeoutSeconds: number
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`)
  }
}

type Env = Record<string, string | undefined>

function str(env: Env, name: string): string | undefined {
  const v = env[name]
  return v === undefined || v.trim() === '' ? undefined : v.trim()
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = str(env, name)
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`)
  const n = Number(raw)
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`)
  return n
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = str(env, name)?.toLowerCase()
  if (raw === undefined) return fallback
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true
  if (['0', 'false', 'no', 'off'].includes(raw)) return false
  throw new ConfigError(name, `must be true or false, got "${raw}"`)
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = str(env, name)
  if (raw === undefined) return undefined
  let parsed: URL
  try {
    parsed = new URL(raw)
  } catch {
    throw new ConfigError(name, 'is not a valid URL')
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => p + '//').join(' or ')}`)
  }
  return raw
}

function trustProxy(env: Env): boolean | number | string {
  const raw = str(env, 'TRUST_PROXY')
  if (raw === undefined || ['false', '0', 'no', 'off'].includes(raw.toLowerCase())) return false
  if (raw.toLowerCase() === 'true') return true
  if (/^\d+$/.test(raw)) return Number(raw) // number of hops
  // a comma-separated list of addresses / CIDR ranges of the proxies to trust
  for (const part of raw.split(',')) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(part.trim()) && part.trim() !== 'loopback') {
      throw new ConfigError('TRUST_PROXY', `must be true, a hop count, or a list of proxy addresses/CIDRs, got "${part}"`)
    }
  }
  return raw
}

/** The embedded default keeps a generated secret under DATA_DIR, so tokens survive restarts. */
function embeddedSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(48).toString('base64url')
  writeFileSync(file, secret + '\n', { mode: 0o600 })
  return secret
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = str(env, 'NODE_ENV') ?? 'development'
  if (!['development', 'production', 'test'].includes(nodeEnv)) {
    throw new ConfigError('NODE_ENV', `must be development, production or test, got "${nodeEnv}"`)
  }
  const port = int(env, 'PORT', 3000, 0, 65535)
  const dataDir = resolve(str(env, 'DATA_DIR') ?? './data')

  let jwtSecret = str(env, 'JWT_SECRET')
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters')
  }
  if (jwtSecret === undefined) {
    if (nodeEnv === 'production') throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production')
    jwtSecret = embeddedSecret(dataDir)
  }

  const adminEmail = str(env, 'ADMIN_EMAIL')
  const adminPassword = env.ADMIN_PASSWORD
  if (adminEmail && !adminPassword) throw new ConfigError('ADMIN_PASSWORD', 'is required when ADMIN_EMAIL is set')
  if (!adminEmail && adminPassword) throw new ConfigError('ADMIN_EMAIL', 'is required when ADMIN_PASSWORD is set')
  if (adminEmail && !/^[^\s@]+@[^\s@]+$/.test(adminEmail)) throw new ConfigError('ADMIN_EMAIL', 'is not an email address')

  const explicitPublicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:'])
  const publicUrl = (explicitPublicUrl ?? `http://localhost:${port}`).replace(/\/+$/, '')
  const webOrigins = explicitPublicUrl
    ? [new URL(publicUrl).origin]
    : ['localhost', '127.0.0.1', '[::1]'].map((host) => `http://${host}:${port}`)

  const s3Endpoint = url(env, 'S3_ENDPOINT', ['http:', 'https:'])
  let s3: Config['s3']
  if (s3Endpoint) {
    const need = (name: string) => {
      const v = str(env, name)
      if (!v) throw new ConfigError(name, 'is required when S3_ENDPOINT is set')
      return v
    }
    const bucket = need('S3_BUCKET')
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw new ConfigError('S3_BUCKET', 'is not a valid bucket name')
    const forcePathStyle = bool(env, 'S3_FORCE_PATH_STYLE', true)
    s3 = {
      endpoint: s3Endpoint,
      bucket,
      accessKeyId: need('S3_ACCESS_KEY'),
      secretAccessKey: need('S3_SECRET_KEY'),
      region: str(env, 'S3_REGION') ?? 'us-east-1',
      publicUrl: (url(env, 'S3_PUBLIC_URL', ['http:', 'https:']) ?? `${s3Endpoint.replace(/\/+$/, '')}/${bucket}`).replace(/\/+$/, ''),
      forcePathStyle,
    }
  }

  const oauthPair = (idVar: string, secretVar: string) => {
    const id = str(env, idVar)
    const secret = str(env, secretVar)
    if (id && !secret) throw new ConfigError(secretVar, `is required when ${idVar} is set`)
    if (!id && secret) throw new ConfigError(idVar, `is required when ${secretVar} is set`)
    return id && secret ? { clientId: id, clientSecret: secret } : undefined
  }
  const google = oauthPair('GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET')
  const github = oauthPair('GITHUB_CLIENT_ID', 'GITHUB_CLIENT_SECRET')

  return {
    env: nodeEnv as Config['env'],
    port,
    host: str(env, 'HOST') ?? '127.0.0.1',
    dataDir,
    publicUrl,
    webOrigins,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 500),
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisKeyPrefix: str(env, 'REDIS_KEY_PREFIX') ?? 'hearth:',
    jwtSecret,
    accessTokenTtlSeconds: int(env, 'ACCESS_TOKEN_TTL', 900, 30, 86_400),
    refreshTokenTtlSeconds: int(env, 'REFRESH_TOKEN_TTL', 30 * 86_400, 300, 365 * 86_400),
    refreshReuseGraceSeconds: int(env, 'REFRESH_REUSE_GRACE', 5, 0, 60),
    admin: adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    trustProxy: trustProxy(env),
    rateLimit: {
      enabled: bool(env, 'RATE_LIMIT_ENABLED', true),
      anonymousMax: int(env, 'RATE_LIMIT_ANONYMOUS_MAX', 300, 1, 10_000_000),
      userMax: int(env, 'RATE_LIMIT_USER_MAX', 1500, 1, 10_000_000),
      authMax: int(env, 'RATE_LIMIT_AUTH_MAX', 25, 1, 10_000_000),
      refreshMax: int(env, 'RATE_LIMIT_REFRESH_MAX', 120, 1, 10_000_000),
      windowSeconds: int(env, 'RATE_LIMIT_WINDOW', 300, 1, 86_400),
    },
    logLevel: str(env, 'LOG_LEVEL') ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    bodyLimitBytes: int(env, 'BODY_LIMIT', 1_048_576, 1024, 1_073_741_824),
    s3,
    media: {
      maxImageBytes: int(env, 'MEDIA_MAX_IMAGE_BYTES', 10 * 1024 * 1024, 1024, 200 * 1024 * 1024),
      maxImagesPerPost: int(env, 'MEDIA_MAX_IMAGES', 10, 1, 10),
      maxAttachmentBytes: int(env, 'MESSAGE_MAX_FILE_BYTES', 25 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    },
    uploads: {
      budgetBytes: int(env, 'UPLOAD_MEMORY_BUDGET', 128 * 1024 * 1024, 1024 * 1024, 16 * 1024 * 1024 * 1024),
      perUser: int(env, 'UPLOADS_PER_USER', 2, 1, 100),
    },
    mediaRetentionDays: int(env, 'MEDIA_RETENTION_DAYS', 30, 0, 3650),
    accountDeletionGraceDays: int(env, 'ACCOUNT_DELETION_GRACE_DAYS', 30, 0, 365),
    mail: {
      smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
      from: str(env, 'MAIL_FROM') ?? `Hearth <no-reply@${new URL(publicUrl).hostname}>`,
      notificationDelaySeconds: int(env, 'NOTIFICATION_EMAIL_DELAY', 900, 0, 7 * 86_400),
    },
    oauth: {
      google: google && {
        ...google,
        issuer: (url(env, 'GOOGLE_ISSUER', ['http:', 'https:']) ?? 'https://accounts.google.com').replace(/\/+$/, ''),
      },
      github: github && {
        ...github,
        authUrl: (url(env, 'GITHUB_AUTH_URL', ['http:', 'https:']) ?? 'https://github.com').replace(/\/+$/, ''),
        apiUrl: (url(env, 'GITHUB_API_URL', ['http:', 'https:']) ?? 'https://api.github.com').replace(/\/+$/, ''),
      },
    },
    jobsEnabled: bool(env, 'JOBS_ENABLED', true),
    startupTimeoutSeconds: int(env, 'STARTUP_TIMEOUT', 60, 0, 3600),
  }
}

import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.js'

const dataDir = () => mkdtempSync(join(tmpdir(), 'hearth-config-'))

function refusal(env: Record<string, string>): ConfigError {
  try {
    loadConfig({ DATA_DIR: dataDir(), ...env })
  } catch (e) {
    if (e instanceof ConfigError) return e
    throw e
  }
  throw new Error('expected a ConfigError')
}

describe('config', () => {
  it('defaults to the embedded setup and keeps a generated JWT secret under DATA_DIR', () => {
    const dir = dataDir()
    const c = loadConfig({ DATA_DIR: dir })
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      redisUrl: undefined,
      s3: undefined,
      trustProxy: false,
      mediaRetentionDays: 30,
      accountDeletionGraceDays: 30,
    })
    expect(c.jwtSecret.length).toBeGreaterThanOrEqual(32)
    expect(readFileSync(join(dir, 'jwt-secret'), 'utf8').trim()).toBe(c.jwtSecret)
    expect(loadConfig({ DATA_DIR: dir }).jwtSecret).toBe(c.jwtSecret) // stable across restarts
  })

  it('names the bad variable', () => {
    expect(refusal({ PORT: 'eighty' }).variable).toBe('PORT')
    expect(refusal({ PORT: '70000' }).variable).toBe('PORT')
    expect(refusal({ DATABASE_URL: 'mysql://x' }).variable).toBe('DATABASE_URL')
    expect(refusal({ REDIS_URL: 'not a url' }).variable).toBe('REDIS_URL')
    expect(refusal({ JWT_SECRET: 'short' }).variable).toBe('JWT_SECRET')
    expect(refusal({ NODE_ENV: 'production' }).variable).toBe('JWT_SECRET')
    expect(refusal({ ADMIN_EMAIL: 'a@b.c' }).variable).toBe('ADMIN_PASSWORD')
    expect(refusal({ TRUST_PROXY: 'everyone' }).variable).toBe('TRUST_PROXY')
    expect(refusal({ RATE_LIMIT_ENABLED: 'maybe' }).variable).toBe('RATE_LIMIT_ENABLED')
    expect(refusal({ S3_ENDPOINT: 'http://127.0.0.1:9000' }).variable).toBe('S3_BUCKET')
    expect(refusal({ GOOGLE_CLIENT_ID: 'x' }).variable).toBe('GOOGLE_CLIENT_SECRET')
    expect(refusal({ MEDIA_RETENTION_DAYS: '-1' }).variable).toBe('MEDIA_RETENTION_DAYS')
    expect(refusal({ MEDIA_RETENTION_DAYS: 'a month' }).variable).toBe('MEDIA_RETENTION_DAYS')
    expect(refusal({ ACCOUNT_DELETION_GRACE_DAYS: '-1' }).variable).toBe('ACCOUNT_DELETION_GRACE_DAYS')
    expect(refusal({ ACCOUNT_DELETION_GRACE_DAYS: 'soon' }).variable).toBe('ACCOUNT_DELETION_GRACE_DAYS')
    expect(loadConfig({ DATA_DIR: dataDir(), ACCOUNT_DELETION_GRACE_DAYS: '0' }).accountDeletionGraceDays).toBe(0)
    expect(refusal({ PORT: 'eighty' }).message).toMatch(/PORT/)
  })

  it('reads the server setup', () => {
    const c = loadConfig({
      DATA_DIR: dataDir(),
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(40),
      DATABASE_URL: 'postgres://u@db:5432/hearth',
      REDIS_URL: 'redis://cache:6379',
      TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
      PUBLIC_URL: 'https://social.example/',
    })
    expect(c).toMatchObject({
      env: 'production',
      databaseUrl: 'postgres://u@db:5432/hearth',
      redisUrl: 'redis://cache:6379',
      publicUrl: 'https://social.example',
    })
    expect(c.trustProxy).toBe('10.0.0.0/8, 127.0.0.1')
  })
})

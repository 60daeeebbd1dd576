#!/usr/bin/env node
// `npm test`: lint (ESLint, Prettier, knip), the generated web client against the server's current
// OpenAPI document, type-check, then the embedded suite (PGlite, in-process cache, local disk), then the
// server suite (PostgreSQL + Redis) when TEST_DATABASE_URL and TEST_REDIS_URL are set, then the
// browser tests (e2e/, Chromium) when /usr/bin/chromium exists.
// In CI (CI=true) the server suite and the browser tests are mandatory: a missing service or a
// missing Chromium fails the run loudly.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const run = (cmd, args, env = {}) => {
  console.log(`\n$ ${cmd} ${args.join(' ')}`)
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const extra = process.argv.slice(2)
const haveServer = Boolean(process.env.TEST_DATABASE_URL && process.env.TEST_REDIS_URL)
const ci = process.env.CI === 'true' || process.env.CI === '1'

run('npm', ['run', '--silent', 'lint'])
run('node', ['--import', 'tsx', 'web/scripts/gen-types.ts', '--check'])
run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit'])
run('npx', ['tsc', '-p', 'web/tsconfig.json', '--noEmit'])
run('npx', ['vitest', 'run', '--project', 'embedded', ...extra])
if (haveServer) {
  run('npx', ['vitest', 'run', '--project', 'server', ...extra])
} else if (ci) {
  console.error('\nCI=true but TEST_DATABASE_URL / TEST_REDIS_URL are not set: the server suite cannot run. Failing.')
  process.exit(1)
} else {
  console.log(
    '\nServer suite (PostgreSQL + Redis) NOT run: set TEST_DATABASE_URL and TEST_REDIS_URL, e.g.\n' +
      '  TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres TEST_REDIS_URL=redis://127.0.0.1:6379 npm test',
  )
}
if (existsSync('/usr/bin/chromium')) {
  // On PostgreSQL + Redis when TEST_DATABASE_URL / TEST_REDIS_URL are set, else on PGlite.
  run('npx', ['vitest', 'run', '--project', 'e2e', '--passWithNoTests', ...extra])
} else if (ci) {
  console.error('\nCI=true but /usr/bin/chromium is missing: the browser tests cannot run. Failing. (apt-get install -y chromium)')
  process.exit(1)
} else {
  console.log('\nBrowser tests (e2e/) NOT run: /usr/bin/chromium is missing. Install it with: apt-get install -y chromium')
}

// What start-up waits for, and how it gives up: containers start in any order, so the database and
// Redis are retried with backoff for STARTUP_TIMEOUT; a start-up that cannot succeed ends with one
// line naming what to fix and exit code 78 (EX_CONFIG), never a stack trace.
import { ConfigError } from './config.js'
import type { Logger } from './logger.js'

export class StartupError extends Error {
  readonly exitCode = 78 // EX_CONFIG, like a configuration error
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const reason = (e: unknown) => {
  const err = e as { code?: string; message?: string; errors?: { code?: string }[] } | undefined
  return err?.code ?? err?.errors?.[0]?.code ?? err?.message ?? String(e)
}

/**
 * Calls `check` until it resolves, backing off from 250 ms to 5 s between tries and logging each
 * wait; past `timeoutMs` it throws a StartupError naming `variable`.
 */
export async function waitFor(
  what: string,
  variable: string,
  check: () => Promise<unknown>,
  opts: { timeoutMs: number; logger: Logger },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs
  for (let delay = 250; ; delay = Math.min(5000, delay * 2)) {
    try {
      await check()
      return
    } catch (e) {
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new StartupError(
          `${what} did not answer within STARTUP_TIMEOUT (${Math.round(opts.timeoutMs / 1000)} s): check ${variable} (${reason(e)})`,
        )
      }
      opts.logger.warn(
        { waitingFor: what, variable, reason: reason(e), retryInMs: Math.min(delay, left) },
        `waiting for ${what} (${variable})`,
      )
      await sleep(Math.min(delay, left))
    }
  }
}

/** Ends a command-line program on a start-up or configuration error: one line, exit 78. */
export function exitOnStartupError(e: unknown): never {
  if (e instanceof StartupError || e instanceof ConfigError) {
    console.error(e.message)
    process.exit(78)
  }
  console.error(e)
  process.exit(1)
}

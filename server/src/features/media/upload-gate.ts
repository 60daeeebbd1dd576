// How many upload bytes one instance holds at once. An upload is read into memory and kept there
// until its answer is sent (decoding and storing need it), so without a bound a handful of large
// posts multiply the process's memory: 8 posts of 10 × 9.9 MB took RSS from 470 to 966 MB.
import { AppError } from '../../http/errors.js'

/** How long an upload waits for room in the budget before it is told to come back (503). */
export const UPLOAD_WAIT_MS = 5_000
/** What the refusals ask clients to wait before retrying, in seconds. */
export const UPLOAD_RETRY_AFTER = 5

interface Waiter {
  bytes: number
  grant(): void
}

/**
 * A byte budget per instance and a concurrency bound per account. An upload is charged what its
 * Content-Length says (or the most it may be) before a byte of it is read; it waits up to
 * UPLOAD_WAIT_MS for room, first come first served, then gets 503 server_busy. One account with
 * more than `perAccount` uploads in flight waits as long for one of them to end, then gets 429
 * too_many_uploads. A single upload larger than the whole budget still runs when nothing else does.
 */
export class UploadGate {
  private held = 0
  private readonly accounts = new Map<string, number>()
  private readonly queue: Waiter[] = []
  private readonly accountWaiters = new Map<string, (() => void)[]>()

  constructor(
    readonly budgetBytes: number,
    readonly perAccount: number,
    private readonly waitMs = UPLOAD_WAIT_MS,
  ) {}

  /** Bytes currently charged (for tests and metrics). */
  get heldBytes() {
    return this.held
  }

  /** Resolves with a release function (idempotent) once the upload may be read. */
  async admit(bytes: number, account: string | undefined): Promise<() => void> {
    if (account) await this.enter(account)
    const leave = () => {
      if (!account) return
      const n = (this.accounts.get(account) ?? 1) - 1
      if (n > 0) this.accounts.set(account, n)
      else this.accounts.delete(account)
      // the next upload of this account waiting for a slot
      const list = this.accountWaiters.get(account)
      list?.shift()?.()
      if (list?.length === 0) this.accountWaiters.delete(account)
    }
    try {
      await this.reserve(bytes)
    } catch (e) {
      leave()
      throw e
    }
    let released = false
    return () => {
      if (released) return
      released = true
      this.held -= bytes
      leave()
      this.grantWaiting()
    }
  }

  /** Counts the upload against its account, waiting up to waitMs for one of the account's others to end. */
  private async enter(account: string) {
    const deadline = Date.now() + this.waitMs
    while ((this.accounts.get(account) ?? 0) >= this.perAccount) {
      if (Date.now() >= deadline) {
        throw new AppError(
          429,
          'too_many_uploads',
          `At most ${this.perAccount} uploads per account may be in progress at once; retry when one has finished.`,
          { headers: { 'retry-after': String(UPLOAD_RETRY_AFTER) } },
        )
      }
      await new Promise<void>((resolve) => {
        const list = this.accountWaiters.get(account) ?? []
        this.accountWaiters.set(account, list)
        const wake = () => {
          clearTimeout(timer)
          resolve()
        }
        const timer = setTimeout(() => {
          list.splice(list.indexOf(wake), 1) // still there: a woken waiter's timer is cleared
          if (!list.length && this.accountWaiters.get(account) === list) this.accountWaiters.delete(account)
          resolve()
        }, deadline - Date.now())
        list.push(wake)
      })
    }
    this.accounts.set(account, (this.accounts.get(account) ?? 0) + 1)
  }

  private fits(bytes: number) {
    return this.held === 0 || this.held + bytes <= this.budgetBytes
  }

  private reserve(bytes: number): Promise<void> {
    if (!this.queue.length && this.fits(bytes)) {
      this.held += bytes
      return Promise.resolve()
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        bytes,
        grant: () => {
          clearTimeout(timer)
          this.held += bytes
          resolve()
        },
      }
      const timer = setTimeout(() => {
        this.queue.splice(this.queue.indexOf(waiter), 1)
        // the head may have been the one blocking those behind it
        this.grantWaiting()
        reject(
          new AppError(503, 'server_busy', 'The server is handling as many uploads as it can; retry in a few seconds.', {
            headers: { 'retry-after': String(UPLOAD_RETRY_AFTER) },
          }),
        )
      }, this.waitMs)
      this.queue.push(waiter)
    })
  }

  private grantWaiting() {
    while (this.queue.length && this.fits(this.queue[0]!.bytes)) this.queue.shift()!.grant()
  }
}

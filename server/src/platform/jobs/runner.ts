// The one way to run background work: every instance with JOBS_ENABLED starts the jobs, and the
// runner gives each the same guarantees —
// - schedule: the first run after `firstRunMs`, then each next one `every` ms after a run ends
//   (a function for schedules such as "just after midnight");
// - single flight: runs of one job never overlap in a process; `runOnce` waits for a run in progress;
// - optional advisory lock (from ./locks.ts): with several instances one runs, the others skip;
// - clean stop: `stop` cancels the timer and waits for a run in progress, which can end early by
//   checking `stopping`.
import type { Database } from '../db/index.js'
import { subsystemLogger, type Logger } from '../../logger.js'
import { ADVISORY_LOCKS, type AdvisoryLock } from './locks.js'

export interface JobSpec<T, A> {
  /** for the logs (`job` field) */
  name: string
  /** one run; `arg` is what `runOnce` was given (undefined for scheduled runs) */
  run(arg: A | undefined): Promise<T>
  /** ms from the end of a run to the next one */
  every: number | (() => number)
  /** ms from start to the first run (default: `every`); 0 runs at once */
  firstRunMs?: number
  /** false: no timer, runs only through `runOnce` (tests) */
  schedule?: boolean
  /** hold this advisory lock during a run; when another instance holds it the run is skipped */
  lock?: AdvisoryLock
  /** after a scheduled run: run again at once (e.g. while a backlog drains) */
  again?(result: T): boolean
  /** logged with the error when a scheduled run fails */
  failure?: string
}

export interface Job<T, A = void> {
  /** One run now, after a run in progress; null when another instance held the job's lock. */
  runOnce(arg?: A): Promise<T | null>
  /** True once `stop` was called: a long run checks it to end early. */
  readonly stopping: boolean
  /** Stops scheduling and waits for a run in progress. */
  stop(): Promise<void>
  readonly log: Logger
}

export function startJob<T, A = void>(deps: { database: Pick<Database, 'exclusive'>; logger: Logger }, spec: JobSpec<T, A>): Job<T, A> {
  const log = subsystemLogger(deps.logger, 'jobs').child({ job: spec.name })
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> = Promise.resolve()
  let stopping = false

  const runLocked = async (arg: A | undefined): Promise<T | null> => {
    if (!spec.lock) return spec.run(arg)
    const held = await deps.database.exclusive(ADVISORY_LOCKS[spec.lock], () => spec.run(arg))
    return held.ran ? held.value : null
  }
  const runOnce = (arg?: A): Promise<T | null> => {
    const run = running.catch(() => {}).then(() => runLocked(arg))
    running = run
    return run
  }

  const schedule = (ms: number) => {
    if (stopping) return
    timer = setTimeout(() => void tick(), ms)
    timer.unref()
  }
  const tick = async () => {
    try {
      let result: T | null
      do result = await runOnce()
      while (!stopping && result !== null && spec.again?.(result))
    } catch (err) {
      log.error({ err }, spec.failure ?? `${spec.name} failed; retrying at the next run`)
    }
    schedule(typeof spec.every === 'function' ? spec.every() : spec.every)
  }

  if (spec.schedule !== false) schedule(spec.firstRunMs ?? (typeof spec.every === 'function' ? spec.every() : spec.every))

  return {
    runOnce,
    get stopping() {
      return stopping
    },
    async stop() {
      stopping = true
      clearTimeout(timer)
      await running.catch(() => {})
    },
    log,
  }
}

// The job runner against the real database of each backend: runs never overlap, stop waits for a
// run in progress, and a run whose advisory lock another instance holds is skipped.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backend, freshDatabase, sleep } from '../../../test/helpers.js'
import { createRootLogger } from '../../logger.js'
import type { Database } from '../db/index.js'
import { ADVISORY_LOCKS } from './locks.js'
import { startJob } from './runner.js'

const logger = createRootLogger('silent')
let fresh: Awaited<ReturnType<typeof freshDatabase>>
let database: Database
/** A second instance of the app on the same database (PGlite is one process: the same handle). */
let other: Database

beforeAll(async () => {
  fresh = await freshDatabase()
  database = await fresh.open()
  other = backend === 'server' ? await fresh.open() : database
})
afterAll(async () => {
  if (other !== database) await other.close()
  await database.close()
  await fresh.drop()
})

/** A promise with its resolve function, to hold a run until the test lets it go. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((r) => (open = r))
  return { opened, open }
}

describe('the job runner', () => {
  it('never overlaps two runs of a job: runOnce waits for the run in progress', async () => {
    let active = 0
    let maxActive = 0
    const order: number[] = []
    const job = startJob<number, number>(
      { database, logger },
      {
        name: 'test-single-flight',
        every: 5,
        firstRunMs: 0,
        async run(n = 0) {
          active++
          maxActive = Math.max(maxActive, active)
          await sleep(20)
          order.push(n)
          active--
          return n
        },
      },
    )
    try {
      const results = await Promise.all([job.runOnce(1), job.runOnce(2), job.runOnce(3)])
      expect(results).toEqual([1, 2, 3])
      await sleep(60) // scheduled runs keep coming in between
      expect(maxActive).toBe(1)
      expect(order.filter((n) => n > 0)).toEqual([1, 2, 3])
      expect(order.filter((n) => n === 0).length).toBeGreaterThan(0)
    } finally {
      await job.stop()
    }
  })

  it('stop waits for the run in progress, which sees `stopping`, and no run starts after it', async () => {
    const started = gate()
    const release = gate()
    let runs = 0
    let sawStopping = false
    const job = startJob(
      { database, logger },
      {
        name: 'test-stop',
        every: 5,
        firstRunMs: 0,
        async run() {
          runs++
          started.open()
          await release.opened
          sawStopping = job.stopping
        },
      },
    )
    await started.opened
    let stopped = false
    const stopping = job.stop().then(() => (stopped = true))
    await sleep(50)
    expect(stopped).toBe(false)
    release.open()
    await stopping
    expect(sawStopping).toBe(true)
    await sleep(50)
    expect(runs).toBe(1)
  })

  it('skips a run while another instance holds its advisory lock, and runs once it is free', async () => {
    let runs = 0
    const job = startJob(
      { database, logger },
      {
        name: 'test-lock',
        lock: 'mediaMaintenance',
        every: 60_000,
        schedule: false,
        async run() {
          runs++
          return 'ran'
        },
      },
    )
    try {
      const acquired = gate()
      const held = gate()
      const holding = other.exclusive(ADVISORY_LOCKS.mediaMaintenance, async () => {
        acquired.open()
        await held.opened
      })
      await acquired.opened
      expect(await job.runOnce()).toBeNull()
      expect(runs).toBe(0)
      held.open()
      expect(await holding).toEqual({ ran: true, value: undefined })
      expect(await job.runOnce()).toBe('ran')
      expect(runs).toBe(1)
    } finally {
      await job.stop()
    }
  })

  it('keeps the schedule after a failed run', async () => {
    let runs = 0
    const job = startJob(
      { database, logger },
      {
        name: 'test-failure',
        every: 5,
        firstRunMs: 0,
        async run() {
          runs++
          if (runs === 1) throw new Error('first run fails')
          return runs
        },
      },
    )
    try {
      for (let waited = 0; runs < 3 && waited < 2000; waited += 10) await sleep(10)
      expect(runs).toBeGreaterThanOrEqual(3)
    } finally {
      await job.stop()
    }
  })
})

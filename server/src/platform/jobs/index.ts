export { ADVISORY_LOCKS, type AdvisoryLock } from './locks.js'
export { startJob, type Job, type JobSpec } from './runner.js'

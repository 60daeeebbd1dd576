export { ADVISORY_LOCKS } from './locks.js'
export { startJob, type Job } from './runner.js'

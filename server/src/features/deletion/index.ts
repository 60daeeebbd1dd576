// The public face of features/deletion: deleting an account (routes, the scheduling step admin
// deletions share) and the job that purges deleted accounts once their grace period is over.
export { startAccountPurge } from './job.js'
export { deletionRoutes } from './routes.js'
export { DeletionService, purgeDueAt, scheduleDeletion } from './service.js'

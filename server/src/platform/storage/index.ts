import { join } from 'node:path'
import type { Config } from '../../config.js'
import type { Logger } from '../../logger.js'
import { createDiskStorage } from './disk.js'
import { createS3Storage } from './s3.js'
import type { ObjectStorage } from './types.js'

export * from './types.js'

/** Where the server itself serves disk objects (features/media/routes.ts registers the route). */
export const DISK_MEDIA_ROUTE = '/media'

/** S3 when S3_ENDPOINT is set, else files under DATA_DIR/media served by this server. */
export function createStorage(config: Config, logger?: Logger): ObjectStorage {
  if (config.s3) return createS3Storage(config.s3, logger)
  return createDiskStorage(join(config.dataDir, 'media'), config.publicUrl + DISK_MEDIA_ROUTE)
}

// The public face of features/media: what other features, app.ts and the tools may use.
export { hideDeletedPostPhotos, HiddenMediaUrls } from './hidden.js'
export { startMediaMaintenance } from './maintenance-job.js'
export { readMultipart, registerMultipart } from './multipart.js'
export { avatarRoutes, hiddenMediaRoutes, mediaFileRoutes } from './routes.js'
export { sendPrivateObject } from './serve.js'
export { MediaService } from './service.js'
export type { Media, StoredImage, UploadedFile } from './types.js'
export { removePostPhotos } from './purge.js'

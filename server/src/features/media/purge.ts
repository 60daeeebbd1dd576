// Account deletion's part in media (features/deletion calls it). Unlike removeKeys (best effort,
// the orphan sweep catches what it misses), a failure here throws: the purge batch stops before
// its rows go, and the next run of the purge job tries the same objects again.
import type { ObjectStorage } from '../../platform/storage/index.js'
import { hiddenKeyOf, postPhotoKeys } from './hidden.js'

/** Every stored copy (public and hidden) of these posts' photos (posts.image_urls values). */
export async function removePostPhotos(storage: ObjectStorage, imageUrls: unknown[]): Promise<number> {
  const keys = imageUrls.flatMap((images) => postPhotoKeys(storage, images))
  if (keys.length > 0) await storage.delete(keys.flatMap((k) => [k, hiddenKeyOf(k)]))
  return keys.length
}

// The contract between the photo pipeline (features/media) and the features that take uploads
// (posts, avatars, direct messages). Implemented by MediaService in ./service.ts and exposed as
// `services.media` (composed in services.ts).
import type { StoredObject } from '../../platform/storage/types.js'

export type { StoredObject }

/** One uploaded file, buffered by the route (multipart limits already applied). */
export interface UploadedFile {
  /** the client's file name, informational only: never trusted for the type */
  filename: string
  /** the client's MIME type, informational only */
  mimetype: string
  data: Buffer
}

/**
 * A stored photo as kept in `posts.image_urls` (a JSON array of these) and returned by the API.
 * Every photo is re-encoded, auto-rotated and stripped of metadata.
 */
export interface StoredImage {
  /** display size, longest side ≤ 1080 px */
  url: string
  width: number
  height: number
  /** thumbnail for grids: shorter side ~320 px (never upscaled), WebP */
  thumbUrl: string
  thumbWidth: number
  thumbHeight: number
  /** ThumbHash (base64) to paint a blurred placeholder before the image loads */
  placeholder: string
  /** storage keys of every variant, for deletion */
  keys: string[]
}

/** A private attachment of a direct message; only its two participants may read it. */
export interface StoredAttachment {
  key: string
  kind: 'image' | 'file'
  /** for messages.metadata: name, size, sniffed MIME type, and width/height/placeholder for images */
  metadata: Record<string, unknown>
}

export interface Media {
  /**
   * Validates and stores 1..N post photos: all or nothing (on any refusal nothing stays in
   * storage). Throws AppError 4xx (unsupported_media_type, payload_too_large, invalid_image,
   * image_too_large_dimensions, too_many_files) with a clear message naming the file.
   */
  storePostImages(files: UploadedFile[]): Promise<StoredImage[]>
  /** Square-cropped avatar; returns its public URL. */
  storeAvatar(file: UploadedFile): Promise<string>
  /** Images go through the pipeline, other files are stored as sent; private keys. */
  storeAttachment(file: UploadedFile): Promise<StoredAttachment>
  /** Best-effort removal (e.g. when the database insert after an upload failed). */
  removeKeys(keys: string[]): Promise<void>
  /**
   * Removes every stored size of an avatar from its URL (as returned by storeAvatar); URLs this
   * server did not make are ignored. Best-effort, like removeKeys.
   */
  removeAvatar(url: string): Promise<void>
  /**
   * Streams back a private object (an attachment `key` from storeAttachment), or null when it
   * does not exist or is not a private attachment key. The caller checks who may read it first,
   * then sends it with `sendPrivateObject(reply, object, filename)` from ./serve.ts, which sets
   * safe headers (download disposition, nosniff, sandboxing CSP, private caching).
   */
  openPrivate(key: string): Promise<StoredObject | null>
}

// The contract between the photo pipeline (features/media) and the features that take uploads
// (posts, avatars, direct messages). Implemented by MediaService in ./service.ts and exposed as
// `ctx.media`.

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
  /** ~320 px thumbnail for grids */
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
}

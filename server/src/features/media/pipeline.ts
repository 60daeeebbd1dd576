// The image pipeline: sniff the real type from the bytes, read the dimensions from the header
// before decoding anything, then decode once with sharp, auto-rotate, and re-encode to WebP.
// sharp writes no metadata (EXIF, GPS, XMP, ICC) unless asked to, so every output is stripped.
import { fileTypeFromBuffer } from 'file-type'
import sharp, { type Metadata, type Sharp } from 'sharp'
import { rgbaToThumbHash } from 'thumbhash'
import { AppError, unsupportedMediaType } from '../../http/errors.js'

// Every upload is a new image: libvips' operation cache would only hold memory.
sharp.cache(false)

/** Types sniffed by content that the pipeline decodes; GIF and animated WebP keep their first frame. */
export const ACCEPTED_IMAGE_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/avif',
  'image/heic',
  'image/heif',
])

/**
 * A 48 MP phone photo (8064×6048) passes; a 20000×20000 "decompression bomb" (400 MP, 1.6 GB
 * once decoded) is refused from its header, before a single pixel is decoded.
 */
export const MAX_INPUT_PIXELS = 64_000_000
/** Longest side of the display size; 1080 is what feeds show full width on phones. */
export const DISPLAY_SIZE = 1080
export const THUMB_SIZE = 320
export const AVATAR_SIZE = 400
export const AVATAR_SMALL_SIZE = 96
const WEBP = { quality: 82, effort: 4 } as const

export interface Encoded {
  data: Buffer
  width: number
  height: number
}

export const invalidImage = (label: string, why: string) =>
  new AppError(422, 'invalid_image', `${label} could not be read as an image (${why}).`)
export const tooManyPixels = (label: string, width: number, height: number) =>
  new AppError(
    422,
    'image_too_large_dimensions',
    `${label} is ${width}×${height} pixels; images may have at most ${MAX_INPUT_PIXELS / 1_000_000} megapixels.`,
  )

export const notAnImage = (label: string, mime: string | undefined) =>
  unsupportedMediaType(`${label} is not a supported image${mime ? ` (it is ${mime})` : ''}; send JPEG, PNG, WebP, GIF, AVIF or HEIF.`)

/** The sniffed MIME type, or undefined when the bytes match no known signature. */
export async function sniff(data: Buffer): Promise<string | undefined> {
  return (await fileTypeFromBuffer(data))?.mime
}

/**
 * Checks an image without decoding it: real type from the bytes, dimensions from the header.
 * Throws 415 for non-images (whatever their name says), 422 for unreadable headers and bombs.
 */
export async function inspectImage(
  data: Buffer,
  label: string,
  sniffed?: string,
): Promise<{ mime: string; width: number; height: number }> {
  const mime = sniffed ?? (await sniff(data))
  if (!mime || !ACCEPTED_IMAGE_TYPES.has(mime)) throw notAnImage(label, mime)
  let meta: Metadata
  try {
    // Reading the header is safe at any size; the pixel limit is applied just below, by us,
    // so the refusal can say how large the image claims to be.
    meta = await sharp(data, { limitInputPixels: false }).metadata()
  } catch (e) {
    throw decodeError(e, label)
  }
  const { width, height } = meta
  if (!width || !height) throw invalidImage(label, 'no dimensions in its header')
  if (width * height > MAX_INPUT_PIXELS) throw tooManyPixels(label, width, height)
  return { mime, width, height }
}

/** A decoder that refuses truncated data, never decodes past the pixel limit, and gives up after 30 s. */
function decode(data: Buffer) {
  return sharp(data, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' }).timeout({ seconds: 30 }).autoOrient()
}

/** Maps what sharp/libvips says about bad input to a client error (the input is the client's). */
export function decodeError(e: unknown, label: string): AppError {
  if (e instanceof AppError) return e
  const message = e instanceof Error ? e.message : String(e)
  if (/pixel limit/i.test(message)) return new AppError(422, 'image_too_large_dimensions', `${label} has too many pixels.`)
  if (/unsupported image format|unsupported codec|compression format.*not.*built|no decoder/i.test(message)) {
    return unsupportedMediaType(`${label} uses an image encoding this server cannot decode (for HEIC photos, send JPEG).`)
  }
  if (/timeout/i.test(message)) return invalidImage(label, 'it took too long to decode')
  if (/truncat|premature end|unexpected end|end of (file|stream|data)/i.test(message)) return invalidImage(label, 'it is truncated')
  return invalidImage(label, 'it is corrupt or not fully supported')
}

async function run(pipeline: Sharp, label: string): Promise<Encoded> {
  try {
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true })
    return { data, width: info.width, height: info.height }
  } catch (e) {
    throw decodeError(e, label)
  }
}

/** ThumbHash of an (already decoded and stripped) image: a ~25-byte blurred preview, base64. */
export async function placeholder(data: Buffer): Promise<string> {
  const { data: rgba, info } = await sharp(data)
    .resize(100, 100, { fit: 'inside' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true })
  return Buffer.from(rgbaToThumbHash(info.width, info.height, rgba)).toString('base64')
}

/** A photo: display size (longest side ≤ 1080) and a thumbnail, both derived from one full decode. */
export async function processPhoto(data: Buffer, label: string): Promise<{ display: Encoded; thumb: Encoded; placeholder: string }> {
  const display = await run(decode(data).resize(DISPLAY_SIZE, DISPLAY_SIZE, { fit: 'inside', withoutEnlargement: true }).webp(WEBP), label)
  // The display image is already rotated and small: deriving from it costs a fraction of a decode.
  const thumb = await run(
    // Shorter side 320: the thumbnail fills a square grid cell without being upscaled.
    sharp(display.data).resize(THUMB_SIZE, THUMB_SIZE, { fit: 'outside', withoutEnlargement: true }).webp(WEBP),
    label,
  )
  return { display, thumb, placeholder: await placeholder(thumb.data) }
}

/** An avatar: a square crop centred on the most interesting region, in two sizes. */
export async function processAvatar(data: Buffer, label: string): Promise<{ large: Encoded; small: Encoded }> {
  const large = await run(
    decode(data).resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover', position: sharp.strategy.attention }).webp(WEBP),
    label,
  )
  const small = await run(sharp(large.data).resize(AVATAR_SMALL_SIZE, AVATAR_SMALL_SIZE).webp(WEBP), label)
  return { large, small }
}

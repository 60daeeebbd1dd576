// Images for the media tests, generated on the fly (no binary fixtures in the repository).
import { deflateSync } from 'node:zlib'
import sharp from 'sharp'

const solid = (width: number, height: number, background: string, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background } })

/**
 * A 200×100 JPEG, left half red and right half blue, that cameras would display rotated 90°
 * clockwise (EXIF orientation 6), carrying a camera make and GPS coordinates.
 */
export async function jpegWithExifAndGps(): Promise<Buffer> {
  return solid(200, 100, 'red')
    .composite([{ input: { create: { width: 100, height: 100, channels: 3, background: 'blue' } }, left: 100, top: 0 }])
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExifMerge({
      IFD0: { Make: 'HearthTestCam', Model: 'Model 1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2976/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 17/1 4010/100' },
    })
    .toBuffer()
}

export const jpeg = (width = 64, height = 48, color = '#3366cc') => solid(width, height, color).jpeg().toBuffer()
export const png = (width = 64, height = 48, color = '#cc6633') => solid(width, height, color).png().toBuffer()
export const transparentPng = (width = 64, height = 64) => solid(width, height, '#00000000', 4).png().toBuffer()
export const webp = (width = 64, height = 48) => solid(width, height, '#33cc66').webp().toBuffer()
export const avif = (width = 64, height = 48) => solid(width, height, '#6633cc').avif().toBuffer()

/** A two-frame animated GIF: green, then yellow. */
export async function animatedGif(): Promise<Buffer> {
  const frames = await Promise.all(['#00ff00', '#ffff00'].map((c) => solid(50, 40, c).png().toBuffer()))
  return sharp(frames, { join: { animated: true } })
    .gif({ delay: [100, 100] })
    .toBuffer()
}

/** The first `fraction` of a real JPEG, as an interrupted upload leaves it. */
export async function truncatedJpeg(fraction = 0.5): Promise<Buffer> {
  const full = await solid(800, 600, '#999999')
    .composite([{ input: Buffer.from('<svg width="800" height="600"><circle cx="400" cy="300" r="250" fill="#123456"/></svg>') }])
    .jpeg({ quality: 90 })
    .toBuffer()
  return full.subarray(0, Math.floor(full.length * fraction))
}

function crc32(buf: Buffer): number {
  let c = ~0
  for (const byte of buf) {
    c ^= byte
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  }
  return ~c >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}

/**
 * A decompression bomb: a valid, all-black 1-bit PNG of width×height pixels that compresses to
 * a few tens of kilobytes but would take width×height×3 bytes (1.2 GB at 20000²) once decoded.
 */
export function pngBomb(width = 20_000, height = 20_000): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 1 // bit depth
  ihdr[9] = 0 // greyscale
  const rowBytes = 1 + Math.ceil(width / 8) // filter byte + packed pixels
  const raw = Buffer.alloc(rowBytes * height) // zeros: filter "none", black pixels
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

/** The colour of the pixel at (x, y) of an encoded image, as [r, g, b]. */
export async function pixel(image: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true })
  const i = (y * info.width + x) * info.channels
  return [data[i]!, data[i + 1]!, data[i + 2]!]
}

export interface FormPart {
  name: string
  /** present for a file part */
  filename?: string
  type?: string
  data: Buffer | string
}

/**
 * A multipart/form-data body as a browser's FormData would send it, for app.inject:
 * `t.app.inject({ method: 'PUT', url, ...(await uploadForm([...])), headers })` (merge your own
 * headers into the returned ones).
 */
export async function uploadForm(parts: FormPart[]): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const fd = new FormData()
  for (const p of parts) {
    if (p.filename !== undefined)
      fd.append(
        p.name,
        new Blob([typeof p.data === 'string' ? p.data : new Uint8Array(p.data)], { type: p.type ?? 'application/octet-stream' }),
        p.filename,
      )
    else fd.append(p.name, String(p.data))
  }
  const req = new Request('http://localhost/', { method: 'POST', body: fd })
  return { payload: Buffer.from(await req.arrayBuffer()), headers: { 'content-type': req.headers.get('content-type')! } }
}

// Writes the app's PNG icons (web/public/*.png) from the SVG mark (favicon.svg's), with sharp. Run
// `npm run web:icons` after changing the mark; the PNGs are committed, so builds need no image step.
// The maskable icon fills the square and keeps the heart inside the centre 60 % (the safe zone is
// the centre circle of 80 %), as launchers crop it to their own shape; the Apple touch icon is the
// same full square, as iOS rounds the corners itself.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import sharp from 'sharp'

const out = join(import.meta.dirname, '..', 'public')
const gradient = `<defs><linearGradient id="g" x1="0" y1="1" x2="1" y2="0"><stop offset="0" stop-color="#f58529"/><stop offset=".5" stop-color="#dd2a7b"/><stop offset="1" stop-color="#8134af"/></linearGradient></defs>`
const heart = `<path d="M32 50c-8-6-16-12-16-21a9 9 0 0 1 16-5.5A9 9 0 0 1 48 29c0 9-8 15-16 21z" fill="#fff"/>`
/** The favicon's mark: rounded square. */
const any = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">${gradient}<rect width="64" height="64" rx="16" fill="url(#g)"/>${heart}</svg>`
/** Full-bleed square, heart shrunk towards the centre. */
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">${gradient}<rect width="64" height="64" fill="url(#g)"/><g transform="translate(32 33) scale(0.72) translate(-32 -33)">${heart}</g></svg>`

const icons: [string, string, number][] = [
  ['icon-192.png', any, 192],
  ['icon-512.png', any, 512],
  ['icon-maskable-512.png', maskable, 512],
  ['apple-touch-icon.png', maskable, 180],
]
for (const [name, svg, size] of icons) {
  const png = await sharp(Buffer.from(svg), { density: (72 * size) / 64 })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toBuffer()
  writeFileSync(join(out, name), png)
  console.log(`${name} ${size}×${size} ${png.length} bytes`)
}

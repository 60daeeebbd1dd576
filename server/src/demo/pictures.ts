// Pictures for the demo, drawn as SVG and rendered by sharp: landscapes and still lifes in a few
// palettes for posts, initials on a gradient for avatars. Deterministic for a given seed.
import sharp from 'sharp'

export type Rng = () => number

/** mulberry32: small, fast and repeatable. */
export function rng(seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!

const palettes = [
  ['#ff9a8b', '#ff6a88', '#ff99ac', '#2b2d42', '#fcd5ce'],
  ['#0f2027', '#203a43', '#2c5364', '#f8b500', '#fceabb'],
  ['#355c7d', '#6c5b7b', '#c06c84', '#f67280', '#f8b195'],
  ['#1a2a6c', '#b21f1f', '#fdbb2d', '#22223b', '#f2e9e4'],
  ['#134e5e', '#71b280', '#a8e6cf', '#2f3e46', '#dcedc1'],
  ['#ee9ca7', '#ffdde1', '#f6d365', '#5e548e', '#9f86c0'],
  ['#3a1c71', '#d76d77', '#ffaf7b', '#1b1b3a', '#ffe8d6'],
  ['#00467f', '#a5cc82', '#e0f2e9', '#023047', '#ffb703'],
] as const

type Scene = (r: Rng, w: number, h: number, p: readonly string[]) => string

const sunset: Scene = (r, w, h, p) => {
  const horizon = h * (0.55 + r() * 0.15)
  const sunX = w * (0.25 + r() * 0.5)
  const waves = Array.from({ length: 14 }, (_, i) => {
    const y = horizon + ((h - horizon) * (i + 1)) / 15
    return `<rect x="${w * r() * 0.3}" y="${y}" width="${w * (0.3 + r() * 0.5)}" height="${2 + i * 0.6}" fill="${p[4]}" opacity="${0.15 + r() * 0.25}" rx="2"/>`
  }).join('')
  return `<defs><linearGradient id="s" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${p[0]}"/><stop offset="1" stop-color="${p[1]}"/></linearGradient>
  <linearGradient id="sea" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${p[2]}"/><stop offset="1" stop-color="${p[3]}"/></linearGradient>
  <radialGradient id="glow"><stop offset="0" stop-color="${p[4]}" stop-opacity=".9"/><stop offset="1" stop-color="${p[4]}" stop-opacity="0"/></radialGradient></defs>
  <rect width="${w}" height="${h}" fill="url(#s)"/>
  <circle cx="${sunX}" cy="${horizon}" r="${w * 0.35}" fill="url(#glow)"/>
  <circle cx="${sunX}" cy="${horizon - w * 0.02}" r="${w * 0.11}" fill="${p[4]}"/>
  <rect y="${horizon}" width="${w}" height="${h - horizon}" fill="url(#sea)"/>${waves}`
}

const mountains: Scene = (r, w, h, p) => {
  const layers = [0.45, 0.58, 0.72, 0.86].map((base, i) => {
    let d = `M0 ${h} L0 ${h * base}`
    const steps = 6 + Math.floor(r() * 4)
    for (let s = 1; s <= steps; s++) d += ` L${(w * s) / steps} ${h * (base - 0.05 - r() * 0.18 + i * 0.01)}`
    d += ` L${w} ${h} Z`
    return `<path d="${d}" fill="${p[(i + 1) % p.length]}" opacity="${0.55 + i * 0.15}"/>`
  })
  return `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${p[4]}"/><stop offset="1" stop-color="${p[0]}"/></linearGradient></defs>
  <rect width="${w}" height="${h}" fill="url(#sky)"/><circle cx="${w * (0.2 + r() * 0.6)}" cy="${h * 0.22}" r="${w * 0.07}" fill="#fff" opacity=".85"/>${layers.join('')}`
}

const bokeh: Scene = (r, w, h, p) => {
  const dots = Array.from({ length: 26 }, () => {
    const rad = w * (0.03 + r() * 0.12)
    return `<circle cx="${r() * w}" cy="${r() * h}" r="${rad}" fill="${pick(r, p)}" opacity="${0.25 + r() * 0.5}"/>`
  }).join('')
  return `<defs><filter id="b"><feGaussianBlur stdDeviation="${w * 0.012}"/></filter>
  <linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${p[3]}"/><stop offset="1" stop-color="${p[0]}"/></linearGradient></defs>
  <rect width="${w}" height="${h}" fill="url(#bg)"/><g filter="url(#b)">${dots}</g>`
}

const city: Scene = (r, w, h, p) => {
  let x = 0
  let out = ''
  while (x < w) {
    const bw = w * (0.06 + r() * 0.1)
    const bh = h * (0.25 + r() * 0.45)
    out += `<rect x="${x}" y="${h - bh}" width="${bw}" height="${bh}" fill="${p[3]}"/>`
    for (let wy = h - bh + 14; wy < h - 14; wy += 26) {
      for (let wx = x + 8; wx < x + bw - 12; wx += 18) {
        if (r() < 0.45) out += `<rect x="${wx}" y="${wy}" width="8" height="12" fill="${p[4]}" opacity="${0.5 + r() * 0.5}"/>`
      }
    }
    x += bw + 4
  }
  return `<defs><linearGradient id="n" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${p[0]}"/><stop offset=".7" stop-color="${p[1]}"/><stop offset="1" stop-color="${p[2]}"/></linearGradient></defs>
  <rect width="${w}" height="${h}" fill="url(#n)"/><circle cx="${w * 0.8}" cy="${h * 0.15}" r="${w * 0.05}" fill="${p[4]}"/>${out}`
}

const forest: Scene = (r, w, h, p) => {
  const trees = Array.from({ length: 22 }, (_, i) => {
    const x = r() * w
    const th = h * (0.2 + r() * 0.35)
    const base = h * (0.75 + (i % 3) * 0.08)
    return `<path d="M${x} ${base - th} L${x - th * 0.28} ${base} L${x + th * 0.28} ${base} Z" fill="${i % 2 ? p[3] : p[1]}" opacity="${0.75 + r() * 0.25}"/>`
  }).join('')
  return `<defs><linearGradient id="f" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${p[4]}"/><stop offset="1" stop-color="${p[2]}"/></linearGradient></defs>
  <rect width="${w}" height="${h}" fill="url(#f)"/><rect y="${h * 0.8}" width="${w}" height="${h * 0.2}" fill="${p[3]}"/>${trees}`
}

const flatlay: Scene = (r, w, h, p) => {
  const items = Array.from({ length: 7 }, () => {
    const cx = w * (0.15 + r() * 0.7)
    const cy = h * (0.15 + r() * 0.7)
    const rad = w * (0.06 + r() * 0.1)
    return `<circle cx="${cx + 8}" cy="${cy + 10}" r="${rad}" fill="#000" opacity=".12"/><circle cx="${cx}" cy="${cy}" r="${rad}" fill="${pick(r, p)}"/><circle cx="${cx}" cy="${cy}" r="${rad * 0.62}" fill="#fff" opacity=".35"/>`
  }).join('')
  return `<rect width="${w}" height="${h}" fill="${p[4]}"/>${Array.from({ length: 9 }, (_, i) => `<rect x="0" y="${(h * i) / 9}" width="${w}" height="2" fill="#000" opacity=".04"/>`).join('')}${items}`
}

const flower: Scene = (r, w, h, p) => {
  const cx = w / 2
  const cy = h / 2
  const n = 10 + Math.floor(r() * 8)
  const petal = Math.min(w, h) * 0.28
  const petals = Array.from({ length: n }, (_, i) => {
    const a = (360 / n) * i
    return `<ellipse cx="${cx}" cy="${cy - petal * 0.6}" rx="${petal * 0.28}" ry="${petal * 0.62}" fill="${i % 2 ? p[1] : p[2]}" opacity=".9" transform="rotate(${a} ${cx} ${cy})"/>`
  }).join('')
  return `<defs><radialGradient id="fb"><stop offset="0" stop-color="${p[4]}"/><stop offset="1" stop-color="${p[0]}"/></radialGradient></defs>
  <rect width="${w}" height="${h}" fill="url(#fb)"/>${petals}<circle cx="${cx}" cy="${cy}" r="${petal * 0.22}" fill="${p[3]}"/>`
}

const scenes = [sunset, mountains, bokeh, city, forest, flatlay, flower]
const shapes = [
  [1080, 1350],
  [1080, 1080],
  [1080, 720],
  [1080, 1350],
  [1080, 1080],
] as const

/** What each scene shows, in the order of `scenes`: the demo's alt texts. */
const sceneDescriptions = [
  'A stylised sunset: a low sun over the sea, its light broken into strips on the water.',
  'Layered mountain ridges fading into a hazy sky.',
  'Soft out-of-focus circles of light, like city lights through a wet window.',
  'A city skyline at night with lit windows.',
  'A row of dark pine trees against a pale sky.',
  'A flat lay seen from above: plates and small objects on a table.',
  'A single flower in bloom against a plain background.',
] as const

/** The alt text of `photo(seed)`: the same first picks, so it names the scene drawn. */
export function describePhoto(seed: number): string {
  const r = rng(seed)
  pick(r, shapes)
  return sceneDescriptions[Math.floor(r() * scenes.length)]!
}

/** A JPEG photo for a post. */
export async function photo(seed: number): Promise<Buffer> {
  const r = rng(seed)
  const [w, h] = pick(r, shapes)
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">${pick(r, scenes)(r, w, h, pick(r, palettes))}</svg>`
  return sharp(Buffer.from(svg)).jpeg({ quality: 86 }).toBuffer()
}

/** A square PNG avatar: the person's initials on a soft two-colour gradient. */
export async function avatar(name: string, seed: number): Promise<Buffer> {
  const r = rng(seed)
  const p = pick(r, palettes)
  const initials = name
    .split(/\s+/)
    .map((s) => s[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase()
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" viewBox="0 0 512 512">
  <defs><linearGradient id="a" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${p[0]}"/><stop offset="1" stop-color="${p[2]}"/></linearGradient></defs>
  <rect width="512" height="512" fill="url(#a)"/>
  <circle cx="${120 + r() * 270}" cy="${110 + r() * 290}" r="${120 + r() * 80}" fill="#fff" opacity=".12"/>
  <text x="256" y="256" dy=".35em" text-anchor="middle" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-weight="700" font-size="200" fill="#fff">${initials}</text></svg>`
  return sharp(Buffer.from(svg)).png().toBuffer()
}

// The words and pictures of seeded data. Everything here is small and computed once; the SQL in
// ./steps.ts picks from these arrays with random indexes, so no text is built row by row in JS.
import { rgbaToThumbHash } from 'thumbhash'
import type { StoredImage } from '../features/media/index.js'

export const FIRST_NAMES = [
  'Ada',
  'Amara',
  'Ana',
  'Ben',
  'Carlos',
  'Chen',
  'Chloe',
  'Daniel',
  'Elena',
  'Emeka',
  'Emma',
  'Fatima',
  'Felix',
  'Hana',
  'Hugo',
  'Ines',
  'Isaac',
  'Jonas',
  'Julia',
  'Kai',
  'Karin',
  'Leila',
  'Liam',
  'Lucia',
  'Marco',
  'Maria',
  'Mateo',
  'Mei',
  'Nadia',
  'Noah',
  'Nora',
  'Omar',
  'Priya',
  'Rafael',
  'Sara',
  'Sofia',
  'Tariq',
  'Tomas',
  'Yara',
  'Zoe',
]

export const LAST_NAMES = [
  'Adeyemi',
  'Andersen',
  'Bauer',
  'Costa',
  'Dubois',
  'Eriksson',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ivanova',
  'Jensen',
  'Kim',
  'Kowalski',
  'Lopez',
  'Martin',
  'Meyer',
  'Moreau',
  'Nakamura',
  'Nguyen',
  'Novak',
  'Okafor',
  'Olsen',
  'Patel',
  'Perez',
  'Rossi',
  'Santos',
  'Schmidt',
  'Silva',
  'Singh',
  'Tanaka',
  'Wang',
  'Weber',
  'Yilmaz',
  'Zhang',
]

export const BIOS = [
  'Coffee first, then everything else.',
  'Amateur photographer, professional over-thinker.',
  'Runner. Reader. Occasional baker.',
  'Plants, film cameras and long walks.',
  'Making things with my hands whenever I can.',
  'Mostly pictures of my dog.',
  'Travelling slowly, one train at a time.',
  'Designer by day, guitarist by night.',
  'Learning to cook something new every week.',
  'Here for the sunsets.',
  'Teacher, climber, terrible at karaoke.',
  'City cyclist and weekend gardener.',
]

export const POST_SENTENCES = [
  'Finally tried that little bakery around the corner.',
  'The light this morning was unreal.',
  'Three weeks of practice and the sourdough finally rose.',
  'Sunday walk along the river, nobody else around.',
  'New plant, new hope. Let us see how long this one lasts.',
  'Rainy afternoon, good book, hot tea.',
  'Took the long way home and found this.',
  'First swim of the season, the water was freezing.',
  'Our garden is finally producing tomatoes!',
  'Trying a new recipe tonight, wish me luck.',
  'The view from the top was worth every step.',
  'Spent the whole day rearranging the living room.',
  'Can anyone recommend a good podcast for long drives?',
  'Concert last night was incredible.',
  'This cat has decided my keyboard is her bed.',
  'Back from a week off-grid. Missed nothing, honestly.',
  'Market haul: peaches, bread and far too many flowers.',
  'The old bridge looks different every season.',
  'Finished the puzzle. Two pieces missing, of course.',
  'Morning run done before the heat.',
  'Repainted the bike. Bright yellow this time.',
  'Street food night with friends.',
  'Snow on the hills already.',
  'Grandma taught me this soup and it still tastes like home.',
  'Working from the library today, so quiet.',
  'Weekend project: a bookshelf that does not wobble.',
  'The harbour at dusk.',
  'Sketching in the park until the rain came.',
  'Tiny victories: fixed the leaking tap myself.',
  'Golden hour on the terrace.',
  'Museum day. The new exhibition is wonderful.',
  'Road trip playlist suggestions welcome.',
  'Picked the first apples of the year.',
  'Made pasta from scratch, kitchen is a disaster.',
  'The fog rolled in and the whole street disappeared.',
  'Volunteered at the community garden today.',
  'Can not stop listening to this album.',
  'Train window views never get old.',
  'Late night, city lights, quiet streets.',
  'A new chapter starts Monday.',
]

/** Most used first: the seed draws them by a Zipf-like law, so a few are everywhere and most are rare. */
export const HASHTAGS = [
  '#photography',
  '#weekend',
  '#food',
  '#travel',
  '#nature',
  '#home',
  '#citylife',
  '#friends',
  '#sunset',
  '#coffee',
  '#art',
  '#garden',
  '#hiking',
  '#books',
  '#music',
  '#running',
  '#cats',
  '#dogs',
  '#baking',
  '#sea',
  '#mountains',
  '#architecture',
  '#streetphotography',
  '#flowers',
  '#autumn',
  '#winter',
  '#summer',
  '#spring',
  '#cycling',
  '#design',
  '#vintage',
  '#film',
  '#portrait',
  '#sky',
  '#rain',
  '#market',
  '#recipe',
  '#diy',
  '#ceramics',
  '#illustration',
  '#nightphotography',
  '#goldenhour',
  '#roadtrip',
  '#camping',
  '#lake',
  '#river',
  '#bridge',
  '#harbour',
  '#concert',
  '#plants',
  '#tea',
  '#sourdough',
  '#picnic',
  '#snow',
  '#beach',
  '#forest',
  '#skyline',
  '#fieldnotes',
  '#analog',
  '#minimal',
  '#café',
  '#straße',
  '#東京',
  '#مصر',
]

/** Short descriptions for the photos' alt text (the seed describes about half of them). */
export const ALT_TEXTS = [
  'A plate of food on a wooden table, seen from above.',
  'A river winding through green hills under a pale sky.',
  'A city street at dusk with lit shop windows.',
  'A cat asleep on a laptop keyboard.',
  'Mountains in layers of blue haze at sunrise.',
  'A bunch of flowers in a glass jar by a window.',
  'Friends laughing around a table outdoors.',
  'An empty beach with small waves and footprints in the sand.',
]

export const SPOILER_TEXTS = ['Flashing colours', 'Spiders', 'Medical: a healing scar', 'Food close-up', 'Spoilers for the finale']

export const COMMENT_PHRASES = [
  'Love this!',
  'Beautiful shot.',
  'Where is this?',
  'So jealous right now.',
  'This made my day.',
  'Wow, the colours!',
  'Need the recipe please.',
  'Haha, same here.',
  'Looks amazing.',
  'Miss this place.',
  'Congrats!',
  'How long did it take?',
  'Absolutely stunning.',
  'We should go together next time.',
  'Great idea, I might try it.',
  'That is so cool.',
  'Thanks for sharing.',
  'Ha, I know exactly what you mean.',
  'Agreed, totally.',
  'Can not wait to see more.',
]

const PALETTE = [
  [0xc0, 0x84, 0x57],
  [0x4f, 0x7c, 0xac],
  [0x6a, 0x99, 0x4e],
  [0xd9, 0xa4, 0x41],
  [0x8e, 0x5b, 0x9a],
  [0x3d, 0x4a, 0x5c],
  [0xe0, 0x7a, 0x5f],
  [0x81, 0xb2, 0x9a],
] as const

/** display sizes as the photo pipeline makes them (longest side ≤ 1080) */
const SHAPES = [
  [1080, 1080],
  [1080, 1350],
  [1080, 720],
  [720, 1080],
] as const

function thumbSize(w: number, h: number): [number, number] {
  // the pipeline's thumbnail: shorter side 320 px
  const scale = 320 / Math.min(w, h)
  return [Math.round(w * scale), Math.round(h * scale)]
}

function svgDataUrl(w: number, h: number, rgb: readonly number[]): string {
  const hex = rgb.map((c) => c.toString(16).padStart(2, '0')).join('')
  const svg = `<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 ${w} ${h}'><rect width='${w}' height='${h}' fill='#${hex}'/></svg>`
  // Browsers accept SVG data URLs with only these escaped, which keeps them short.
  return `data:image/svg+xml,${svg.replace(/#/g, '%23').replace(/</g, '%3C').replace(/>/g, '%3E')}`
}

function thumbHashOf(w: number, h: number, rgb: readonly number[]): string {
  const scale = 100 / Math.max(w, h)
  const tw = Math.round(w * scale)
  const th = Math.round(h * scale)
  const rgba = new Uint8Array(tw * th * 4)
  for (let i = 0; i < tw * th; i++) rgba.set([rgb[0]!, rgb[1]!, rgb[2]!, 255], i * 4)
  return Buffer.from(rgbaToThumbHash(tw, th, rgba)).toString('base64')
}

/**
 * Seeded photos: the StoredImage shape of features/media/types.ts, pointing at solid-colour SVG
 * data URLs (the web app's CSP allows data: images, so seeded feeds render without any stored
 * object), with a real ThumbHash of the same colour and shape. `keys` is empty: nothing was
 * stored, so deleting a seeded post has nothing to remove.
 */
export function seedImages(): StoredImage[] {
  const out: StoredImage[] = []
  for (const [w, h] of SHAPES) {
    for (const rgb of PALETTE) {
      const [tw, th] = thumbSize(w, h)
      out.push({
        url: svgDataUrl(w, h, rgb),
        width: w,
        height: h,
        thumbUrl: svgDataUrl(tw, th, rgb),
        thumbWidth: tw,
        thumbHeight: th,
        placeholder: thumbHashOf(w, h, rgb),
        keys: [],
      })
    }
  }
  return out
}

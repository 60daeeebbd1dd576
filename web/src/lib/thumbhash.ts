// ThumbHash placeholders (base64 from the API) → a tiny data URL painted behind the image.
import { thumbHashToDataURL } from 'thumbhash'

const memo = new Map<string, string>()

export function placeholderUrl(hash: string | null | undefined): string | undefined {
  if (!hash) return undefined
  let url = memo.get(hash)
  if (url) return url
  try {
    const bytes = Uint8Array.from(atob(hash), (c) => c.charCodeAt(0))
    url = thumbHashToDataURL(bytes)
  } catch {
    return undefined
  }
  if (memo.size > 500) memo.clear()
  memo.set(hash, url)
  return url
}

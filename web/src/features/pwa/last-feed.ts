// The last home-feed page the signed-in person saw, kept on this device so the offline page
// (public/offline.js) can show it read-only. Only what that page shows is kept, in this origin's
// localStorage, and it is removed when the person signs out (pwa/register.ts) — it never reaches
// the service worker's caches.
import type { Post } from '../../api/types'

const KEY = 'hearth:last-feed'
const KEEP = 20

export function rememberFeed(username: string, posts: Post[]) {
  const first = (p: Post) => p.images[0]
  const saved = {
    username,
    savedAt: new Date().toISOString(),
    posts: posts.slice(0, KEEP).map((p) => {
      const img = first(p)
      return {
        id: p.id,
        author: p.author.username,
        createdAt: p.createdAt,
        content: p.sensitive ? (p.spoilerText ?? 'Sensitive content') : p.content,
        // Sensitive photos stay out of the offline copy.
        image: img && !p.sensitive ? { url: img.url, alt: img.alt, width: img.width, height: img.height } : null,
        likes: p.likeCount,
        comments: p.commentCount,
      }
    }),
  }
  try {
    localStorage.setItem(KEY, JSON.stringify(saved))
  } catch {
    // storage full or refused: the offline page just has no feed to show
  }
}

export function forgetFeed() {
  try {
    localStorage.removeItem(KEY)
  } catch {
    // nothing kept
  }
}

// Likes and counts change on one screen and must show on the others (a like on the post page is
// still there back in the feed). Screens render posts through usePost, which layers the latest
// known state over whatever copy of the post that screen loaded.
import { useSyncExternalStore } from 'react'
import type { Post } from '../../api/types'

type Patch = Partial<Pick<Post, 'likedByMe' | 'likeCount' | 'commentCount' | 'content' | 'edited'>> & { deleted?: boolean }

const patches = new Map<number, Patch>()
const listeners = new Set<() => void>()
let version = 0

export function patchPost(id: number, patch: Patch) {
  patches.set(id, { ...patches.get(id), ...patch })
  version++
  for (const l of listeners) l()
}

export function usePost<T extends Post>(post: T): T & { deleted?: boolean } {
  useSyncExternalStore(
    (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    () => version,
  )
  const p = patches.get(post.id)
  return p ? { ...post, ...p } : post
}

/** Fresh copies from the server are the truth: earlier local patches for them are dropped. */
export function freshPosts<T extends { id: number }>(posts: T[]): T[] {
  let changed = false
  for (const p of posts) changed = patches.delete(p.id) || changed
  if (changed) {
    version++
    for (const l of listeners) l()
  }
  return posts
}

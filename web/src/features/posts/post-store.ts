// Likes and counts change on one screen and must show on the others (a like on the post page is
// still there back in the feed). Screens render posts through usePost, which layers the latest
// known state over whatever copy of the post that screen loaded.
import { useSyncExternalStore } from 'react'
import type { Post } from '../../api/types'

type Patch = Partial<
  Pick<Post, 'likedByMe' | 'likeCount' | 'bookmarkedByMe' | 'commentCount' | 'content' | 'edited' | 'images' | 'sensitive' | 'spoilerText'>
> & {
  deleted?: boolean
}

const patches = new Map<number, Patch>()
/**
 * Authors whose posts leave the screens at once, before any reload: someone just blocked leaves
 * every screen; someone just muted leaves the feeds (home, explore) but not their own profile.
 */
const blockedAuthors = new Set<number>()
const mutedAuthors = new Set<number>()
const listeners = new Set<() => void>()
let version = 0

function changed() {
  version++
  for (const l of listeners) l()
}

export function patchPost(id: number, patch: Patch) {
  patches.set(id, { ...patches.get(id), ...patch })
  changed()
}

/** After a block, mute, unblock or unmute: the author's posts leave (or may come back to) the screens. */
export function setAuthorHidden(authorId: number, how: 'blocked' | 'muted', hidden: boolean) {
  const set = how === 'blocked' ? blockedAuthors : mutedAuthors
  if (hidden) set.add(authorId)
  else set.delete(authorId)
  changed()
}

export type ShownPost<T extends Post> = T & {
  deleted?: boolean
  /** why the post should not be shown: its author was blocked (everywhere) or muted (in feeds) */
  hidden?: 'blocked' | 'muted'
}

export function usePost<T extends Post>(post: T): ShownPost<T> {
  useSyncExternalStore(
    (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    () => version,
  )
  const p = patches.get(post.id)
  const hidden = blockedAuthors.has(post.author.id) ? 'blocked' : mutedAuthors.has(post.author.id) ? 'muted' : undefined
  const shown: ShownPost<T> = p ? { ...post, ...p } : post
  return hidden ? { ...shown, hidden } : shown
}

/** Fresh copies from the server are the truth: earlier local patches for them are dropped. */
export function freshPosts<T extends { id: number }>(posts: T[]): T[] {
  let dropped = false
  for (const p of posts) dropped = patches.delete(p.id) || dropped
  if (dropped) changed()
  return posts
}

/** Another account signs in on this tab: what the last one blocked or muted is not its business. */
export function forgetHiddenAuthors() {
  blockedAuthors.clear()
  mutedAuthors.clear()
  changed()
}

// Cursor pagination for lists: `{items, nextCursor}` pages appended as the reader scrolls.
// The first page is cached per key so coming back to a list shows it at once.
import { useCallback, useEffect, useRef, useState } from 'react'
import { failureOf, type Failure } from '../api/problem'

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

interface Saved<T> {
  items: T[]
  cursor: string | null
}

const cache = new Map<string, Saved<unknown>>()

export interface Infinite<T> {
  items: T[]
  hasMore: boolean
  loading: boolean
  /** the first page has been answered (with items or none) */
  loaded: boolean
  error: Failure | undefined
  loadMore: () => void
  reload: () => Promise<void>
  update: (fn: (items: T[]) => T[]) => void
}

export function useInfinite<T>(key: string | null, fetchPage: (cursor: string | undefined) => Promise<Page<T>>): Infinite<T> {
  const saved = key ? (cache.get(key) as Saved<T> | undefined) : undefined
  const [items, setItems] = useState<T[]>(saved?.items ?? [])
  const [cursor, setCursor] = useState<string | null>(saved?.cursor ?? null)
  const [loaded, setLoaded] = useState(Boolean(saved))
  const [loading, setLoading] = useState(false)
  const [error, setError] = useState<Failure>()
  const fetchRef = useRef(fetchPage)
  fetchRef.current = fetchPage
  const busy = useRef(false)
  const generation = useRef(0)
  const keyRef = useRef(key)
  keyRef.current = key

  const reload = useCallback(async () => {
    const gen = ++generation.current
    busy.current = true
    setLoading(true)
    try {
      const page = await fetchRef.current(undefined)
      if (gen !== generation.current) return
      setItems(page.items)
      setCursor(page.nextCursor)
      setError(undefined)
      setLoaded(true)
      save(keyRef.current, page.items, page.nextCursor)
    } catch (e) {
      if (gen === generation.current) {
        setError(failureOf(e))
        setLoaded(true)
      }
    } finally {
      if (gen === generation.current) {
        busy.current = false
        setLoading(false)
      }
    }
  }, [])

  useEffect(() => {
    const s = key ? (cache.get(key) as Saved<T> | undefined) : undefined
    setItems(s?.items ?? [])
    setCursor(s?.cursor ?? null)
    setLoaded(Boolean(s))
    setError(undefined)
    if (key !== null) void reload()
  }, [key, reload])

  const loadMore = useCallback(() => {
    if (busy.current || cursor === null) return
    const gen = generation.current
    busy.current = true
    setLoading(true)
    setError(undefined)
    fetchRef
      .current(cursor)
      .then((page) => {
        if (gen !== generation.current) return
        setItems((prev) => {
          // A row can shift across a page boundary while the reader scrolls; show it once.
          const seen = new Set(prev.map(idOf))
          const next = [...prev, ...page.items.filter((i) => !seen.has(idOf(i)))]
          save(keyRef.current, next, page.nextCursor)
          return next
        })
        setCursor(page.nextCursor)
      })
      .catch((e: unknown) => {
        if (gen === generation.current) setError(failureOf(e))
      })
      .finally(() => {
        if (gen === generation.current) {
          busy.current = false
          setLoading(false)
        }
      })
  }, [cursor])

  const update = useCallback((fn: (items: T[]) => T[]) => {
    setItems((prev) => {
      const next = fn(prev)
      const k = keyRef.current
      if (k) cache.set(k, { items: next, cursor: cache.get(k)?.cursor ?? null })
      return next
    })
  }, [])

  return { items, hasMore: cursor !== null, loading, loaded, error, loadMore, reload, update }
}

function save(key: string | null, items: unknown[], cursor: string | null) {
  if (key) cache.set(key, { items, cursor })
}

function idOf(x: unknown): unknown {
  return typeof x === 'object' && x !== null && 'id' in x ? x.id : x
}

export function forgetList(prefix: string) {
  for (const k of [...cache.keys()]) if (k.startsWith(prefix)) cache.delete(k)
}

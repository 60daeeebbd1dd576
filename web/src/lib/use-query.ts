// A small read cache: screens show what they loaded last time at once (going back feels
// instant) and refresh it in the background. Keys are strings chosen by each screen.
import { useCallback, useEffect, useRef, useState } from 'react'
import { failureOf, type Failure } from '../api/problem'

const cache = new Map<string, unknown>()

export interface Query<T> {
  data: T | undefined
  error: Failure | undefined
  loading: boolean
  reload: () => Promise<void>
  set: (next: T | ((prev: T | undefined) => T)) => void
}

export function useQuery<T>(key: string | null, load: () => Promise<T>): Query<T> {
  const [data, setData] = useState<T | undefined>(() => (key ? (cache.get(key) as T | undefined) : undefined))
  const [error, setError] = useState<Failure>()
  const [loading, setLoading] = useState(key !== null)
  const loadRef = useRef(load)
  loadRef.current = load
  const keyRef = useRef(key)
  keyRef.current = key

  const reload = useCallback(async () => {
    const k = keyRef.current
    if (k === null) return
    setLoading(true)
    try {
      const value = await loadRef.current()
      if (keyRef.current !== k) return
      cache.set(k, value)
      setData(value)
      setError(undefined)
    } catch (e) {
      if (keyRef.current === k) setError(failureOf(e))
    } finally {
      if (keyRef.current === k) setLoading(false)
    }
  }, [])

  useEffect(() => {
    setData(key ? (cache.get(key) as T | undefined) : undefined)
    setError(undefined)
    void reload()
  }, [key, reload])

  const set = useCallback((next: T | ((prev: T | undefined) => T)) => {
    setData((prev) => {
      const value = typeof next === 'function' ? (next as (p: T | undefined) => T)(prev) : next
      if (keyRef.current) cache.set(keyRef.current, value)
      return value
    })
  }, [])

  return { data, error, loading, reload, set }
}

export function invalidate(prefix: string) {
  for (const k of [...cache.keys()]) if (k.startsWith(prefix)) cache.delete(k)
}

export function clearQueryCache() {
  cache.clear()
}

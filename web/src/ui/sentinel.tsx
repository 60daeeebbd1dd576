// Infinite scroll: when this comes near the viewport, load the next page. A button stays for
// keyboard users and for when the observer is unavailable.
import { useEffect, useRef } from 'react'
import type { Failure } from '../api/problem'
import { Button, Spinner } from './controls'

interface Props {
  hasMore: boolean
  loading: boolean
  error?: Failure
  onMore: () => void
  label?: string
  /** the scroll container, when it is not the page */
  root?: Element | null
}

export function LoadMore({ hasMore, loading, error, onMore, label = 'Load more', root }: Props) {
  const ref = useRef<HTMLDivElement>(null)
  const onMoreRef = useRef(onMore)
  onMoreRef.current = onMore

  useEffect(() => {
    const el = ref.current
    if (!el || !hasMore || error || typeof IntersectionObserver === 'undefined') return
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && onMoreRef.current(), {
      root: root ?? null,
      rootMargin: '800px 0px',
    })
    io.observe(el)
    return () => io.disconnect()
  }, [hasMore, error, root, loading])

  if (error) {
    return (
      <div className="load-more" role="alert">
        <p>{error.message}</p>
        <Button variant="secondary" small onClick={onMore}>
          Try again
        </Button>
      </div>
    )
  }
  if (!hasMore) return null
  return (
    <div className="load-more" ref={ref}>
      {loading ? (
        <Spinner label="Loading more" />
      ) : (
        <Button variant="ghost" small onClick={onMore}>
          {label}
        </Button>
      )}
    </div>
  )
}

import { useEffect, useRef, useState } from 'react'
import { useSearch } from 'wouter'
import { failureOf, type Failure } from '../../api/problem'

/**
 * For the pages a mailed link opens (`?token=…`): runs `submit(token)` once, as soon as the page
 * opens, and tracks how it went.
 */
export function useMailedLink(submit: (token: string) => Promise<unknown>) {
  const token = new URLSearchParams(useSearch()).get('token') ?? ''
  const [state, setState] = useState<'working' | 'done' | Failure>('working')
  const started = useRef(false)

  useEffect(() => {
    if (!token || started.current) return
    started.current = true
    submit(token).then(
      () => setState('done'),
      (e: unknown) => setState(failureOf(e)),
    )
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `submit` is read once, when the page opens
  }, [token])

  return { token, state }
}

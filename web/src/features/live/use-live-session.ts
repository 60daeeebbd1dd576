// Opens the realtime stream while someone is signed in, closes it when they leave.
import { useEffect } from 'react'
import { useSession } from '../../api/session'
import { clearQueryCache } from '../../lib/use-query'
import { startStream, stopStream } from './stream'

export function useLiveSession() {
  const session = useSession()
  const userId = session.user?.id
  useEffect(() => {
    if (userId === undefined) return
    startStream()
    return () => {
      stopStream()
      // What one account saw must not flash on screen for the next one.
      clearQueryCache()
    }
  }, [userId])
}

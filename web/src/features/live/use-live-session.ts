// Opens the realtime stream while someone is signed in, closes it when they leave.
import { useEffect, useRef } from 'react'
import { useSession } from '../../api/session'
import { clearQueryCache } from '../../lib/use-query'
import { forgetHiddenAuthors } from '../posts/post-store'
import { toast } from '../../ui/toast'
import { startStream, stopStream } from './stream'

export function useLiveSession() {
  const session = useSession()
  const userId = session.user?.id
  const wasSignedIn = useRef(false)

  // Signed out by the server (revoked on another device, blocked): say so, wherever they are.
  useEffect(() => {
    if (session.status === 'signed-in') wasSignedIn.current = true
    else if (session.status === 'signed-out' && wasSignedIn.current) {
      wasSignedIn.current = false
      if (session.reason === 'revoked') toast('You have been signed out.')
    }
  }, [session])

  useEffect(() => {
    if (userId === undefined) return
    startStream()
    return () => {
      stopStream()
      // What one account saw must not flash on screen for the next one.
      clearQueryCache()
      forgetHiddenAuthors()
    }
  }, [userId])
}

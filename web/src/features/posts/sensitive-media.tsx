// Photos of a post marked sensitive stay hidden behind their ThumbHash, blurred, with the warning
// and a "Show" button, unless the viewer chose to always see them (Settings → Media). Hidden
// photos are not requested at all until shown.
import { useState, type ReactNode } from 'react'
import { useSession } from '../../api/session'
import type { PostImage } from '../../api/types'
import { placeholderUrl } from '../../lib/thumbhash'
import { EyeOffIcon } from '../../ui/icons'

export function useHideSensitive(post: { sensitive: boolean }): boolean {
  const session = useSession()
  return post.sensitive && !(session.status === 'signed-in' && session.user.showSensitiveMedia)
}

export function SensitiveMedia({
  post,
  children,
}: {
  post: { id: number; sensitive: boolean; spoilerText: string | null; images: PostImage[] }
  children: ReactNode
}) {
  const hide = useHideSensitive(post)
  const [shown, setShown] = useState(false)
  const first = post.images[0]
  if (!hide || shown || !first) return <>{children}</>
  const ratio = Math.min(1.91, Math.max(0.8, first.width / Math.max(1, first.height)))
  const bg = placeholderUrl(first.placeholder)
  return (
    <div className="sensitive" style={{ aspectRatio: String(ratio) }}>
      <div className="sensitive__blur" style={{ backgroundImage: bg ? `url(${bg})` : undefined }} aria-hidden="true" />
      <div className="sensitive__cover" role="group" aria-label="Sensitive content">
        <EyeOffIcon size={28} />
        <p className="sensitive__title">{post.spoilerText || 'Sensitive content'}</p>
        <p className="sensitive__hint">
          {post.images.length === 1 ? 'This photo may be' : `These ${post.images.length} photos may be`} sensitive.
        </p>
        <button type="button" className="btn btn--secondary btn--small" onClick={() => setShown(true)}>
          <span className="btn__label">Show</span>
        </button>
      </div>
    </div>
  )
}

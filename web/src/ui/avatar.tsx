// A round picture, or the person's initial on a colour derived from their name (also when the
// picture cannot be loaded, e.g. a provider's avatar URL that went away).
import { useState } from 'react'

interface Props {
  user: { username: string; displayName?: string | null; avatarUrl?: string | null }
  size?: number
  ring?: boolean
}

const palette = ['#f58529', '#dd2a7b', '#8134af', '#515bd4', '#1f9d8b', '#e0a100', '#d94f30', '#3b82f6']

function colourFor(name: string): string {
  let h = 0
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  return palette[h % palette.length]!
}

export function Avatar({ user, size = 32, ring }: Props) {
  const [failed, setFailed] = useState<string | null>(null)
  const label = user.displayName || user.username
  const style = { width: size, height: size, fontSize: Math.round(size * 0.42) }
  const inner =
    user.avatarUrl && failed !== user.avatarUrl ? (
      <img
        className="avatar"
        src={user.avatarUrl}
        alt=""
        width={size}
        height={size}
        loading="lazy"
        decoding="async"
        style={style}
        onError={() => setFailed(user.avatarUrl ?? null)}
      />
    ) : (
      <span className="avatar avatar--initial" style={{ ...style, background: colourFor(user.username) }} aria-hidden="true">
        {label.trim().charAt(0).toUpperCase() || '?'}
      </span>
    )
  return ring ? <span className="avatar-ring">{inner}</span> : inner
}

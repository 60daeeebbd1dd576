// A photo that holds its place before it loads: the box has the image's aspect ratio from the
// API's width/height, painted with the ThumbHash placeholder until the real pixels arrive.
import { useState } from 'react'
import { placeholderUrl } from '../lib/thumbhash'

interface Props {
  src: string
  width: number
  height: number
  placeholder?: string | null
  alt: string
  className?: string
  /** crop to a square (grids) instead of keeping the aspect ratio */
  square?: boolean
  /** fill a frame sized by its parent (the carousel's), the whole photo shown inside it */
  fit?: boolean
  eager?: boolean
  sizes?: string
}

export function Photo({ src, width, height, placeholder, alt, className, square, fit, eager }: Props) {
  const [loaded, setLoaded] = useState(false)
  const bg = placeholderUrl(placeholder)
  return (
    <div
      className={['photo', square && 'photo--square', fit && 'photo--fit', loaded && 'is-loaded', className].filter(Boolean).join(' ')}
      style={{
        aspectRatio: fit ? undefined : square ? '1 / 1' : `${width} / ${height}`,
        backgroundImage: bg ? `url(${bg})` : undefined,
      }}
    >
      <img
        src={src}
        alt={alt}
        width={width}
        height={height}
        loading={eager ? 'eager' : 'lazy'}
        decoding="async"
        onLoad={() => setLoaded(true)}
        ref={(el) => {
          // Cached images may have finished before React attached onLoad.
          if (el?.complete && el.naturalWidth > 0 && !loaded) setLoaded(true)
        }}
      />
    </div>
  )
}

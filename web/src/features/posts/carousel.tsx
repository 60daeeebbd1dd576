// The photos of a post: swipe on touch screens, arrow buttons and arrow keys elsewhere. Each
// slide has the first photo's aspect ratio clamped between 4:5 and 1.91:1 (like Instagram) so the
// card does not jump; every photo is shown whole inside that frame. The frame's ratio is also on
// the element (data-ratio) for tests.
import { useRef, useState, type KeyboardEvent } from 'react'
import type { PostImage } from '../../api/types'
import { ChevronLeft, ChevronRight } from '../../ui/icons'
import { Photo } from '../../ui/image'

interface Props {
  images: PostImage[]
  /** for photos without the author's own description */
  alt: string
  onDoubleClick?: () => void
  eager?: boolean
}

export function Carousel({ images, alt, onDoubleClick, eager }: Props) {
  const track = useRef<HTMLDivElement>(null)
  const [index, setIndex] = useState(0)
  const first = images[0]
  if (!first) return null
  // Very tall photos are letterboxed at 4:5, as wide ones at 1.91:1.
  const ratio = Math.min(1.91, Math.max(0.8, first.width / Math.max(1, first.height)))

  const go = (i: number) => {
    const el = track.current
    if (!el) return
    const next = Math.max(0, Math.min(images.length - 1, i))
    el.scrollTo({ left: next * el.clientWidth, behavior: 'smooth' })
    setIndex(next)
  }

  const onScroll = () => {
    const el = track.current
    if (el) setIndex(Math.round(el.scrollLeft / Math.max(1, el.clientWidth)))
  }

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowRight') go(index + 1)
    if (e.key === 'ArrowLeft') go(index - 1)
  }

  const many = images.length > 1
  return (
    <div
      className="carousel"
      data-ratio={ratio.toFixed(3)}
      role={many ? 'region' : undefined}
      aria-roledescription={many ? 'carousel' : undefined}
      aria-label={many ? `${images.length} photos` : undefined}
      onKeyDown={many ? onKey : undefined}
    >
      <div
        className="carousel__track"
        ref={track}
        onScroll={many ? onScroll : undefined}
        onDoubleClick={onDoubleClick}
        tabIndex={many ? 0 : undefined}
      >
        {images.map((img, i) => (
          <div
            className="carousel__slide"
            key={img.url}
            style={{ aspectRatio: String(ratio) }}
            aria-roledescription={many ? 'slide' : undefined}
            aria-label={many ? `${i + 1} of ${images.length}` : undefined}
          >
            <Photo
              src={img.url}
              width={img.width}
              height={img.height}
              placeholder={img.placeholder}
              fit
              alt={img.alt ?? (many ? `${alt}, photo ${i + 1} of ${images.length}` : alt)}
              eager={eager && i === 0}
            />
          </div>
        ))}
      </div>
      {many ? (
        <>
          {index > 0 ? (
            <button type="button" className="carousel__nav carousel__nav--prev" onClick={() => go(index - 1)} aria-label="Previous photo">
              <ChevronLeft size={18} />
            </button>
          ) : null}
          {index < images.length - 1 ? (
            <button type="button" className="carousel__nav carousel__nav--next" onClick={() => go(index + 1)} aria-label="Next photo">
              <ChevronRight size={18} />
            </button>
          ) : null}
          <span className="carousel__count" aria-hidden="true">
            {index + 1}/{images.length}
          </span>
        </>
      ) : null}
    </div>
  )
}

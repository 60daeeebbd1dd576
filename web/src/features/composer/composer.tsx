// New post: text and up to 10 photos, previewed, described (alt text), reordered (buttons, arrow
// keys or drag) and removed before sending, and an optional content warning; the upload shows its
// progress and the server's refusals in words.
import { useEffect, useRef, useState, type DragEvent, type FormEvent, type KeyboardEvent } from 'react'
import { useLocation } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf, type Failure } from '../../api/problem'
import { useSession } from '../../api/session'
import type { Post } from '../../api/types'
import { fileSize } from '../../lib/format'
import { upload } from '../../lib/upload'
import { forgetList } from '../../lib/use-infinite'
import { invalidate } from '../../lib/use-query'
import { Avatar } from '../../ui/avatar'
import { Button, FormError } from '../../ui/controls'
import { ChevronLeft, ChevronRight, CloseIcon, ImageIcon } from '../../ui/icons'
import { useTitle } from '../../lib/use-title'
import { MentionTextarea } from '../search/mention-textarea'

const MAX_PHOTOS = 10
const MAX_CHARS = 5000
const MAX_ALT = 1500
const MAX_SPOILER = 500
const ACCEPT = 'image/jpeg,image/png,image/webp,image/gif,image/avif,image/heic,image/heif'

interface Picked {
  key: string
  file: File
  url: string
  alt: string
}

let nextKey = 0

export function Composer() {
  useTitle('New post')
  const session = useSession()
  const [, navigate] = useLocation()
  const [text, setText] = useState('')
  const [photos, setPhotos] = useState<Picked[]>([])
  const [sensitive, setSensitive] = useState(false)
  const [spoiler, setSpoiler] = useState('')
  const [notice, setNotice] = useState<string>()
  const [progress, setProgress] = useState<number | null>(null)
  const [failure, setFailure] = useState<Failure>()
  const [over, setOver] = useState(false)
  const [dragging, setDragging] = useState<string | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const abort = useRef<AbortController | null>(null)
  const live = useRef<HTMLParagraphElement>(null)

  // Object URLs hold memory until revoked.
  const urls = useRef(new Set<string>())
  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), [])

  const add = (files: FileList | File[]) => {
    setFailure(undefined)
    const list = [...files]
    const images = list.filter((f) => f.type.startsWith('image/') || /\.(heic|heif|avif)$/i.test(f.name))
    const skipped = list.length - images.length
    const room = MAX_PHOTOS - photos.length
    const taken = images.slice(0, Math.max(0, room))
    const notes: string[] = []
    if (skipped > 0)
      notes.push(`${skipped === 1 ? 'One file is' : `${skipped} files are`} not a photo and ${skipped === 1 ? 'was' : 'were'} left out.`)
    if (images.length > room)
      notes.push(
        `A post holds up to ${MAX_PHOTOS} photos; ${images.length - room} ${images.length - room === 1 ? 'was' : 'were'} left out.`,
      )
    setNotice(notes.join(' ') || undefined)
    setPhotos((p) => [
      ...p,
      ...taken.map((file) => {
        const url = URL.createObjectURL(file)
        urls.current.add(url)
        return { key: `p${nextKey++}`, file, url, alt: '' }
      }),
    ])
  }

  const remove = (key: string) => {
    setPhotos((p) => {
      const gone = p.find((x) => x.key === key)
      if (gone) {
        URL.revokeObjectURL(gone.url)
        urls.current.delete(gone.url)
      }
      return p.filter((x) => x.key !== key)
    })
    setNotice(undefined)
  }

  const move = (from: number, to: number) => {
    if (to < 0 || to >= photos.length || from === to) return
    setPhotos((p) => {
      const next = [...p]
      const [item] = next.splice(from, 1)
      next.splice(to, 0, item!)
      return next
    })
    if (live.current) live.current.textContent = `Photo moved to position ${to + 1} of ${photos.length}.`
  }

  const describe = (key: string, alt: string) => setPhotos((p) => p.map((x) => (x.key === key ? { ...x, alt } : x)))

  const onDrop = (e: DragEvent) => {
    e.preventDefault()
    setOver(false)
    if (e.dataTransfer.files.length) add(e.dataTransfer.files)
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (busy) return
    setFailure(undefined)
    const content = text.trim()
    const spoilerText = sensitive ? spoiler.trim() : ''
    try {
      let post: Post
      if (photos.length === 0) {
        setProgress(0)
        post = await call(api.POST('/api/hearth/v1/posts', { body: { content, sensitive, spoilerText: spoilerText || null } }))
      } else {
        const form = new FormData()
        form.append('content', content)
        form.append('sensitive', String(sensitive))
        if (spoilerText) form.append('spoilerText', spoilerText)
        for (const p of photos) form.append('images', p.file, p.file.name)
        // one description per photo, in the photos' order (an empty one means none)
        for (const p of photos) form.append('alt', p.alt.trim())
        abort.current = new AbortController()
        setProgress(0)
        post = await upload<Post>('/api/hearth/v1/posts', form, { onProgress: setProgress, signal: abort.current.signal })
      }
      forgetList('feed:')
      forgetList('posts:user:')
      invalidate('profile:')
      navigate(`/p/${post.id}`)
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') setNotice('Upload cancelled. Nothing was posted.')
      else setFailure(failureOf(err))
      setProgress(null)
    }
  }

  const busy = progress !== null
  // field problems shown beside their field; any other refusal is said below the form
  const fieldShown = Object.keys(failure?.fields ?? {}).some((k) => k === 'content' || k === 'spoilerText' || k.startsWith('alt.'))
  const over_ = text.length > MAX_CHARS
  const canPost = !busy && !over_ && (text.trim().length > 0 || photos.length > 0)
  const totalSize = photos.reduce((s, p) => s + p.file.size, 0)
  const me = session.status === 'signed-in' ? session.user : null

  return (
    <div className="column--medium">
      <div className="page-head">
        <h1>New post</h1>
      </div>
      <form className="card composer" onSubmit={(e) => void submit(e)} aria-describedby="composer-help">
        <div style={{ display: 'flex', gap: 12, alignItems: 'flex-start' }}>
          {me ? <Avatar user={me} size={40} /> : null}
          <div style={{ flex: 1 }}>
            <label htmlFor="composer-text" className="sr-only">
              Caption
            </label>
            <MentionTextarea
              id="composer-text"
              className="input input--area"
              placeholder="Write a caption…"
              rows={4}
              value={text}
              onValueChange={setText}
              disabled={busy}
              aria-invalid={over_ || failure?.fields.content ? true : undefined}
              aria-describedby="composer-count"
            />
            <p id="composer-count" className={over_ ? 'counter is-over' : 'counter'}>
              {text.length.toLocaleString()} / {MAX_CHARS.toLocaleString()}
            </p>
            {failure?.fields.content ? <p className="field__error">{failure.fields.content}</p> : null}
          </div>
        </div>

        <div
          className={over ? 'dropzone is-over' : 'dropzone'}
          onDragOver={(e) => {
            e.preventDefault()
            if (!dragging) setOver(true)
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
        >
          <ImageIcon size={36} />
          <p id="composer-help">
            {photos.length === 0 ? 'Drag photos here, or' : `${photos.length} of ${MAX_PHOTOS} photos · ${fileSize(totalSize)}`}
          </p>
          <input
            ref={fileInput}
            type="file"
            accept={ACCEPT}
            multiple
            hidden
            onChange={(e) => {
              if (e.target.files) add(e.target.files)
              e.target.value = ''
            }}
          />
          <Button variant="secondary" small onClick={() => fileInput.current?.click()} disabled={busy || photos.length >= MAX_PHOTOS}>
            {photos.length === 0 ? 'Choose photos' : 'Add more'}
          </Button>
        </div>

        {notice ? (
          <p className="notice notice--warning" role="status">
            {notice}
          </p>
        ) : null}

        {photos.length > 0 ? (
          <ol className="previews" aria-label="Photos in this post, in order">
            {photos.map((p, i) => (
              <li
                key={p.key}
                className={dragging === p.key ? 'preview is-dragging' : 'preview'}
                draggable={!busy}
                onDragStart={(e) => {
                  setDragging(p.key)
                  e.dataTransfer.effectAllowed = 'move'
                }}
                onDragEnd={() => setDragging(null)}
                onDragOver={(e) => {
                  if (!dragging) return
                  e.preventDefault()
                  const from = photos.findIndex((x) => x.key === dragging)
                  if (from !== i) move(from, i)
                }}
                tabIndex={0}
                aria-label={`Photo ${i + 1} of ${photos.length}: ${p.file.name}. Use the arrow keys to move it, Delete to remove it.`}
                onKeyDown={(e: KeyboardEvent) => {
                  if (busy) return
                  if (e.key === 'ArrowLeft') move(i, i - 1)
                  if (e.key === 'ArrowRight') move(i, i + 1)
                  if (e.key === 'Delete' || e.key === 'Backspace') remove(p.key)
                }}
              >
                <img src={p.url} alt="" />
                <span className="preview__index">{i + 1}</span>
                <div className="preview__tools">
                  <button
                    type="button"
                    aria-label={`Move photo ${i + 1} earlier`}
                    disabled={busy || i === 0}
                    onClick={() => move(i, i - 1)}
                  >
                    <ChevronLeft size={16} />
                  </button>
                  <button type="button" aria-label={`Remove photo ${i + 1}`} disabled={busy} onClick={() => remove(p.key)}>
                    <CloseIcon size={16} />
                  </button>
                  <button
                    type="button"
                    aria-label={`Move photo ${i + 1} later`}
                    disabled={busy || i === photos.length - 1}
                    onClick={() => move(i, i + 1)}
                  >
                    <ChevronRight size={16} />
                  </button>
                </div>
              </li>
            ))}
          </ol>
        ) : null}
        <p ref={live} className="sr-only" aria-live="polite" />

        {photos.length > 0 ? (
          <fieldset className="alt-fields">
            <legend>Descriptions</legend>
            <p id="alt-hint" className="muted small">
              Describe this photo for people who can’t see it.
            </p>
            {photos.map((p, i) => (
              <div key={p.key} className="alt-field">
                <img src={p.url} alt="" className="alt-field__thumb" />
                <div style={{ flex: 1, minWidth: 0 }}>
                  <label htmlFor={`alt-${p.key}`} className="field__label">
                    Description of photo {i + 1}
                  </label>
                  <textarea
                    id={`alt-${p.key}`}
                    className="input input--area"
                    rows={2}
                    maxLength={MAX_ALT}
                    placeholder="Describe this photo for people who can’t see it"
                    aria-describedby="alt-hint"
                    value={p.alt}
                    disabled={busy}
                    onChange={(e) => describe(p.key, e.target.value)}
                  />
                  {failure?.fields[`alt.${i}`] ? <p className="field__error">{failure.fields[`alt.${i}`]}</p> : null}
                </div>
              </div>
            ))}
          </fieldset>
        ) : null}

        <div className="cw">
          <label className="toggle">
            <input type="checkbox" checked={sensitive} disabled={busy} onChange={(e) => setSensitive(e.target.checked)} />
            <span>Sensitive content</span>
          </label>
          <p className="muted small">Photos are blurred until people choose to see them.</p>
          {sensitive ? (
            <div className="field" style={{ marginTop: 8 }}>
              <label htmlFor="composer-spoiler" className="field__label">
                Content warning (optional)
              </label>
              <input
                id="composer-spoiler"
                className="input"
                maxLength={MAX_SPOILER}
                placeholder="e.g. Spiders, medical photo"
                value={spoiler}
                disabled={busy}
                onChange={(e) => setSpoiler(e.target.value)}
              />
              {failure?.fields.spoilerText ? <p className="field__error">{failure.fields.spoilerText}</p> : null}
            </div>
          ) : null}
        </div>

        {busy && photos.length > 0 ? (
          <div>
            <div
              className="progress"
              role="progressbar"
              aria-label="Upload progress"
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round((progress ?? 0) * 100)}
            >
              <div className="progress__bar" style={{ width: `${Math.round((progress ?? 0) * 100)}%` }} />
            </div>
            <p className="muted small" style={{ marginTop: 6 }}>
              {(progress ?? 0) < 1 ? `Uploading… ${Math.round((progress ?? 0) * 100)}%` : 'Processing photos…'}
            </p>
          </div>
        ) : null}

        <FormError message={failure && !fieldShown ? failure.message : undefined} />

        <div style={{ display: 'flex', justifyContent: 'flex-end', gap: 8 }}>
          {busy && photos.length > 0 ? (
            <Button variant="secondary" onClick={() => abort.current?.abort()}>
              Cancel upload
            </Button>
          ) : (
            <Button variant="secondary" onClick={() => navigate('/')}>
              Discard
            </Button>
          )}
          <Button type="submit" busy={busy} disabled={!canPost}>
            Share
          </Button>
        </div>
      </form>
    </div>
  )
}

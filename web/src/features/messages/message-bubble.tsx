// One message as a bubble: text, photo or file, "deleted", pending or failed with a retry, and a
// two-step delete on your own messages.
import { useState, type ReactNode } from 'react'
import { clockTime, fileSize } from '../../lib/format'
import { CloseIcon, FileIcon } from '../../ui/icons'
import { Photo } from '../../ui/image'
import type { Shown } from './use-conversation'

export function Bubble({ m, mine, onDelete }: { m: Shown; mine: boolean; onDelete: () => void }) {
  const [menu, setMenu] = useState(false)
  const a = m.attachment
  let body: ReactNode
  let cls = 'bubble'
  if (m.isDeleted) {
    cls += ' bubble--deleted'
    body = mine ? 'You deleted a message' : 'Message deleted'
  } else if (a && m.type === 'image' && a.width && a.height) {
    cls += ' bubble--media'
    body = (
      <>
        <a href={a.url} target="_blank" rel="noopener noreferrer" aria-label={`Open photo ${a.name}`}>
          <Photo src={a.url} width={a.width} height={a.height} placeholder={a.placeholder} alt={a.name} />
        </a>
        {m.content ? (
          <div className="bubble" style={{ marginTop: 4 }}>
            {m.content}
          </div>
        ) : null}
      </>
    )
  } else if (a) {
    body = (
      <>
        <a className="bubble__file" href={a.url} download={a.name} target="_blank" rel="noopener noreferrer">
          <FileIcon size={20} />
          <span>
            {a.name} <span style={{ opacity: 0.75 }}>· {fileSize(a.size)}</span>
          </span>
        </a>
        {m.content ? <div style={{ marginTop: 4 }}>{m.content}</div> : null}
      </>
    )
  } else {
    body = m.content
  }
  return (
    <div className={mine ? 'bubble-row is-mine' : 'bubble-row'} onMouseLeave={() => setMenu(false)}>
      {mine && !m.isDeleted && m.id > 0 ? (
        <button
          type="button"
          className={menu ? 'icon-btn bubble__delete is-armed' : 'icon-btn bubble__delete'}
          style={{ width: menu ? 'auto' : 28, height: 28, padding: menu ? '0 8px' : 0, borderRadius: 14 }}
          aria-label="Delete this message"
          title="Delete"
          onClick={() => (menu ? onDelete() : setMenu(true))}
        >
          {menu ? <span style={{ fontSize: 12, color: 'var(--danger)', fontWeight: 650 }}>Delete?</span> : <CloseIcon size={14} />}
        </button>
      ) : null}
      <div className={cls} title={clockTime(m.createdAt)} style={m.pending ? { opacity: 0.6 } : undefined}>
        {body}
      </div>
      {m.pending === 'failed' ? (
        <button type="button" className="btn btn--link small" onClick={m.retry} style={{ color: 'var(--danger)' }}>
          Not sent · Retry
        </button>
      ) : null}
    </div>
  )
}

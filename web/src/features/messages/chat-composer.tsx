// The message box under a conversation: text (Enter sends, Shift+Enter breaks the line), one
// attachment with its upload progress, and the typing signal.
import { useRef, useState, type FormEvent } from 'react'
import { fileSize } from '../../lib/format'
import { CloseIcon, FileIcon, PaperclipIcon, SendIcon } from '../../ui/icons'

interface Props {
  /** upload progress of the message being sent with a file (0..1), null when none */
  progress: number | null
  onSend: (content: string, file: File | null) => void
  onTyping: () => void
}

export function ChatComposer({ progress, onSend, onTyping }: Props) {
  const [text, setText] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const textInput = useRef<HTMLTextAreaElement>(null)

  const send = (e?: FormEvent) => {
    e?.preventDefault()
    const content = text.trim()
    if ((!content && !file) || progress !== null) return
    setText('')
    setFile(null)
    onSend(content, file)
  }

  return (
    <>
      {file ? (
        <div className="chat__attachment">
          {file.type.startsWith('image/') ? <PaperclipIcon size={18} /> : <FileIcon size={18} />}
          <span style={{ flex: 1, minWidth: 0, overflow: 'hidden', textOverflow: 'ellipsis' }}>
            {file.name} · {fileSize(file.size)}
            {progress !== null ? ` · ${Math.round(progress * 100)}%` : ''}
          </span>
          <button
            type="button"
            className="icon-btn"
            style={{ width: 28, height: 28 }}
            aria-label="Remove attachment"
            onClick={() => setFile(null)}
          >
            <CloseIcon size={16} />
          </button>
        </div>
      ) : null}
      <form className="chat__compose" onSubmit={send}>
        <input
          ref={fileInput}
          type="file"
          hidden
          onChange={(e) => {
            const f = e.target.files?.[0]
            if (f) setFile(f)
            e.target.value = ''
            textInput.current?.focus()
          }}
        />
        <label htmlFor="message-input" className="sr-only">
          Message
        </label>
        <textarea
          id="message-input"
          ref={textInput}
          rows={1}
          placeholder="Message…"
          value={text}
          maxLength={5000}
          onChange={(e) => {
            setText(e.target.value)
            if (e.target.value.trim()) onTyping()
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault()
              send()
            }
          }}
        />
        <button type="button" className="icon-btn" aria-label="Attach a photo or file" onClick={() => fileInput.current?.click()}>
          <PaperclipIcon size={22} />
        </button>
        <button
          type="submit"
          className="icon-btn"
          aria-label="Send"
          disabled={(!text.trim() && !file) || progress !== null}
          style={{ color: 'var(--accent)' }}
        >
          <SendIcon size={22} />
        </button>
      </form>
    </>
  )
}

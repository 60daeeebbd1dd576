// A textarea that completes `@username`: typing @ and a letter or more lists matching people
// (GET /search?type=users); arrows move, Enter or Tab inserts "@username ", Escape closes. The
// list is a listbox the textarea points at with aria-activedescendant, so screen readers follow
// the highlighted person while focus stays in the text.
import { useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject, type TextareaHTMLAttributes } from 'react'
import { api } from '../../api/client'
import { call } from '../../api/problem'
import type { UserSummary } from '../../api/types'
import { Avatar } from '../../ui/avatar'

/** The `@prefix` being typed just before the caret, if any. */
const MENTION = /(?:^|[^\w@])@([A-Za-z0-9_]{1,30})$/

interface Props extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'> {
  value: string
  onValueChange: (value: string) => void
  inputRef?: RefObject<HTMLTextAreaElement | null>
}

export function MentionTextarea({ value, onValueChange, inputRef, onKeyDown, ...rest }: Props) {
  const own = useRef<HTMLTextAreaElement>(null)
  const ref = inputRef ?? own
  const listId = useId()
  const [token, setToken] = useState<{ prefix: string; start: number; end: number } | null>(null)
  const [people, setPeople] = useState<UserSummary[]>([])
  const [active, setActive] = useState(0)

  // What is being typed at the caret, after every change or caret move.
  const inspect = (el: HTMLTextAreaElement) => {
    const end = el.selectionStart
    if (end !== el.selectionEnd) return setToken(null)
    const m = MENTION.exec(el.value.slice(0, end))
    setToken(m ? { prefix: m[1]!, start: end - m[1]!.length - 1, end } : null)
  }

  const prefix = token?.prefix ?? null
  useEffect(() => {
    if (prefix === null) {
      setPeople([])
      return
    }
    let live = true
    const timer = setTimeout(() => {
      call(api.GET('/api/hearth/v1/search', { params: { query: { q: prefix, type: 'users', limit: 6 } } }))
        .then((page) => {
          if (!live) return
          setPeople((page as { items: UserSummary[] }).items)
          setActive(0)
        })
        .catch(() => live && setPeople([]))
    }, 150)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [prefix])

  const open = token !== null && people.length > 0

  const choose = (u: UserSummary) => {
    if (!token) return
    const insert = `@${u.username} `
    const next = value.slice(0, token.start) + insert + value.slice(token.end).replace(/^ /, '')
    onValueChange(next)
    setToken(null)
    setPeople([])
    const caret = token.start + insert.length
    requestAnimationFrame(() => {
      ref.current?.focus()
      ref.current?.setSelectionRange(caret, caret)
    })
  }

  const keyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (open) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault()
        const step = e.key === 'ArrowDown' ? 1 : -1
        setActive((i) => (i + step + people.length) % people.length)
        return
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault()
        choose(people[active] ?? people[0]!)
        return
      }
      if (e.key === 'Escape') {
        e.preventDefault()
        setToken(null)
        setPeople([])
        return
      }
    }
    onKeyDown?.(e)
  }

  const optionId = (i: number) => `${listId}-option-${i}`
  return (
    <div className="mention">
      <textarea
        {...rest}
        ref={ref}
        value={value}
        onChange={(e) => {
          onValueChange(e.target.value)
          inspect(e.target)
        }}
        onSelect={(e) => inspect(e.currentTarget)}
        onBlur={(e) => {
          setToken(null)
          rest.onBlur?.(e)
        }}
        onKeyDown={keyDown}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? optionId(active) : undefined}
      />
      {open ? (
        <ul id={listId} className="mention__list card" role="listbox" aria-label="People to mention">
          {people.map((u, i) => (
            <li
              key={u.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'mention__option is-active' : 'mention__option'}
              // mousedown, not click: the textarea keeps its focus and caret
              onMouseDown={(e) => {
                e.preventDefault()
                choose(u)
              }}
              onMouseEnter={() => setActive(i)}
            >
              <Avatar user={u} size={28} />
              <span>
                <strong>@{u.username}</strong>
                {u.displayName ? <span className="muted"> {u.displayName}</span> : null}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

// One conversation: history loads upward as you scroll, new messages arrive live on the stream,
// sends show at once and say when they failed, "Seen" follows the other side's read receipts,
// and after a network drop the stream's catch-up (plus a fresh first page) fills the gap.
// The state lives in useConversation; this file draws it and keeps the scroll position.
import { useLayoutEffect, useRef } from 'react'
import { Link } from 'wouter'
import type { UserSummary } from '../../api/types'
import { useTitle } from '../../lib/use-title'
import { Avatar } from '../../ui/avatar'
import { ChevronLeft } from '../../ui/icons'
import { ErrorState, Loading } from '../../ui/states'
import { useLive } from '../live/live'
import { ChatComposer } from './chat-composer'
import { Bubble } from './message-bubble'
import { useConversation, type Shown } from './use-conversation'

const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'short', day: 'numeric' })

export function ConversationView({ id }: { id: number }) {
  const c = useConversation(id)
  const live = useLive()
  const scroller = useRef<HTMLDivElement>(null)
  const stickToBottom = useRef(true)
  const keepOffset = useRef<number | null>(null)

  const loadOlder = async () => {
    if (!c.hasOlder || c.loadingOlder) return
    const el = scroller.current
    keepOffset.current = el ? el.scrollHeight - el.scrollTop : null
    if (!(await c.loadOlder())) keepOffset.current = null
  }

  // Keep the reader where they were when older messages are added above, and follow new ones
  // at the bottom only if they were already there.
  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    if (keepOffset.current !== null) {
      el.scrollTop = el.scrollHeight - keepOffset.current
      keepOffset.current = null
    } else if (stickToBottom.current) {
      el.scrollTop = el.scrollHeight
    }
  }, [c.messages])

  const onScroll = () => {
    const el = scroller.current
    if (!el) return
    stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80
    if (el.scrollTop < 150) void loadOlder()
  }

  const { other } = c
  useTitle(other ? `${other.displayName || other.username} · Messages` : 'Messages')
  const name = other ? other.displayName || other.username : 'Conversation'

  return (
    <section className="chat" aria-label={`Conversation with ${name}`}>
      <ChatHeader other={other} name={name} />
      {!live.connected ? (
        <div className="conn-banner" role="status">
          Reconnecting… new messages will appear when you’re back online.
        </div>
      ) : null}
      <div
        className="chat__scroll"
        ref={scroller}
        onScroll={onScroll}
        aria-live="polite"
        aria-relevant="additions"
        tabIndex={0}
        aria-label="Messages"
      >
        {!c.loaded ? (
          <Loading />
        ) : c.error && c.messages.length === 0 ? (
          <ErrorState error={c.error} retry={() => void c.loadNewest()} />
        ) : (
          <>
            {c.hasOlder ? (
              <div className="chat__status">
                {c.loadingOlder ? (
                  'Loading earlier messages…'
                ) : (
                  <button type="button" className="btn btn--ghost btn--small" onClick={() => void loadOlder()}>
                    Load earlier messages
                  </button>
                )}
              </div>
            ) : c.messages.length > 0 ? (
              <div className="chat__status">This is the start of your conversation with {name}.</div>
            ) : null}
            {c.messages.length === 0 ? (
              <div className="state">
                {other ? <Avatar user={other} size={84} /> : null}
                <p className="state__title">{name}</p>
                <p>Say hello — messages here are only between the two of you.</p>
              </div>
            ) : null}
            <MessageList messages={c.messages} meId={c.meId} onDelete={(m) => void c.remove(m)} />
            {c.otherTyping ? <TypingBubble name={name} /> : null}
          </>
        )}
      </div>
      {c.readOnly ? (
        <p className="chat__read-only" role="status">
          You can’t send messages in this conversation any more. Its history stays here.
        </p>
      ) : (
        <ChatComposer
          progress={c.progress}
          onTyping={c.typing}
          onSend={(content, file) => {
            stickToBottom.current = true
            c.send(content, file)
          }}
        />
      )}
    </section>
  )
}

function ChatHeader({ other, name }: { other: UserSummary | undefined; name: string }) {
  return (
    <header className="chat__head">
      <Link href="~/messages" className="icon-btn chat__back" aria-label="Back to messages">
        <ChevronLeft />
      </Link>
      {other ? (
        <Link href={`~/@${other.username}`} style={{ display: 'flex', alignItems: 'center', gap: 10 }}>
          <Avatar user={other} size={40} />
          <span>
            <strong style={{ display: 'block' }}>{name}</strong>
            <span className="muted small">@{other.username}</span>
          </span>
        </Link>
      ) : (
        <strong>{name}</strong>
      )}
    </header>
  )
}

/** The messages with a line for each new day, and "Seen" under your last one once it was read. */
function MessageList({ messages, meId, onDelete }: { messages: Shown[]; meId: number; onDelete: (m: Shown) => void }) {
  const lastMine = [...messages].reverse().find((m) => m.senderId === meId && m.id > 0)
  return (
    <>
      {messages.map((m, i) => {
        const prev = messages[i - 1]
        const day = new Date(m.createdAt).toDateString()
        const newDay = !prev || new Date(prev.createdAt).toDateString() !== day
        return (
          <div key={m.localKey ?? m.id}>
            {newDay ? <p className="chat__day">{dayFmt.format(new Date(m.createdAt))}</p> : null}
            <Bubble m={m} mine={m.senderId === meId} onDelete={() => onDelete(m)} />
            {m === lastMine && m.isRead ? <p className="chat__seen">Seen</p> : null}
          </div>
        )
      })}
    </>
  )
}

function TypingBubble({ name }: { name: string }) {
  return (
    <div className="bubble-row" aria-live="polite">
      <div className="bubble typing" aria-label={`${name} is typing`}>
        <span />
        <span />
        <span />
      </div>
    </div>
  )
}

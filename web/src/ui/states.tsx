// Loading, empty and error states, so no screen is ever just blank.
import type { ReactNode } from 'react'
import type { Failure } from '../api/problem'
import { Button, Spinner } from './controls'

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="state state--loading">
      <Spinner label={label} />
    </div>
  )
}

export function Empty({ icon, title, children }: { icon?: ReactNode; title: string; children?: ReactNode }) {
  return (
    <div className="state state--empty">
      {icon ? <div className="state__icon">{icon}</div> : null}
      <h2 className="state__title">{title}</h2>
      {children ? <div className="state__body">{children}</div> : null}
    </div>
  )
}

export function ErrorState({ error, retry, title = 'Something went wrong' }: { error: Failure; retry?: () => void; title?: string }) {
  const notFound = error.status === 404
  return (
    <div className="state state--error" role="alert">
      <h2 className="state__title">{notFound ? 'Not found' : title}</h2>
      <p className="state__body">{error.message}</p>
      {retry && !notFound ? (
        <Button variant="secondary" onClick={retry}>
          Try again
        </Button>
      ) : null}
    </div>
  )
}

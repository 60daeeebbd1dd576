import { useEffect, useRef, useState } from 'react'
import { Link, useSearch } from 'wouter'
import { api } from '../../api/client'
import { call, failureOf, type Failure } from '../../api/problem'
import { useSession } from '../../api/session'
import { Notice } from '../../ui/controls'
import { Loading } from '../../ui/states'
import { AuthLayout } from './auth-layout'

/** The target of the mailed link: confirms the address as soon as the page opens. */
export function VerifyEmail() {
  const token = new URLSearchParams(useSearch()).get('token') ?? ''
  const session = useSession()
  const [state, setState] = useState<'working' | 'done' | Failure>('working')
  const started = useRef(false)

  useEffect(() => {
    if (!token || started.current) return
    started.current = true
    call(api.POST('/api/v1/auth/email/verify', { body: { token } }))
      .then(() => setState('done'))
      .catch((e: unknown) => setState(failureOf(e)))
  }, [token])

  const next = session.status === 'signed-in' ? '/' : '/signin'
  return (
    <AuthLayout title="Confirm your email" footer={<Link href={next}>{session.status === 'signed-in' ? 'Go to your feed' : 'Sign in'}</Link>}>
      {!token ? (
        <Notice tone="warning">This page needs the link from the email we sent you.</Notice>
      ) : state === 'working' ? (
        <Loading label="Confirming your email" />
      ) : state === 'done' ? (
        <Notice tone="success">Thanks — your email address is confirmed.</Notice>
      ) : (
        <Notice tone="warning">{state.message} You can ask for a new link from Settings.</Notice>
      )}
    </AuthLayout>
  )
}

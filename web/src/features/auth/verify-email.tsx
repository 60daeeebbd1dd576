import { Link } from 'wouter'
import { api } from '../../api/client'
import { call } from '../../api/problem'
import { useSession } from '../../api/session'
import { Notice } from '../../ui/controls'
import { Loading } from '../../ui/states'
import { AuthLayout } from './auth-layout'
import { useMailedLink } from './mailed-link'

/** The target of the mailed link: confirms the address as soon as the page opens. */
export function VerifyEmail() {
  const session = useSession()
  const { token, state } = useMailedLink((token) => call(api.POST('/api/hearth/v1/auth/email/verify', { body: { token } })))

  const next = session.status === 'signed-in' ? '/' : '/signin'
  return (
    <AuthLayout
      title="Confirm your email"
      footer={<Link href={next}>{session.status === 'signed-in' ? 'Go to your feed' : 'Sign in'}</Link>}
    >
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

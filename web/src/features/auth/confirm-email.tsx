import { Link } from 'wouter'
import { api } from '../../api/client'
import { call } from '../../api/problem'
import { getSession, sessionSettled, updateUser, useSession } from '../../api/session'
import { Notice } from '../../ui/controls'
import { Loading } from '../../ui/states'
import { AuthLayout } from './auth-layout'
import { useMailedLink } from './mailed-link'

/** A signed-in tab shows the new address at once; signed out, the next sign-in brings it. */
async function showNewAddress() {
  await sessionSettled()
  if (getSession().status === 'signed-in') updateUser(await call(api.GET('/api/hearth/v1/users/me')))
}

/** The target of the link mailed to a new address: moves the account there as soon as the page opens. */
export function ConfirmEmail() {
  const session = useSession()
  const { token, state } = useMailedLink(async (token) => {
    await call(api.POST('/api/hearth/v1/auth/email/change/confirm', { body: { token } }))
    void showNewAddress().catch(() => {})
  })

  const signedIn = session.status === 'signed-in'
  return (
    <AuthLayout
      title="Confirm your new email"
      footer={<Link href={signedIn ? '/settings/profile' : '/signin'}>{signedIn ? 'Back to settings' : 'Sign in'}</Link>}
    >
      {!token ? (
        <Notice tone="warning">This page needs the link from the email we sent to your new address.</Notice>
      ) : state === 'working' ? (
        <Loading label="Changing your email address" />
      ) : state === 'done' ? (
        <Notice tone="success">Your email address is changed and confirmed. Sign in with it from now on.</Notice>
      ) : (
        <Notice tone="warning">{state.message} You can ask for a new link in Settings › Edit profile.</Notice>
      )}
    </AuthLayout>
  )
}

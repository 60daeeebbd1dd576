import { useRef, useState, type FormEvent } from 'react'
import { api } from '../../api/client'
import { call, failureOf, type Failure } from '../../api/problem'
import { updateUser } from '../../api/session'
import type { Me } from '../../api/types'
import { upload } from '../../lib/upload'
import { forgetList } from '../../lib/use-infinite'
import { invalidate } from '../../lib/use-query'
import { Avatar } from '../../ui/avatar'
import { Button, Field, FormError, TextArea } from '../../ui/controls'
import { toast } from '../../ui/toast'
import { EmailSettings } from './email-settings'

export function ProfileSettings({ me }: { me: Me }) {
  const [form, setForm] = useState({ displayName: me.displayName ?? '', username: me.username, bio: me.bio ?? '' })
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure>()
  const [avatarBusy, setAvatarBusy] = useState<number | null>(null)
  const [avatarError, setAvatarError] = useState<string>()
  const file = useRef<HTMLInputElement>(null)

  const changed = form.displayName !== (me.displayName ?? '') || form.username !== me.username || form.bio !== (me.bio ?? '')

  const save = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setFailure(undefined)
    try {
      const updated = await call(
        api.PATCH('/api/hearth/v1/users/me', {
          body: { displayName: form.displayName.trim() || null, bio: form.bio.trim() || null, username: form.username.trim() },
        }),
      )
      updateUser(updated)
      invalidate('profile:')
      toast('Profile saved')
    } catch (err) {
      setFailure(failureOf(err))
    } finally {
      setBusy(false)
    }
  }

  const changeAvatar = async (f: File) => {
    setAvatarError(undefined)
    setAvatarBusy(0)
    try {
      const form = new FormData()
      form.append('file', f, f.name)
      await upload('/api/hearth/v1/users/me/avatar', form, { method: 'PUT', onProgress: setAvatarBusy })
      updateUser(await call(api.GET('/api/hearth/v1/users/me')))
      invalidate('profile:')
      forgetList('feed:')
      toast('Profile photo updated')
    } catch (err) {
      setAvatarError(failureOf(err).message)
    } finally {
      setAvatarBusy(null)
    }
  }

  const fields = failure?.fields ?? {}
  return (
    <section aria-labelledby="profile-settings">
      <h2 id="profile-settings">Edit profile</h2>
      <div className="avatar-edit">
        <Avatar user={me} size={64} />
        <div style={{ flex: 1, minWidth: 0 }}>
          <p style={{ fontWeight: 650 }}>{me.username}</p>
          <p className="muted small">
            {avatarBusy !== null ? `Uploading… ${Math.round(avatarBusy * 100)}%` : 'JPEG, PNG, WebP, GIF or HEIC.'}
          </p>
          {avatarError ? (
            <p className="field__error" role="alert">
              {avatarError}
            </p>
          ) : null}
        </div>
        <input
          ref={file}
          type="file"
          accept="image/*"
          hidden
          aria-label="Choose a profile photo"
          onChange={(e) => {
            const f = e.target.files?.[0]
            if (f) void changeAvatar(f)
            e.target.value = ''
          }}
        />
        <Button small busy={avatarBusy !== null} onClick={() => file.current?.click()}>
          Change photo
        </Button>
      </div>
      <form className="form" onSubmit={(e) => void save(e)} noValidate>
        <Field
          label="Name"
          value={form.displayName}
          maxLength={100}
          autoComplete="name"
          onChange={(e) => setForm({ ...form, displayName: e.target.value })}
          error={fields.displayName}
        />
        <Field
          label="Username"
          value={form.username}
          autoCapitalize="none"
          spellCheck={false}
          onChange={(e) => setForm({ ...form, username: e.target.value })}
          error={fields.username}
          hint={`Your profile: ${location.origin}/@${form.username || '…'}`}
        />
        <TextArea
          label="Bio"
          value={form.bio}
          maxLength={1000}
          rows={4}
          onChange={(e) => setForm({ ...form, bio: e.target.value })}
          error={fields.bio}
          hint={`${form.bio.length} / 1000`}
        />
        <FormError message={failure && Object.keys(fields).length === 0 ? failure.message : undefined} />
        <div>
          <Button type="submit" busy={busy} disabled={!changed}>
            Save
          </Button>
        </div>
      </form>
      <EmailSettings me={me} />
    </section>
  )
}

// Notification settings: per type of notification and per channel, whether the user wants it.
// Defaults keep what Hearth did before there were settings: every type is emailed (as one digest
// of what stayed unread, so likes never flood an inbox). Push has no sender yet (the Web Push
// issue); its values are stored and returned already, on for everything but likes.
// Only what differs from these defaults is stored (settings-queries.ts), so a default changed
// here applies to everyone who never touched it.
import type { NotificationType } from './notify.js'

export const NOTIFICATION_TYPES = [
  'like',
  'comment',
  'follow',
  'follow_request',
  'mention',
  'message',
] as const satisfies readonly NotificationType[]
export const CHANNELS = ['email', 'push'] as const
export type Channel = (typeof CHANNELS)[number]

export type ChannelSettings = Record<Channel, boolean>
export type NotificationSettings = Record<NotificationType, ChannelSettings>
export type SettingsPatch = Partial<Record<NotificationType, Partial<ChannelSettings>>>
/** What is stored: only the values that differ from the defaults. */
export type Overrides = Partial<Record<string, Partial<Record<string, boolean>>>>

export const DEFAULT_SETTINGS: NotificationSettings = {
  like: { email: true, push: false },
  comment: { email: true, push: true },
  follow: { email: true, push: true },
  follow_request: { email: true, push: true },
  mention: { email: true, push: true },
  message: { email: true, push: true },
}

/** How emails name a type ("Stop emails about likes"). */
export const TYPE_LABELS: Record<NotificationType, string> = {
  like: 'likes',
  comment: 'comments',
  follow: 'new followers',
  follow_request: 'follow requests',
  mention: 'mentions',
  message: 'messages',
}

export const isNotificationType = (s: string): s is NotificationType => (NOTIFICATION_TYPES as readonly string[]).includes(s)

/** The defaults with the stored overrides on top; anything stored for a type or channel no longer known is ignored. */
export function resolveSettings(overrides: Overrides | undefined): NotificationSettings {
  const out = {} as NotificationSettings
  for (const type of NOTIFICATION_TYPES) {
    const stored = overrides?.[type] ?? {}
    out[type] = { ...DEFAULT_SETTINGS[type] }
    for (const channel of CHANNELS) {
      const v = stored[channel]
      if (typeof v === 'boolean') out[type][channel] = v
    }
  }
  return out
}

/** The overrides after `patch`: values equal to the default are dropped, so a user back on the defaults stores nothing. */
export function applyPatch(overrides: Overrides | undefined, patch: SettingsPatch): Overrides {
  const next = resolveSettings(overrides)
  for (const type of NOTIFICATION_TYPES) {
    for (const channel of CHANNELS) {
      const v = patch[type]?.[channel]
      if (v !== undefined) next[type][channel] = v
    }
  }
  const out: Overrides = {}
  for (const type of NOTIFICATION_TYPES) {
    for (const channel of CHANNELS) {
      if (next[type][channel] !== DEFAULT_SETTINGS[type][channel]) out[type] = { ...out[type], [channel]: next[type][channel] }
    }
  }
  return out
}

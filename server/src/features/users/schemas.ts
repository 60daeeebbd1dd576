import { Type } from '@fastify/type-provider-typebox'

export const USERNAME_PATTERN = '^[A-Za-z0-9_]{3,30}$'
export const Username = Type.String({
  pattern: USERNAME_PATTERN,
  minLength: 3,
  maxLength: 30,
  description: '3 to 30 letters, digits or underscores; unique regardless of case.',
})
export const Email = Type.String({ format: 'email', maxLength: 255 })
export const DisplayName = Type.String({ maxLength: 100 })
export const Bio = Type.String({ maxLength: 1000 })

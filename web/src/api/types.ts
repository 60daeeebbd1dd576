// Shapes the screens use, all derived from the generated OpenAPI types (never written by hand).
import type { components, paths } from './schema'

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never
type Success<R> = R extends { 200: infer S } ? S : R extends { 201: infer S } ? S : never
/** The JSON body of a route's success response. */
export type Ok<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch' | 'delete'> = Json<
  Success<NonNullable<paths[P][M]> extends { responses: infer R } ? R : never>
>
type ItemOf<P extends keyof paths> = Ok<P, 'get'> extends { items: (infer I)[] } ? I : never

export type Problem = components['schemas']['Problem']
export type Me = components['schemas']['Me']
export type PublicProfile = components['schemas']['PublicProfile']
export type UserSummary = components['schemas']['UserSummary']
export type Post = components['schemas']['Post']
export type PostImage = components['schemas']['PostImage']
export type Comment = components['schemas']['Comment']
export type AuthResponse = Ok<'/api/hearth/v1/auth/login', 'post'>
export type DeviceSession = ItemOf<'/api/hearth/v1/auth/sessions'>
export type FollowListUser = ItemOf<'/api/hearth/v1/users/{id}/followers'>
export type Conversation = ItemOf<'/api/hearth/v1/conversations'>
export type Message = ItemOf<'/api/hearth/v1/conversations/{id}/messages'>
export type NotificationGroup = components['schemas']['NotificationGroup']
/** One notification (the list without `grouped`). */
export type Notification = Exclude<ItemOf<'/api/hearth/v1/notifications'>, NotificationGroup>
export type Report = ItemOf<'/api/hearth/v1/admin/reports'>
export type AdminUser = ItemOf<'/api/hearth/v1/admin/users'>

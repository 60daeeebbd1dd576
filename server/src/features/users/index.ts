// The public face of features/users: what other features, app.ts and the tools may use.
export {
  actorSummary,
  findVisibleUserById,
  insertUser,
  lockAdmins,
  lockUser,
  setBlocked,
  setRole,
  updateUser,
  updateUserPassword,
  type UserRow,
} from './queries.js'
export { usersRoutes } from './routes.js'
export { DisplayName, Email, Username } from './schemas.js'
export { UserCache } from './user-cache.js'
export { Me, presentMe, presentSummary, PublicProfile, UserSummary } from './views.js'

// The public face of features/users: what other features, app.ts and the tools may use.
export {
  actorSummary,
  addFollowersInBulk,
  adjustFollowCounts,
  adjustPostsCount,
  findVisibleUserById,
  insertUser,
  insertUserIfFree,
  lockAdmins,
  lockUser,
  makeConfiguredAdmin,
  markEmailVerified,
  setBlocked,
  setPasswordProvingEmail,
  setProvenEmail,
  setRole,
  swapAvatarUrl,
  updateUser,
  updateUserPassword,
  type UserRow,
} from './queries.js'
export {
  accountsDueForPurge,
  clearDeletionRequest,
  makeTombstone,
  markDeletionRequested,
  subtractFollowCounts,
} from './deletion-queries.js'
export { DisplayName, Email, Username } from './schemas.js'
export { UserCache } from './user-cache.js'
export { Me, presentMe, presentSummary, PublicProfile, UserSummary } from './views.js'
// Last: routes and the service pull in other features (follows, visibility) whose modules import this face's
// schemas and views while it is being evaluated, so those must already be initialised.
export { searchPeople } from './service.js'
export { usersRoutes } from './routes.js'
export { UsersService } from './service.js'

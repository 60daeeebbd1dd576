// The public face of features/auth: what other features, app.ts and the tools may use.
export { ensureAdmin } from './bootstrap.js'
export { emailRoutes } from './email-routes.js'
export { hashPassword } from './passwords.js'
export { revokeSessions, sessionTokensOfUsers } from './queries.js'
export { authRoutes, clientInfo, setRefreshCookie } from './routes.js'
export { type AuthResult, AuthService, type ClientInfo } from './service.js'
export { SessionCache } from './session-cache.js'
export { randomToken, sameHash, sha256, TokenService } from './tokens.js'

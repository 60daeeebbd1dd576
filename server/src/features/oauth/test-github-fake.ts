// A small local server speaking GitHub's OAuth and REST shapes, for tests (no internet here):
// /login/oauth/authorize redirects back with a code, /login/oauth/access_token checks the client,
// the redirect URI and the PKCE verifier (codes work once), /user and /user/emails answer for
// the access token. Whoever the test put in `nextLogin` approves the next authorization.
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface GithubAccount {
  id: number
  login: string
  name: string | null
  avatar_url: string
  emails: { email: string; primary: boolean; verified: boolean }[]
}

export interface TestGithub {
  url: string
  clientId: string
  clientSecret: string
  accounts: Map<string, GithubAccount>
  nextLogin: string
  /** when set, the next authorizations answer with this OAuth error instead of a code */
  denyWith: string | undefined
  close(): Promise<void>
}

const b64url = (buf: Buffer) => buf.toString('base64url')

export async function startTestGithub(): Promise<TestGithub> {
  const codes = new Map<string, { login: string; challenge: string; redirectUri: string }>()
  const tokens = new Map<string, string>()
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const gh: TestGithub = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clientId: 'gh-test-client',
    clientSecret: 'gh-test-secret-0123456789',
    accounts: new Map(),
    nextLogin: '',
    denyWith: undefined,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' })
    res.end(JSON.stringify(body))
  }
  const readForm = async (req: IncomingMessage) => {
    let raw = ''
    for await (const chunk of req) raw += chunk
    return new URLSearchParams(raw)
  }
  const accountFor = (req: IncomingMessage) => {
    const m = /^(?:Bearer|token) (\S+)$/i.exec(req.headers.authorization ?? '')
    const login = m ? tokens.get(m[1]!) : undefined
    return login ? gh.accounts.get(login) : undefined
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url!, gh.url)
    if (req.method === 'GET' && url.pathname === '/login/oauth/authorize') {
      const p = url.searchParams
      const redirectUri = p.get('redirect_uri')
      if (p.get('client_id') !== gh.clientId || !redirectUri) return send(res, 400, { error: 'bad client or redirect_uri' })
      if (p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge')) return send(res, 400, { error: 'PKCE required' })
      const back = new URL(redirectUri)
      if (gh.denyWith) {
        back.searchParams.set('error', gh.denyWith)
        back.searchParams.set('error_description', 'The user has denied your application access.')
      } else {
        const code = b64url(randomBytes(16))
        codes.set(code, { login: gh.nextLogin, challenge: p.get('code_challenge')!, redirectUri })
        back.searchParams.set('code', code)
      }
      if (p.get('state')) back.searchParams.set('state', p.get('state')!)
      res.writeHead(302, { location: back.toString() })
      return res.end()
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      const form = await readForm(req)
      const basic = /^Basic (\S+)$/.exec(req.headers.authorization ?? '')
      const [id, secret] = basic
        ? Buffer.from(basic[1]!, 'base64').toString().split(':').map(decodeURIComponent)
        : [form.get('client_id'), form.get('client_secret')]
      if (id !== gh.clientId || secret !== gh.clientSecret) return send(res, 401, { error: 'invalid_client' })
      const code = form.get('code') ?? ''
      const grant = codes.get(code)
      codes.delete(code) // a code works once, whatever happens next
      const verifier = form.get('code_verifier') ?? ''
      if (
        !grant ||
        grant.redirectUri !== form.get('redirect_uri') ||
        b64url(createHash('sha256').update(verifier).digest()) !== grant.challenge
      ) {
        // GitHub's shape for a bad code: an error in the body (sent here with 400, as OAuth 2 says).
        return send(res, 400, { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' })
      }
      const token = `gho_${b64url(randomBytes(18))}`
      tokens.set(token, grant.login)
      return send(res, 200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' })
    }
    if (req.method === 'GET' && (url.pathname === '/user' || url.pathname === '/user/emails')) {
      const account = accountFor(req)
      if (!account) return send(res, 401, { message: 'Bad credentials' })
      if (!req.headers['user-agent']) return send(res, 403, { message: 'User-Agent required' })
      if (url.pathname === '/user/emails')
        return send(
          res,
          200,
          account.emails.map((e) => ({ ...e, visibility: e.primary ? 'private' : null })),
        )
      const { emails: _emails, ...user } = account
      return send(res, 200, { ...user, email: null, type: 'User' })
    }
    send(res, 404, { message: 'Not Found' })
  }
  // A failure inside the fake answers 500 instead of leaving the client waiting.
  server.on('request', (req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, { message: String(e) }))
  })
  return gh
}

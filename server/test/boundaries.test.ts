// The import rule of the README's Architecture section (eslint/boundaries.js), run through ESLint on
// small sources placed at the paths it judges: what it refuses, what it lets through, and its words.
import { fileURLToPath } from 'node:url'
import { Linter, type ESLint } from 'eslint'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const rulePath = new URL('../../eslint/boundaries.js', import.meta.url).href
const hearth = ((await import(rulePath)) as { default: ESLint.Plugin }).default
const linter = new Linter({ configType: 'flat', cwd: root })

function lint(file: string, code: string): string[] {
  const config: Linter.Config[] = [
    {
      files: ['**/*.{ts,tsx}'],
      languageOptions: { parser: tseslint.parser },
      plugins: { hearth },
      rules: { 'hearth/boundaries': 'error' },
    },
  ]
  return linter.verify(code, config, { filename: root + file }).map((m) => m.message)
}

describe('import boundaries', () => {
  it("refuses another feature's queries.ts, and says where to go instead", () => {
    expect(lint('server/src/features/admin/moderation.ts', "import { deletePost } from '../posts/queries.js'")).toEqual([
      'features/admin may import features/posts only through features/posts/index.ts (not features/posts/queries.ts).',
    ])
  })

  it("lets a feature use another's index.ts and all of its own files", () => {
    expect(lint('server/src/features/admin/moderation.ts', "import { deletePost } from '../posts/index.js'")).toEqual([])
    expect(lint('server/src/features/admin/moderation.ts', "import { audit } from './audit.js'")).toEqual([])
    expect(lint('server/src/features/admin/moderation.ts', "import { x } from '../../platform/db/index.js'")).toEqual([])
  })

  it('sees re-exports and dynamic imports too', () => {
    expect(lint('server/src/features/feed/index.ts', "export * from '../posts/views.js'")).toHaveLength(1)
    expect(lint('server/src/features/feed/service.ts', "const q = await import('../posts/queries.js')")).toHaveLength(1)
  })

  it("lets tests use another feature's test support, and only tests", () => {
    expect(lint('server/src/features/feed/feed.test.ts', "import { makePosts } from '../posts/test-support.js'")).toEqual([])
    expect(lint('server/src/features/oauth/test-fixture.ts', "import { startInbox } from '../auth/test-smtp-inbox.js'")).toEqual([])
    // one naming for test helpers (test-*.ts): a testing/ folder is no test support
    expect(lint('server/src/features/feed/feed.test.ts', "import { makePosts } from '../posts/testing/fixtures.js'")).toHaveLength(1)
    expect(lint('server/src/features/feed/feed.test.ts', "import { loadPost } from '../posts/queries.js'")).toHaveLength(1)
    expect(lint('server/src/features/feed/service.ts', "import { makePosts } from '../posts/test-support.js'")).toHaveLength(1)
  })

  it('keeps platform/ and lib/ below every feature', () => {
    expect(lint('server/src/platform/db/index.ts', "import { users } from '../../features/users/index.js'")).toEqual([
      'platform/ is below the features and imports none of them (found features/users/index.ts).',
    ])
    expect(lint('server/src/lib/keyset.ts', "import { x } from '../features/posts/index.js'")).toHaveLength(1)
  })

  it('keeps the web app off the server', () => {
    expect(lint('web/src/app.tsx', "import type { Post } from '../../server/src/features/posts/views.js'")).toEqual([
      'web/ imports nothing from server/ (found server/src/features/posts/views.js); use the generated types in web/src/api/ (npm run web:types).',
    ])
    expect(lint('web/src/app.tsx', "import type { paths } from './api/schema'")).toEqual([])
  })
})

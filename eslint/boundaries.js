// The import rule of the README's architecture section, as a local ESLint rule (no plugin needed):
// every relative import is resolved to a repository path and checked against three rules.
//   1. server/src/features/A/… may import server/src/features/B/… only through B/index.ts (its own
//      feature freely): index.ts is B's public face, the rest is B's business. Test code (*.test.ts
//      and the test helpers, test-*.ts) may also use another feature's test helpers (test-*.ts).
//   2. server/src/platform/ and server/src/lib/ import no feature: they are the layers below.
//   3. web/src/ imports nothing from server/: the web app knows the server only through its
//      generated types in web/src/api/ (`npm run web:types`, whose generator in web/scripts/ is the
//      one place that builds the server to read its OpenAPI document).
import { dirname, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Repository-relative path with forward slashes, or null when outside the repository. */
function repoPath(absolute) {
  const rel = relative(root, absolute)
  if (rel.startsWith('..') || rel === '') return null
  return rel.split(sep).join('/')
}

const FEATURE = /^server\/src\/features\/([^/]+)\/(.+)$/
const TEST_SUPPORT = /(^|\/)test-[^/]*$/
const TEST_CODE = /(\.test\.ts$|(^|\/)test-[^/]*$)/

/** `.js` in a relative import names the `.ts`/`.tsx` file next to it (NodeNext). */
function sourceName(path) {
  return path.replace(/\.jsx?$/, '.ts')
}

function check(from, to) {
  const target = to.match(FEATURE)
  const source = from.match(FEATURE)
  if (target && source && source[1] !== target[1]) {
    const file = sourceName(target[2])
    const testSupport = TEST_CODE.test(source[2]) && TEST_SUPPORT.test(file)
    if (file !== 'index.ts' && !testSupport) {
      return `features/${source[1]} may import features/${target[1]} only through features/${target[1]}/index.ts (not features/${target[1]}/${file}).`
    }
  }
  if (target && /^server\/src\/(platform|lib)\//.test(from)) {
    const layer = from.split('/')[2]
    return `${layer}/ is below the features and imports none of them (found features/${target[1]}/${sourceName(target[2])}).`
  }
  if (from.startsWith('web/src/') && to.startsWith('server/')) {
    return `web/ imports nothing from server/ (found ${to}); use the generated types in web/src/api/ (npm run web:types).`
  }
  return null
}

/** @type {import('eslint').Rule.RuleModule} */
const boundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce who may import whom (README, Architecture).' },
    schema: [],
  },
  create(context) {
    const from = repoPath(context.filename)
    if (!from) return {}
    const visit = (node) => {
      const spec = node.source
      if (!spec || spec.type !== 'Literal' || typeof spec.value !== 'string') return
      if (!spec.value.startsWith('.')) return
      const to = repoPath(resolve(dirname(context.filename), spec.value))
      if (!to) return
      const message = check(from, to)
      if (message) context.report({ node: spec, message })
    }
    return {
      ImportDeclaration: visit,
      ExportNamedDeclaration: visit,
      ExportAllDeclaration: visit,
      ImportExpression: visit,
    }
  },
}

export default { meta: { name: 'hearth' }, rules: { boundaries } }

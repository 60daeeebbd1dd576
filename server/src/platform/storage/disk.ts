import { randomBytes } from 'node:crypto'
import { constants, createReadStream } from 'node:fs'
import { access, lstat, mkdir, open, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import {
  assertValidKey,
  isValidKey,
  listAllKeys,
  MAX_LIST_PAGE,
  type ListedObject,
  type ListPage,
  type ObjectStorage,
  type StoredObject,
} from './types.js'

// Content type and cache policy live beside each file. `~` cannot appear in a key, so a sidecar
// never collides with an object, and list() can tell them apart.
const META_SUFFIX = '~meta.json'

interface Meta {
  contentType: string
  cacheControl?: string
}

const isNotFound = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT'

/**
 * Embedded default: one file per object under `root` (DATA_DIR/media), served by this server at
 * `publicBaseUrl/<key>` (see features/media/routes.ts).
 */
export function createDiskStorage(root: string, publicBaseUrl: string): ObjectStorage {
  const base = publicBaseUrl.replace(/\/+$/, '')
  // Keys are validated before they become paths: segments start with [A-Za-z0-9], so `..`, `.`,
  // absolute paths and backslashes are impossible.
  const pathOf = (key: string) => join(root, ...key.split('/'))

  /** Writes next to the target under a unique dot-name, then renames: readers never see half a file. */
  async function writeAtomic(path: string, data: Buffer | string) {
    await mkdir(dirname(path), { recursive: true })
    const tmp = join(dirname(path), `.${randomBytes(8).toString('hex')}.tmp`)
    try {
      await writeFile(tmp, data)
      await rename(tmp, path)
    } catch (e) {
      await rm(tmp, { force: true })
      throw e
    }
  }

  /**
   * Appends the objects of `dir` (whose keys start with `dirKey`) that sort after `startAfter` and
   * start with `prefix`, in key order, until `out` holds `limit`; true when it filled up. Entries
   * sort by their name plus `/` for directories, which is the order of the keys they hold, and a
   * directory whose keys all sort before `startAfter` is never opened.
   */
  async function walk(
    dir: string,
    dirKey: string,
    q: { prefix: string; startAfter: string; limit: number },
    out: ListedObject[],
  ): Promise<boolean> {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch (e) {
      if (isNotFound(e) || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return false
      throw e
    }
    const sorted = entries
      .filter((e) => !e.name.startsWith('.') && !e.name.endsWith(META_SUFFIX) && (e.isDirectory() || e.isFile()))
      .map((e) => ({ name: e.name, dir: e.isDirectory(), sortKey: dirKey + e.name + (e.isDirectory() ? '/' : '') }))
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0))
    for (const entry of sorted) {
      const key = entry.sortKey
      if (entry.dir) {
        if (key < q.startAfter && !q.startAfter.startsWith(key)) continue
        if (!key.startsWith(q.prefix) && !q.prefix.startsWith(key)) continue
        if (await walk(join(dir, entry.name), key, q, out)) return true
        continue
      }
      if (key <= q.startAfter || !key.startsWith(q.prefix) || !isValidKey(key)) continue
      let stat
      try {
        stat = await lstat(join(dir, entry.name))
      } catch (e) {
        if (isNotFound(e)) continue // deleted since readdir
        throw e
      }
      out.push({ key, size: stat.size, lastModified: stat.mtime })
      if (out.length >= q.limit) return true
    }
    return false
  }

  async function listPage(opts: { prefix?: string; startAfter?: string; limit?: number } = {}): Promise<ListPage> {
    const prefix = opts.prefix ?? ''
    const limit = Math.max(1, Math.min(opts.limit ?? MAX_LIST_PAGE, MAX_LIST_PAGE))
    // Start at the deepest directory the prefix names, then filter on the rest.
    const slash = prefix.lastIndexOf('/')
    const dirKey = slash >= 0 ? prefix.slice(0, slash) : ''
    if (dirKey && !isValidKey(dirKey)) return { objects: [], next: null }
    const out: ListedObject[] = []
    const full = await walk(
      dirKey ? pathOf(dirKey) : root,
      dirKey ? dirKey + '/' : '',
      { prefix, startAfter: opts.startAfter ?? '', limit },
      out,
    )
    return { objects: out, next: full ? out[out.length - 1]!.key : null }
  }

  return {
    kind: 'disk',

    async put(key, body, opts) {
      assertValidKey(key)
      const path = pathOf(key)
      const meta: Meta = { contentType: opts.contentType, ...(opts.cacheControl ? { cacheControl: opts.cacheControl } : {}) }
      // The sidecar goes first: once the data file exists, its metadata does too.
      await writeAtomic(path + META_SUFFIX, JSON.stringify(meta))
      await writeAtomic(path, body)
    },

    async get(key): Promise<StoredObject | null> {
      if (!isValidKey(key)) return null
      const path = pathOf(key)
      let handle
      try {
        handle = await open(path, constants.O_RDONLY)
      } catch (e) {
        if (isNotFound(e) || (e as NodeJS.ErrnoException).code === 'EISDIR') return null
        throw e
      }
      try {
        const stat = await handle.stat()
        if (!stat.isFile()) {
          await handle.close()
          return null
        }
        let meta: Meta = { contentType: 'application/octet-stream' }
        try {
          meta = JSON.parse(await readFile(path + META_SUFFIX, 'utf8')) as Meta
        } catch (e) {
          if (!isNotFound(e)) throw e
        }
        // The stream owns the handle from here: reading an unlinked file still works on POSIX.
        const body = createReadStream('', { fd: handle, autoClose: true })
        return { body, size: stat.size, contentType: meta.contentType, ...(meta.cacheControl ? { cacheControl: meta.cacheControl } : {}) }
      } catch (e) {
        await handle.close()
        throw e
      }
    },

    async delete(keys) {
      for (const key of keys) {
        assertValidKey(key)
        const path = pathOf(key)
        await unlink(path).catch((e) => {
          if (!isNotFound(e)) throw e
        })
        await unlink(path + META_SUFFIX).catch((e) => {
          if (!isNotFound(e)) throw e
        })
      }
    },

    list: (prefix = '') => listAllKeys(listPage, prefix),

    listPage,

    async removeLeftovers(before) {
      let removed = 0
      const visit = async (dir: string) => {
        let entries
        try {
          entries = await readdir(dir, { withFileTypes: true })
        } catch (e) {
          if (isNotFound(e)) return
          throw e
        }
        const names = new Set(entries.map((e) => e.name))
        for (const entry of entries) {
          const path = join(dir, entry.name)
          if (entry.isDirectory()) {
            if (!entry.name.startsWith('.')) await visit(path)
            continue
          }
          // writeAtomic's temporary names, and a sidecar whose object never arrived (put writes it first)
          const tmp = entry.name.startsWith('.') && entry.name.endsWith('.tmp')
          const lonelyMeta = entry.name.endsWith(META_SUFFIX) && !names.has(entry.name.slice(0, -META_SUFFIX.length))
          if (!tmp && !lonelyMeta) continue
          const stat = await lstat(path).catch(() => null)
          if (stat && stat.mtime < before) {
            await rm(path, { force: true })
            removed++
          }
        }
      }
      await visit(root)
      return removed
    },

    publicUrl(key) {
      assertValidKey(key)
      return `${base}/${key}`
    },

    keyFromPublicUrl(url) {
      if (!url.startsWith(base + '/')) return null
      const key = url.slice(base.length + 1)
      return isValidKey(key) ? key : null
    },

    async ensureReady() {
      await mkdir(root, { recursive: true })
    },

    async ping() {
      await access(root, constants.R_OK | constants.W_OK)
    },

    async close() {},
  }
}

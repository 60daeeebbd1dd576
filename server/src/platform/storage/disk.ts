import { randomBytes } from 'node:crypto'
import { constants, createReadStream } from 'node:fs'
import { access, mkdir, open, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { assertValidKey, isValidKey, type ObjectStorage, type StoredObject } from './types.js'

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

  async function walk(dir: string, prefix: string, out: string[]) {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch (e) {
      if (isNotFound(e)) return
      throw e
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name.endsWith(META_SUFFIX)) continue
      const key = prefix + entry.name
      if (entry.isDirectory()) await walk(join(dir, entry.name), key + '/', out)
      else if (entry.isFile() && isValidKey(key)) out.push(key)
    }
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

    async list(prefix = '') {
      const out: string[] = []
      // Start at the deepest directory the prefix names, then filter on the rest.
      const slash = prefix.lastIndexOf('/')
      const dirKey = slash >= 0 ? prefix.slice(0, slash) : ''
      if (dirKey && !isValidKey(dirKey)) return []
      await walk(dirKey ? pathOf(dirKey) : root, dirKey ? dirKey + '/' : '', out)
      return out.filter((k) => k.startsWith(prefix)).sort()
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


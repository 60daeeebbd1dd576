// Creating a PGlite database from nothing takes seconds; loading a migrated snapshot takes about
// one. This builds the snapshot once per set of migrations and caches it on disk.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { PGLITE_EXTENSIONS, wrapPglite } from '../../src/platform/db/pglite.js'
import { migrationsFolder } from '../../src/platform/db/types.js'

export const snapshotDir = join(process.cwd(), 'node_modules', '.cache', 'hearth-test')

export function snapshotPath(): string {
  const hash = createHash('sha256')
  for (const f of readdirSync(migrationsFolder)
    .filter((f) => f.endsWith('.sql'))
    .sort()) {
    hash.update(f).update(readFileSync(join(migrationsFolder, f)))
  }
  return join(snapshotDir, `pglite-${hash.digest('hex').slice(0, 16)}.tar`)
}

export default async function setup() {
  const file = snapshotPath()
  if (existsSync(file)) return
  mkdirSync(snapshotDir, { recursive: true })
  const db = wrapPglite(await PGlite.create({ extensions: PGLITE_EXTENSIONS }))
  await db.migrate()
  const dump = await db.client.dumpDataDir('none')
  await db.close()
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()))
  renameSync(tmp, file)
}

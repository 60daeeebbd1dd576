// PGlite is one process's database: two processes on one data directory each believe they own it,
// and what one writes the other loses. The first to start holds DATA_DIR/hearth.lock (created with
// O_EXCL, holding its pid) until it exits; any other refuses to start. A lock left by a process
// that no longer runs (killed, power cut) is taken over.
import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs'
import { isAbsolute, join, relative } from 'node:path'
import { StartupError } from '../../startup.js'

const LOCK_FILE = 'hearth.lock'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' // exists, owned by someone else
  }
}

/** How the directory reads in a message: ./data under the working directory, else its full path. */
function shown(dir: string): string {
  const rel = relative(process.cwd(), dir)
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? `./${rel}` : dir
}

/** Takes the lock or throws a StartupError naming the process that holds it. Returns the release. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const file = join(dataDir, LOCK_FILE)
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644)
      writeSync(fd, `${process.pid}\n`)
      closeSync(fd)
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    const holder = Number(readFileSync(file, 'utf8').trim())
    // This process already holds it (`npm run demo` seeds, then starts the server in-process).
    if (holder === process.pid) break
    if (Number.isInteger(holder) && holder > 0 && alive(holder)) {
      throw new StartupError(`another Hearth is using ${shown(dataDir)} (pid ${holder}); stop it first, or set DATA_DIR`)
    }
    if (attempt > 2) throw new StartupError(`could not take the lock ${file}; remove it if no Hearth is running`)
    try {
      unlinkSync(file) // stale: its process is gone
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
  }
  let released = false
  const release = () => {
    if (released) return
    released = true
    try {
      if (Number(readFileSync(file, 'utf8').trim()) === process.pid) unlinkSync(file)
    } catch {
      // already gone
    }
  }
  process.once('exit', release)
  return release
}

// The migrations must build the same database on PGlite (PostgreSQL 18 in WASM, the embedded
// default) and on the PostgreSQL server (15 here), and that database must hold every table,
// column, enum and index of the diagram (docs/schema.dbml.md, the user's own).
import { readFileSync } from 'node:fs'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPgliteDatabase } from '../platform/db/pglite.js'
import { queryRows } from '../platform/db/rows.js'
import type { Database } from '../platform/db/types.js'
import { freshDatabase } from '../../test/helpers.js'

let lite: Database
let server: Database
let drop: () => Promise<void>

beforeAll(async () => {
  lite = await createPgliteDatabase({}) // from nothing: runs every migration itself
  await lite.migrate()
  const fresh = await freshDatabase()
  server = await fresh.open()
  drop = fresh.drop
})
afterAll(async () => {
  await lite?.close()
  await server?.close()
  await drop?.()
})

const rows = <T>(db: Database, query: string): Promise<T[]> => queryRows<T>(db.db, sql.raw(query))

const catalogQueries = {
  columns: `SELECT table_name, column_name, data_type, is_nullable, character_maximum_length, column_default, is_identity
            FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE '__drizzle%'
            ORDER BY table_name, column_name`,
  indexes: `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
  constraints: `SELECT c.conrelid::regclass::text AS tbl, c.conname, c.contype, pg_get_constraintdef(c.oid) AS def
                FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                WHERE n.nspname = 'public'
                  AND c.contype <> 'n' -- PostgreSQL 18 lists NOT NULL as constraints; is_nullable covers them
                ORDER BY c.conname`,
  enums: `SELECT t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) AS labels
          FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname ORDER BY t.typname`,
}

describe('schema parity: PGlite and PostgreSQL', () => {
  for (const [name, query] of Object.entries(catalogQueries)) {
    it(`has identical ${name}`, async () => {
      const [a, b] = await Promise.all([rows(lite, query), rows(server, query)])
      expect(a.length).toBeGreaterThan(0)
      expect(a).toEqual(b)
    })
  }
})

// ---- the diagram ----

interface DiagramTable {
  name: string
  columns: string[]
  indexes: { columns: string[]; unique: boolean }[]
}

function parseDiagram(text: string) {
  const tables: DiagramTable[] = []
  const enums: Record<string, string[]> = {}
  let table: DiagramTable | undefined
  let enumName: string | undefined
  let inIndexes = false
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim()
    let m: RegExpExecArray | null
    if ((m = /^Table (\w+) \{/.exec(line))) {
      table = { name: m[1]!, columns: [], indexes: [] }
      tables.push(table)
    } else if ((m = /^Enum (\w+) \{/.exec(line))) {
      enumName = m[1]!
      enums[enumName] = []
    } else if (line === 'indexes {') {
      inIndexes = true
    } else if (line === '}') {
      if (inIndexes) inIndexes = false
      else table = enumName = undefined
    } else if (enumName && /^\w+$/.test(line)) {
      enums[enumName]!.push(line)
    } else if (table && inIndexes && line) {
      const unique = /\[.*unique.*\]/.test(line)
      const cols = line
        .replace(/\[.*\]/, '')
        .replace(/[()]/g, '')
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean)
      table.indexes.push({ columns: cols, unique })
    } else if (table && (m = /^(\w+)\s+\w+/.exec(line))) {
      table.columns.push(m[1]!)
    }
  }
  return { tables, enums }
}

describe('the diagram is fully present', () => {
  const diagram = parseDiagram(readFileSync(new URL('../../../docs/schema.dbml.md', import.meta.url), 'utf8'))

  it('parsed the diagram', () => {
    expect(diagram.tables.map((t) => t.name)).toHaveLength(12)
    expect(Object.keys(diagram.enums)).toHaveLength(6)
  })

  it('has every table and column, on both engines', async () => {
    for (const db of [lite, server]) {
      const cols = await rows<{ table_name: string; column_name: string }>(db, catalogQueries.columns)
      const have = new Set(cols.map((c) => `${c.table_name}.${c.column_name}`))
      const missing = diagram.tables.flatMap((t) => t.columns.map((c) => `${t.name}.${c}`)).filter((c) => !have.has(c))
      expect(missing).toEqual([])
    }
  })

  it('has every enum with its values in order (values added later come after them)', async () => {
    const got = await rows<{ typname: string; labels: string }>(server, catalogQueries.enums)
    const byName = Object.fromEntries(got.map((e) => [e.typname, e.labels.split(',')]))
    for (const [name, values] of Object.entries(diagram.enums)) expect(byName[name]?.slice(0, values.length)).toEqual(values)
  })

  it('has an index (unique where the diagram says so) for every index of the diagram, and the foreign keys', async () => {
    const idx = await rows<{ tablename: string; indexdef: string }>(server, catalogQueries.indexes)
    const colsOf = (def: string) =>
      /\((.*)\)/
        .exec(def.replace(/ WHERE .*$/, ''))![1]!
        .split(',')
        .map((c) => c.trim().replace(/"/g, '').split(' ')[0])
    for (const t of diagram.tables) {
      for (const want of t.indexes) {
        const found = idx.some(
          (i) =>
            i.tablename === t.name &&
            JSON.stringify(colsOf(i.indexdef)) === JSON.stringify(want.columns) &&
            (!want.unique || i.indexdef.startsWith('CREATE UNIQUE')),
        )
        expect(found, `${t.name}(${want.columns.join(', ')})`).toBe(true)
      }
    }
    const fks = await rows<{ def: string }>(server, `${catalogQueries.constraints.replace('ORDER BY', "AND c.contype = 'f' ORDER BY")}`)
    // users ← 22 references in the diagram, plus conversations ↔ messages and comments → comments
    expect(fks.length).toBeGreaterThanOrEqual(24)
  })
})

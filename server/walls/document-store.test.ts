import { describe, expect, it } from 'vitest'
import { wallSchema } from '../../common/wall-schema'
import { sampleWall } from '../../test/fixtures/walls'
import { createLogger } from '../logger'
import { ConflictError, DocumentNotFoundError, DocumentStore, type DocumentRecord, type DocumentRecords } from './document-store'

/** The log in memory: what the ClickHouse table holds, for the store's own rules. */
class MemoryRecords implements DocumentRecords {
  readonly rows: DocumentRecord[] = []
  failNext = false
  async latest(kind: string) {
    const newest = new Map<string, DocumentRecord>()
    for (const r of this.rows) if (r.kind === kind && (newest.get(r.id)?.version ?? 0) < r.version) newest.set(r.id, r)
    return [...newest.values()]
  }
  async append(r: DocumentRecord) {
    if (this.failNext) {
      this.failNext = false
      throw new Error('storage down')
    }
    this.rows.push(r)
  }
  async history(kind: string, id: string, limit: number) {
    return this.rows.filter((r) => r.kind === kind && r.id === id).sort((a, b) => b.version - a.version).slice(0, limit)
  }
}

const log = createLogger('silent')
const store = (records: MemoryRecords) => new DocumentStore({ kind: 'wall', schema: wallSchema, records, log, now: () => 1_000 })
const wall = sampleWall()

describe('DocumentStore', () => {
  it('creates, then saves only on top of the newest version, and refuses a stale save with the newer one', async () => {
    const records = new MemoryRecords()
    const walls = store(records)
    const first = await walls.put(wall, undefined, 'alice')
    expect(first).toMatchObject({ created: true, stored: { version: 1, updatedBy: 'alice' } })
    // Bob and Carol both start from version 1; Bob saves first.
    const bob = await walls.put({ ...wall, title: { zh: '乙', en: 'B' } }, 1, 'bob')
    expect(bob.stored.version).toBe(2)
    const carol = walls.put({ ...wall, title: { zh: '丙', en: 'C' } }, 1, 'carol')
    await expect(carol).rejects.toBeInstanceOf(ConflictError)
    const err = (await carol.catch((e: unknown) => e)) as ConflictError<unknown>
    expect(err.current).toMatchObject({ version: 2, updatedBy: 'bob', definition: { title: { zh: '乙' } } })
    expect(err.message).toMatch(/changed by bob since version 1 \(now version 2\)/)
    // A create of an id that exists is a conflict too: no blind overwrite.
    await expect(walls.put(wall, undefined, 'dave')).rejects.toThrow(/already exists \(version 2\)/)
    expect(walls.get(wall.id)?.definition.title.zh).toBe('乙')
  })

  it('keeps who changed what: history newest first with before and after, and a deletion', async () => {
    const records = new MemoryRecords()
    const walls = store(records)
    await walls.put(wall, undefined, 'alice')
    await walls.put({ ...wall, title: { zh: '新', en: 'New' } }, 1, 'bob')
    await walls.remove(wall.id, 2, 'carol')
    expect(walls.get(wall.id)).toBeUndefined()
    const history = await walls.history(wall.id)
    expect(history.map((c) => [c.version, c.action, c.actor])).toEqual([
      [3, 'deleted', 'carol'],
      [2, 'updated', 'bob'],
      [1, 'created', 'alice'],
    ])
    expect(history[1]).toMatchObject({ before: { title: { zh: '一屏统览' } }, after: { title: { zh: '新' } } })
    expect(history[0]!.after).toBeNull()
    // Versions keep growing after a deletion; a re-create is version 4.
    expect((await walls.put(wall, undefined, 'dave')).stored.version).toBe(4)
    await expect(walls.remove('nope', undefined, 'x')).rejects.toBeInstanceOf(DocumentNotFoundError)
  })

  it('reads back what was stored, and nothing that failed to store', async () => {
    const records = new MemoryRecords()
    const walls = store(records)
    await walls.put(wall, undefined, 'alice')
    records.failNext = true
    await expect(walls.put({ ...wall, title: { zh: '失败', en: 'Failed' } }, 1, 'bob')).rejects.toThrow('storage down')
    expect(walls.get(wall.id)?.version).toBe(1)
    const again = store(records)
    await again.load()
    expect(again.get(wall.id)).toMatchObject({ version: 1, updatedBy: 'alice', definition: wall })
    expect(again.everStored(wall.id)).toBe(true)
  })

  it('leaves out, and names, a stored definition that no longer fits the schema', async () => {
    const records = new MemoryRecords()
    records.rows.push({ kind: 'wall', id: 'old', version: 1, at: 1, actor: 'x', action: 'created', before: null, after: JSON.stringify({ id: 'old', shape: 'of another version' }) })
    const walls = store(records)
    expect(await walls.load()).toEqual({ documents: 0, unreadable: ['old'] })
    expect(walls.everStored('old')).toBe(true)
  })

  it('runs changes one at a time, so two saves from the same version cannot both win', async () => {
    const walls = store(new MemoryRecords())
    await walls.put(wall, undefined, 'alice')
    const results = await Promise.allSettled([walls.put(wall, 1, 'bob'), walls.put(wall, 1, 'carol')])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
  })
})

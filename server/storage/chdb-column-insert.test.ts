import { describe, expect, it } from 'vitest'
import { float64Column, Utf8ColumnBuilder } from './arrow-columns'
import { openColumnInsert, type ChdbModule } from './chdb-column-insert'

/**
 * The wrapper's own logic, over a stand-in for chdb-node's binding: what it
 * registers, the SQL it runs, and that it always unregisters. The real engine
 * reads these columns in test/integration (rollups and history tests).
 */

function fakeChdb(options: { failQuery?: boolean } = {}) {
  const log: string[] = []
  const registered = new Set<string>()
  const mod: ChdbModule = {
    Session: class {
      readonly connection = 'conn'
      constructor(readonly path: string) {
        log.push(`open ${path}`)
      }
      async queryAsync(sql: string) {
        log.push(sql)
        if (options.failQuery) throw new Error('engine refused')
        return {}
      }
      close() {
        log.push('close')
      }
    },
    _arrowRegisterColumns: (connection, name, columns) => {
      log.push(`register ${String(connection)} ${name} ${columns.map((c) => `${c.name}:${c.format}:${c.length}`).join(',')}`)
      registered.add(name)
    },
    _arrowUnregister: (_connection, name) => {
      log.push(`unregister ${name}`)
      registered.delete(name)
    },
  }
  return { mod, log, registered }
}

function columns(n: number) {
  const text = new Utf8ColumnBuilder(n)
  for (let i = 0; i < n; i++) text.add(`r${i}`)
  return [text.finish('region'), float64Column('value', new Float64Array(n))]
}

describe('openColumnInsert', () => {
  it('is null when chdb-node lacks the Arrow binding, so storage inserts text instead', () => {
    const { mod } = fakeChdb()
    expect(openColumnInsert('/data', { Session: mod.Session })).toBeNull()
    expect(openColumnInsert('/data', { ...mod, _arrowUnregister: undefined })).toBeNull()
  })

  it('registers the columns under a name of their own, inserts from them, and unregisters', async () => {
    const { mod, log, registered } = fakeChdb()
    const insert = openColumnInsert('/data', mod)!
    await insert.insert('db.t', ['region', 'value'], ['region', 'value * 2'], columns(3))
    await insert.insert('db.t', ['region', 'value'], ['region', 'value'], columns(1))
    insert.close()
    const names = log.filter((l) => l.startsWith('register')).map((l) => l.split(' ')[2])
    expect(new Set(names).size).toBe(2)
    expect(log).toEqual([
      'open /data',
      `register conn ${names[0]} region:u:3,value:g:3`,
      `INSERT INTO db.t (region, value) SELECT region, value * 2 FROM arrowstream('${names[0]}')`,
      `unregister ${names[0]}`,
      `register conn ${names[1]} region:u:1,value:g:1`,
      `INSERT INTO db.t (region, value) SELECT region, value FROM arrowstream('${names[1]}')`,
      `unregister ${names[1]}`,
      'close',
    ])
    expect(registered.size).toBe(0)
  })

  it('unregisters when the engine refuses the insert, and passes the refusal on', async () => {
    const { mod, registered } = fakeChdb({ failQuery: true })
    const insert = openColumnInsert('/data', mod)!
    await expect(insert.insert('db.t', ['region', 'value'], ['region', 'value'], columns(2))).rejects.toThrow('engine refused')
    expect(registered.size).toBe(0)
  })

  it('refuses columns of different lengths or a select list that does not match, before registering anything', async () => {
    const { mod, log } = fakeChdb()
    const insert = openColumnInsert('/data', mod)!
    const [region] = columns(3)
    await expect(insert.insert('db.t', ['region', 'value'], ['region', 'value'], [region!, float64Column('value', new Float64Array(2))])).rejects.toThrow(
      'insert into db.t: column value has 2 rows, not 3',
    )
    await expect(insert.insert('db.t', ['region', 'value'], ['region'], columns(3))).rejects.toThrow('insert into db.t: 1 expressions for 2 columns')
    await insert.insert('db.t', ['region', 'value'], ['region', 'value'], columns(0))
    expect(log).toEqual(['open /data'])
  })
})

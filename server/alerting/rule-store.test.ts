import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { StorageUnavailableError } from '../../common/errors'
import { MemoryRuleRecords } from '../../test/fakes/memory-rule-records'
import { testCatalog } from '../../test/fixtures/catalog'
import { testRuleInput } from '../../test/fixtures/rules'
import { createLogger } from '../logger'
import { RuleStore } from './rule-store'
import { RuleValidationError } from './rule-validation'

/** The rule store's own logic (versions, audit, repair, seeding) over its records in memory. */

const index = testCatalog()
const seedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rule-seed-'))
fs.writeFileSync(path.join(seedDir, 'env.json'), JSON.stringify({ rules: [testRuleInput({ id: 'seeded-a' }), testRuleInput({ id: 'seeded-b' })] }))
afterAll(() => fs.rmSync(seedDir, { recursive: true, force: true }))

function store(records = new MemoryRuleRecords(), seed = seedDir) {
  let now = 1_790_000_000_000
  return { records, rules: new RuleStore({ records, index, seedDir: seed, log: createLogger('silent'), now: () => (now += 1000) }) }
}

describe('RuleStore over its records', () => {
  it('seeds the default rules on a first start only, with the file as the author', async () => {
    const { records, rules } = store()
    expect(await rules.load()).toEqual({ rules: 2, seeded: 2, repaired: 0 })
    expect(rules.describe('seeded-a')).toMatchObject({ version: 1, updatedBy: 'seed:env.json' })
    const again = store(records).rules
    expect(await again.load()).toEqual({ rules: 2, seeded: 0, repaired: 0 })
    expect(records.changes).toHaveLength(2)
  })

  it('numbers every change, audits who and what, and does not audit storing the same definition again', async () => {
    const { records, rules } = store()
    await rules.load()
    const heard: string[][] = []
    rules.subscribe((list) => heard.push(list.map((r) => r.id)))
    expect(await rules.put(testRuleInput({ id: 'seeded-a' }), 'wang')).toMatchObject({ created: false, version: 1 })
    expect(await rules.put(testRuleInput({ id: 'seeded-a', severity: 'critical' }), 'wang')).toMatchObject({ created: false, version: 2 })
    expect(await rules.setEnabled('seeded-a', false, 'li')).toMatchObject({ version: 3 })
    expect(await rules.remove('seeded-b', 'li')).toMatchObject({ version: 2 })
    expect((await rules.history('seeded-a')).map((c) => [c.version, c.action, c.actor])).toEqual([
      [3, 'disabled', 'li'],
      [2, 'updated', 'wang'],
      [1, 'created', 'seed:env.json'],
    ])
    expect(records.current.get('seeded-b')).toMatchObject({ version: 2, rule: null, previous: expect.objectContaining({ id: 'seeded-b' }) })
    expect(heard).toHaveLength(3)
    // A deleted id starts again above its last version, so versions only grow.
    expect(await rules.put(testRuleInput({ id: 'seeded-b' }), 'li')).toMatchObject({ created: true, version: 3 })
  })

  it('refuses an invalid rule or actor, naming the field, and stores nothing', async () => {
    const { records, rules } = store()
    await rules.load()
    expect(() => rules.put(testRuleInput({ id: 'bad', condition: { kind: 'threshold', op: 'above', value: 99_999 } }), 'wang')).toThrow(/condition\.value: 99999 is outside env\.aqi's range/)
    expect(() => rules.put(testRuleInput({ id: 'ok' }), ' ')).toThrow(RuleValidationError)
    expect(records.changes).toHaveLength(2)
  })

  it('when the audit log cannot be written, the change is refused as unavailable and nothing changes', async () => {
    const { records, rules } = store()
    await rules.load()
    records.failAudit = true
    await expect(rules.remove('seeded-a', 'wang')).rejects.toBeInstanceOf(StorageUnavailableError)
    expect(rules.get('seeded-a')).toBeDefined()
  })

  it('a change audited but not written to the current rules stands, is retried at the next change, and a restart repairs it', async () => {
    const { records, rules } = store()
    await rules.load()
    records.failCurrent = true
    await rules.put(testRuleInput({ id: 'seeded-a', severity: 'critical' }), 'wang')
    expect(rules.get('seeded-a')!.severity).toBe('critical')
    expect(records.current.get('seeded-a')!.version).toBe(1)

    const restarted = store(records).rules
    records.failCurrent = false
    expect(await restarted.load()).toEqual({ rules: 2, seeded: 0, repaired: 1 })
    expect(records.current.get('seeded-a')).toMatchObject({ version: 2, rule: expect.objectContaining({ severity: 'critical' }) })

    // The next change writes what is still owed first.
    records.failCurrent = true
    await restarted.put(testRuleInput({ id: 'seeded-b', severity: 'info' }), 'wang')
    expect(records.current.get('seeded-b')!.version).toBe(1)
    records.failCurrent = false
    await restarted.put(testRuleInput({ id: 'seeded-a', severity: 'info' }), 'wang')
    expect(records.current.get('seeded-b')).toMatchObject({ version: 2, rule: expect.objectContaining({ severity: 'info' }) })
    expect(records.current.get('seeded-a')!.version).toBe(3)
  })

  it('leaves out a stored rule that no longer fits the schema, without tombstoning it', async () => {
    const { records, rules } = store()
    await rules.load()
    records.changes.push({ id: 'future', version: 1, at: 0, actor: 'x', action: 'created', before: null, after: JSON.stringify({ id: 'future', kind: 'from a later version' }) })
    const again = store(records).rules
    expect(await again.load()).toEqual({ rules: 2, seeded: 0, repaired: 0 })
    expect(again.get('future')).toBeUndefined()
  })
})

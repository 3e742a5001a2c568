import { describe, expect, it } from 'vitest'
import type { AuditEntry } from '../../common/api/audit-api'
import { CSV_BOM } from '../../common/series-csv'
import { auditCsv, auditFileName } from './audit-router'

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  at: Date.UTC(2026, 10, 21, 0, 30),
  kind: 'alert',
  action: 'commented',
  actor: 'duty-li',
  subject: 'al-1',
  region: '990101',
  detail: '',
  address: '',
  ...over,
})
const names: Record<string, string> = { '990101': '东区' }
const csv = (entries: AuditEntry[]) => auditCsv(entries, { timeZone: 'Asia/Shanghai', regionName: (code) => names[code] ?? '' })

describe('auditCsv', () => {
  it('is a BOM, a header row and one CRLF line per entry, local times with their offset, regions by code and name', () => {
    expect(csv([entry({ detail: '已处理' }), entry({ kind: 'key', action: 'key.revoked', region: null, subject: 'k1' })])).toBe(
      `${CSV_BOM}time,kind,action,actor,subject,region,region_name,detail,address\r\n` +
        '2026-11-21T08:30:00+08:00,alert,commented,duty-li,al-1,990101,东区,已处理,\r\n' +
        '2026-11-21T08:30:00+08:00,key,key.revoked,duty-li,k1,,,,\r\n',
    )
  })

  it.each([
    ['a comma or a quote is quoted', '甲, "乙"', '"甲, ""乙"""'],
    ['a line break is quoted', 'one\ntwo', '"one\ntwo"'],
    ['a formula is not run by a spreadsheet', '=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['nor one starting with @', '@SUM(A1)', "'@SUM(A1)"],
  ])('%s', (_, detail, field) => {
    expect(csv([entry({ detail })]).split('\r\n')[1]).toBe(`2026-11-21T08:30:00+08:00,alert,commented,duty-li,al-1,990101,东区,${field},`)
  })
})

describe('auditFileName', () => {
  it('names the range it covers', () => {
    expect(auditFileName(Date.UTC(2026, 10, 15), Date.UTC(2026, 10, 22, 8, 5))).toBe('audit_20261115T0000Z_20261122T0805Z.csv')
  })
})

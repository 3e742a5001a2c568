import { describe, expect, it } from 'vitest'
import { MESSAGES } from '../i18n/messages'
import { auditActionKey, auditQuery, NO_AUDIT_FILTERS } from './audit-query'

// Local times placed at +08:00, whatever this machine's zone.
const at8 = (local: string) => new Date(`${local}:00+08:00`).getTime()

describe('auditQuery', () => {
  it.each([
    ['no filter', NO_AUDIT_FILTERS, ''],
    ['who, trimmed', { ...NO_AUDIT_FILTERS, who: ' jia-admin ' }, '?who=jia-admin'],
    ['some kinds, in the API order', { ...NO_AUDIT_FILTERS, what: ['alert', 'signin'] as const }, '?what=signin%2Calert'],
    ['every kind is no filter', { ...NO_AUDIT_FILTERS, what: ['signin', 'account', 'key', 'rule', 'alert'] as const }, ''],
    ['a range, as epoch ms', { ...NO_AUDIT_FILTERS, from: '2026-12-01T08:00', to: '2026-12-02T08:00' }, `?from=${at8('2026-12-01T08:00')}&to=${at8('2026-12-02T08:00')}`],
    ['an unreadable time is left out', { ...NO_AUDIT_FILTERS, from: 'soon' }, ''],
  ])('%s', (_, filters, query) => {
    expect(auditQuery(filters, at8)).toBe(query)
  })
})

describe('auditActionKey', () => {
  it.each([
    [{ kind: 'signin', action: 'login.failed' }, '登录失败'],
    [{ kind: 'account', action: 'account.created' }, '新建账号'],
    [{ kind: 'key', action: 'key.revoked' }, '吊销密钥'],
    [{ kind: 'rule', action: 'updated' }, '修改规则'],
    [{ kind: 'alert', action: 'silence-ended' }, '结束静默'],
  ] as const)('%o reads %s', (entry, zh) => {
    expect(MESSAGES.zh[auditActionKey(entry)!]).toBe(zh)
  })

  it('has no words for an action it does not know', () => {
    expect(auditActionKey({ kind: 'account', action: 'account.merged' })).toBeNull()
  })
})

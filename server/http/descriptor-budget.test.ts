import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  ASSUMED_IN_USE,
  descriptorBudget,
  FALLBACK_OPEN_FILE_LIMIT,
  MIN_CONNECTIONS,
  parseOpenFileLimit,
  STORAGE_DESCRIPTOR_HEADROOM,
  type DescriptorSource,
} from './descriptor-budget'

/** /proc/self/limits as Linux writes it, with the open-files line given. */
function limitsText(openFiles: string): string {
  return [
    'Limit                     Soft Limit           Hard Limit           Units     ',
    'Max cpu time              unlimited            unlimited            seconds   ',
    'Max processes             63382                63382                processes ',
    openFiles,
    'Max locked memory         8388608              8388608              bytes     ',
    '',
  ].join('\n')
}

const source = (limits: string, open: number): DescriptorSource => ({ limits: () => limits, openDescriptors: () => open })
const failing: DescriptorSource = {
  limits: () => {
    throw new Error('ENOENT')
  },
  openDescriptors: () => {
    throw new Error('ENOENT')
  },
}

describe('parseOpenFileLimit', () => {
  it.each([
    ['a soft limit below the hard one', 'Max open files            1024                 524288               files     ', 1024],
    ['equal limits', 'Max open files            20000                20000                files     ', 20000],
    ['unlimited', 'Max open files            unlimited            unlimited            files     ', 1_048_576],
  ])('reads %s', (_what, line, expected) => {
    expect(parseOpenFileLimit(limitsText(line))).toBe(expected)
  })

  it.each([
    ['no open-files line', limitsText('Max file size             unlimited            unlimited            bytes     ')],
    ['a garbled value', limitsText('Max open files            lots                 lots                 files     ')],
    ['an empty text', ''],
  ])('gives nothing for %s', (_what, text) => {
    expect(parseOpenFileLimit(text)).toBeUndefined()
  })
})

describe('descriptorBudget', () => {
  it('leaves connections the limit minus what is open and the storage headroom', () => {
    const budget = descriptorBudget(source(limitsText('Max open files            4096                 4096                 files     '), 200))
    expect(budget).toEqual({
      openFileLimit: 4096,
      limitFrom: 'proc',
      inUse: 200,
      reserve: 200 + STORAGE_DESCRIPTOR_HEADROOM,
      connections: 4096 - 200 - STORAGE_DESCRIPTOR_HEADROOM,
    })
  })

  it('assumes the fallback limit and a measured start where nothing can be read', () => {
    const budget = descriptorBudget(failing)
    expect(budget.limitFrom).toBe('fallback')
    expect(budget.openFileLimit).toBe(FALLBACK_OPEN_FILE_LIMIT)
    expect(budget.inUse).toBeUndefined()
    expect(budget.reserve).toBe(ASSUMED_IN_USE + STORAGE_DESCRIPTOR_HEADROOM)
    expect(budget.connections).toBe(Math.max(MIN_CONNECTIONS, FALLBACK_OPEN_FILE_LIMIT - ASSUMED_IN_USE - STORAGE_DESCRIPTOR_HEADROOM))
  })

  it('still allows the minimum when the limit cannot hold the reserve', () => {
    const budget = descriptorBudget(source(limitsText('Max open files            256                  256                  files     '), 100))
    expect(budget.connections).toBe(MIN_CONNECTIONS)
    expect(budget.connections).toBeGreaterThan(budget.openFileLimit - budget.reserve)
  })

  it.runIf(process.platform === 'linux')('reads this process on Linux', () => {
    const budget = descriptorBudget()
    expect(budget.limitFrom).toBe('proc')
    expect(budget.openFileLimit).toBe(parseOpenFileLimit(fs.readFileSync('/proc/self/limits', 'utf8')))
    // stdin, stdout and stderr at least; the directory listing's own descriptor is not counted.
    expect(budget.inUse).toBeGreaterThanOrEqual(3)
  })
})

import { describe, expect, it } from 'vitest'
import { openFromAfterLive, splitPartial } from './partial-period'

const DAY = 86_400_000

describe('open buckets', () => {
  const points: Array<[number, number]> = [
    [0, 10],
    [DAY, 12],
    [2 * DAY, 3],
  ]

  it('leave the open day out of the line', () => {
    expect(splitPartial(points, 2 * DAY)).toEqual({ closed: points.slice(0, 2), open: [[2 * DAY, 3]] })
  })

  it('are none when every bucket has closed, or the window ended before the open one', () => {
    expect(splitPartial(points, null)).toEqual({ closed: points, open: [] })
    expect(splitPartial(points, 5 * DAY)).toEqual({ closed: points, open: [] })
  })

  it('split API points by their time too', () => {
    const api = [
      { ts: 0, value: 1 },
      { ts: DAY, value: 2 },
    ]
    expect(splitPartial(api, DAY).open).toEqual([{ ts: DAY, value: 2 }])
  })

  it('move to the newest bucket a live value opened; the one before it has closed', () => {
    expect(openFromAfterLive(2 * DAY, 3 * DAY)).toBe(3 * DAY)
    expect(openFromAfterLive(2 * DAY, 2 * DAY)).toBe(2 * DAY)
    expect(openFromAfterLive(null, 3 * DAY)).toBe(3 * DAY)
    expect(openFromAfterLive(2 * DAY, undefined)).toBe(2 * DAY)
  })
})

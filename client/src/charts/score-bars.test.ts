import { describe, expect, it } from 'vitest'
import { scoreClass, shownScore } from './score-bars'

describe('scoreClass', () => {
  it.each([
    [100, 'good'],
    // Reads "100": green, whatever the decimals behind it (the scorecard once showed a "100" in amber).
    [99.6, 'good'],
    [99.4, 'warn'],
    [90, 'warn'],
    [89.6, 'warn'],
    [89.4, 'bad'],
    [0, 'bad'],
    [null, 'none'],
  ] as const)('%s → %s', (score, expected) => {
    expect(scoreClass(score)).toBe(expected)
  })

  it('agrees with the number shown for every score to a tenth', () => {
    for (let s = 0; s <= 1000; s++) {
      const score = s / 10
      const shown = shownScore(score)
      expect(scoreClass(score)).toBe(shown >= 100 ? 'good' : shown >= 90 ? 'warn' : 'bad')
    }
  })
})

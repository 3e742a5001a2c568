import { describe, expect, it } from 'vitest'
import { tidyPolygons } from './simplify-boundaries'

describe('tidyPolygons', () => {
  it('drops repeated positions and closes open rings', () => {
    expect(tidyPolygons([[[[0, 0], [1, 0], [1, 0], [1, 1], [0, 1]]]])).toEqual([[[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]])
  })

  it('drops a collapsed hole but keeps its polygon', () => {
    const outer = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
    expect(tidyPolygons([[outer, [[1, 1], [1, 1], [1, 1], [1, 1]]]])).toEqual([[outer]])
  })

  it('drops a polygon whose outer ring collapsed, holes and all', () => {
    expect(tidyPolygons([[[[0, 0], [1, 0], [0, 0], [0, 0]], [[0.1, 0.1], [0.2, 0.1], [0.2, 0.2], [0.1, 0.1]]]])).toEqual([])
  })
})

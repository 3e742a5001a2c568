import { describe, expect, it } from 'vitest'
import { tidyPolygons, vertexCount } from './simplify-boundaries'

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

describe('vertexCount', () => {
  it('counts every position of every ring, closing ones included', () => {
    const square = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]] as [number, number][]
    expect(vertexCount({ type: 'Polygon', coordinates: [square] })).toBe(5)
    expect(vertexCount({ type: 'MultiPolygon', coordinates: [[square, square], [square]] })).toBe(15)
  })
})

import type { RegionLevel } from '../../../common/catalog-schema'
import type { RegionTree } from '../../../common/region-tree'
import { contextReplySchema, geoReplySchema } from '../../../common/api/geo-api'
import { ApiRequestError, getJson } from '../api/http'
import { occupancyOf, type Occupancy } from './fit-view'
import type { Bounds, ContextCollection, Position, RegionCollection, RegionFeature } from './geo-types'

/**
 * The region boundaries from GET /api/geo/:level, indexed for the map: every
 * feature by code, and per drill region the collection of its children. A
 * region's children collection is built once and then handed out unchanged, so
 * deck.gl sees the same data object on every tick and never re-tessellates.
 * The province and its cities are loaded up front; a city's counties when the
 * map first goes there (the whole county level is twice the rest together).
 *
 * Outlines are drawn as served. sample-data/build simplifies each level of
 * border for the zoom it is first drawn at, on the topology all levels share,
 * so neighbours, a city and its counties, the province and its cities meet
 * vertex for vertex; reshaping them here, outline by outline, would open
 * slivers between neighbours.
 */

export type { Bounds, ContextCollection, ContextFeature, MultiPolygon, Polygon, Position, RegionCollection, RegionFeature } from './geo-types'

/** What the map draws for one drill region. */
export interface RegionView {
  region: string
  /** The coloured, clickable features: the region's children, or the region itself when it is a leaf. */
  shown: RegionCollection
  /** Codes of the children (empty for a leaf). */
  children: string[]
  /** The counties around: those of the city the region lies in (empty at the root). */
  counties: RegionCollection
  /** Index of a feature of `shown` by code. */
  indexOf: ReadonlyMap<string, number>
  /** The region's own outline (empty when the boundary files lack it). */
  outline: RegionCollection
  bounds: Bounds | null
  /** Which parts of `bounds` hold land (for where the legend may stand: fit-view.ts); null without bounds. */
  occupancy: Occupancy | null
}

const EMPTY: RegionCollection = { type: 'FeatureCollection', features: [] }
const NO_CONTEXT: ContextCollection = { type: 'FeatureCollection', features: [] }

export class RegionGeo {
  private readonly byCode = new Map<string, RegionFeature>()
  private readonly views = new Map<string, RegionView>()
  private readonly boundsCache = new Map<string, Bounds>()
  private readonly anchors = new Map<string, Position>()
  /** Counties per city code, loaded on demand. */
  private readonly countiesOf = new Map<string, Promise<RegionCollection>>()

  constructor(
    readonly province: RegionCollection,
    readonly cities: RegionCollection,
    private readonly tree: RegionTree,
    /** The land around the root (neighbouring provinces); empty when the catalog has none or the account is below the root. */
    readonly context: ContextCollection = NO_CONTEXT,
  ) {
    for (const c of [province, cities]) this.index(c)
  }

  private index(c: RegionCollection): void {
    for (const f of c.features) this.byCode.set(f.properties.code, f)
  }

  /**
   * The outline of the tree's root: the province, or a city account's own city
   * (the server sends such an account nothing outside its city). What the map
   * draws as land and as its outer border.
   */
  get land(): RegionCollection {
    const root = this.byCode.get(this.tree.root.code)
    return root ? { type: 'FeatureCollection', features: [root] } : EMPTY
  }

  feature(code: string): RegionFeature | undefined {
    return this.byCode.get(code)
  }

  /** The view of a drill region, once the boundaries it needs are loaded (memoised: the same object every time). */
  async prepare(region: string): Promise<RegionView> {
    const cached = this.views.get(region)
    if (cached) return cached
    const city = this.tree.lineage(region).find((r) => r.level === 'city')
    const counties = city && !this.tree.isLeaf(city.code) ? await this.counties(city.code) : EMPTY
    return this.view(region, counties)
  }

  /** One download per city, shared by whoever asks (not aborted when one of them moves on: the next drill wants it too). */
  private counties(city: string): Promise<RegionCollection> {
    let loading = this.countiesOf.get(city)
    if (!loading) {
      loading = level('county', city).then((c) => {
        this.index(c)
        return c
      })
      loading.catch(() => this.countiesOf.delete(city))
      this.countiesOf.set(city, loading)
    }
    return loading
  }

  private view(region: string, counties: RegionCollection): RegionView {
    let v = this.views.get(region)
    if (!v) {
      const children = this.tree.children(region).map((r) => r.code)
      const codes = children.length > 0 ? children : [region]
      const features = codes.map((c) => this.byCode.get(c)).filter((f): f is RegionFeature => f !== undefined)
      const own = this.byCode.get(region)
      const bounds = this.bounds(region) ?? unionBounds(features.map((f) => this.bounds(f.properties.code)))
      v = {
        region,
        shown: { type: 'FeatureCollection', features },
        children,
        counties,
        indexOf: new Map(features.map((f, i) => [f.properties.code, i])),
        outline: own ? { type: 'FeatureCollection', features: [own] } : EMPTY,
        bounds,
        occupancy: bounds ? occupancyOf(own ? [own] : features, bounds, contains) : null,
      }
      this.views.set(region, v)
    }
    return v
  }

  bounds(code: string): Bounds | null {
    const cached = this.boundsCache.get(code)
    if (cached) return cached
    const f = this.byCode.get(code)
    if (!f) return null
    const b: Bounds = [
      [Infinity, Infinity],
      [-Infinity, -Infinity],
    ]
    for (const ring of rings(f)) {
      for (const [x, y] of ring) {
        if (x < b[0][0]) b[0][0] = x
        if (y < b[0][1]) b[0][1] = y
        if (x > b[1][0]) b[1][0] = x
        if (y > b[1][1]) b[1][1] = y
      }
    }
    if (!Number.isFinite(b[0][0])) return null
    this.boundsCache.set(code, b)
    return b
  }

  /**
   * A point inside the region: its catalog centroid when that lies inside the
   * boundary (the usual case), else the inner point of a grid over its bounds
   * farthest from the other grid points outside (crescent-shaped coasts).
   */
  anchor(code: string): Position | null {
    const cached = this.anchors.get(code)
    if (cached) return cached
    const centroid = this.tree.get(code)?.centroid ?? null
    const f = this.byCode.get(code)
    if (!f) return centroid
    let a: Position | null = centroid && contains(f, centroid) ? centroid : null
    a ??= innerPoint(f, this.bounds(code)!) ?? centroid
    if (a) this.anchors.set(code, a)
    return a
  }
}

function* rings(f: RegionFeature): Generator<Position[]> {
  if (f.geometry.type === 'Polygon') yield* f.geometry.coordinates
  else for (const poly of f.geometry.coordinates) yield* poly
}

function unionBounds(all: Array<Bounds | null>): Bounds | null {
  let out: Bounds | null = null
  for (const b of all) {
    if (!b) continue
    out = out
      ? [
          [Math.min(out[0][0], b[0][0]), Math.min(out[0][1], b[0][1])],
          [Math.max(out[1][0], b[1][0]), Math.max(out[1][1], b[1][1])],
        ]
      : [[...b[0]], [...b[1]]]
  }
  return out
}

/** Even-odd ray casting over every ring, so holes count as outside. */
export function contains(f: RegionFeature, [x, y]: Position): boolean {
  let inside = false
  for (const ring of rings(f)) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!
      const [xj, yj] = ring[j]!
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
    }
  }
  return inside
}

/** Grid resolution of the fallback inner point: 24 × 24 tests is plenty for a click target. */
const GRID = 24

function innerPoint(f: RegionFeature, [[w, s], [e, n]]: Bounds): Position | null {
  const inside: Position[] = []
  const outside: Position[] = []
  for (let i = 0; i < GRID; i++)
    for (let j = 0; j < GRID; j++) {
      const p: Position = [w + ((i + 0.5) * (e - w)) / GRID, s + ((j + 0.5) * (n - s)) / GRID]
      ;(contains(f, p) ? inside : outside).push(p)
    }
  let best: Position | null = null
  let bestDistance = -1
  for (const p of inside) {
    let d = Infinity
    for (const q of outside) d = Math.min(d, (p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2)
    if (d > bestDistance) {
      bestDistance = d
      best = p
    }
  }
  return best
}

async function level(name: RegionLevel, parent?: string): Promise<RegionCollection> {
  try {
    return await getJson(`/api/geo/${name}${parent ? `?parent=${encodeURIComponent(parent)}` : ''}`, geoReplySchema)
  } catch (err) {
    // A catalog may lack a level (no county boundaries): the map draws what there is.
    if (err instanceof ApiRequestError && err.status === 404) return EMPTY
    throw err
  }
}

/** The land around the root: the map does without it (no sea, no neighbours) where the catalog ships none. */
async function context(): Promise<ContextCollection> {
  try {
    return await getJson('/api/geo/context', contextReplySchema)
  } catch (err) {
    if (err instanceof ApiRequestError && err.status === 404) return NO_CONTEXT
    throw err
  }
}

/** Boundaries do not change while the server runs: one download per page, shared by every map on it. */
let loading: Promise<RegionGeo> | null = null

export function loadRegionGeo(tree: RegionTree): Promise<RegionGeo> {
  loading ??= Promise.all([level('province'), level('city'), context()])
    .then(([p, c, x]) => new RegionGeo(p, c, tree, x))
    .catch((err: unknown) => {
      loading = null
      throw err
    })
  return loading
}

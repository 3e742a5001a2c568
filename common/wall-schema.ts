import { z } from 'zod'
import type { CatalogIndex } from './catalog-index'
import { codeSchema, localizedTextSchema } from './catalog-schema'

/**
 * Walls and playlists as data: what a wall shows is a validated definition,
 * stored with its history (server/walls), edited in the console
 * (/admin/walls) and shown at /wall/:id. The shape is checked here with zod;
 * what it refers to (indicators, domains, regions) is checked against the
 * catalog by `wallProblems`, at save, so a wall never fails at display time.
 */

/**
 * How much history a trend shows. `auto` follows the indicator's cadence (a
 * day by minute for fast feeds, a week by hour, 30 days or a year by day:
 * client/src/wall/trend-window.ts).
 */
export const TREND_WINDOWS = ['auto', '24h', '7d', '30d', '365d'] as const
export type TrendWindowChoice = (typeof TREND_WINDOWS)[number]

/** What the map draws over its fills: air stations, traffic detectors, alert pulses, region names. */
export const MAP_LAYERS = ['air', 'traffic', 'alerts', 'labels'] as const
export type MapLayer = (typeof MAP_LAYERS)[number]

/** Bounds that keep a wall readable from metres away, and a definition small. */
export const WALL_LIMITS = { columns: 6, cards: 6, tourSteps: 48, minDwell: 5, maxDwell: 3_600 } as const

const unique = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item).superRefine((items, ctx) => {
    const seen = new Set<unknown>()
    items.forEach((x, i) => {
      if (seen.has(x)) ctx.addIssue({ code: 'custom', path: [i], message: `${String(x)} is listed twice in ${what}`, params: { code: 'duplicate', value: String(x) } })
      seen.add(x)
    })
  })

export const wallColumnSchema = z.strictObject({
  /** The domain the column shows (its name, colour and icon come from the catalog). */
  domain: codeSchema,
  /** The KPI cards, in reading order. */
  kpis: unique(codeSchema, 'the cards').min(1, 'needs at least one card').max(WALL_LIMITS.cards, `at most ${WALL_LIMITS.cards} cards fit a column`),
  trend: z.strictObject({
    indicator: codeSchema,
    window: z.enum(TREND_WINDOWS).default('auto'),
  }),
  /**
   * Ranked in the column's ranking panel, drawn on the map while the tour
   * shows the column, and what a tour step drills by. A rate or a level: a
   * count ranks regions by their size.
   */
  ranking: codeSchema,
})
export type WallColumn = z.infer<typeof wallColumnSchema>

export const tourStepSchema = z.strictObject({
  /** The column (by its domain) the step highlights; its ranking indicator goes on the map. */
  domain: codeSchema,
  /** Drill into the child region that ranks worst on it, rather than show the wall's root. */
  drill: z.boolean().default(false),
})
export type TourStep = z.infer<typeof tourStepSchema>

export const wallSchema = z.strictObject({
  id: codeSchema,
  title: localizedTextSchema,
  /**
   * The region the wall opens on and may drill within. `null`: the viewer's
   * own region (each account sees its own subtree): the shape of a wall every
   * city can use.
   */
  root: codeSchema.nullable(),
  columns: z
    .array(wallColumnSchema)
    .min(1, 'needs at least one column')
    .max(WALL_LIMITS.columns, `at most ${WALL_LIMITS.columns} columns fit a wall`)
    .superRefine((columns, ctx) => {
      const seen = new Set<string>()
      columns.forEach((c, i) => {
        if (seen.has(c.domain)) ctx.addIssue({ code: 'custom', path: [i, 'domain'], message: `domain ${c.domain} already has a column`, params: { code: 'domain_taken', domain: c.domain } })
        seen.add(c.domain)
      })
    }),
  map: z.strictObject({
    /** The map's indicator until a card click or the tour chooses another. */
    indicator: codeSchema,
    layers: unique(z.enum(MAP_LAYERS), 'the layers').default([...MAP_LAYERS]),
  }),
  tour: z
    .strictObject({
      /** Seconds per step. */
      dwellSeconds: z.number().int().min(WALL_LIMITS.minDwell).max(WALL_LIMITS.maxDwell),
      /** Start touring when the wall opens (a briefing room's wall), not only with `?tour`. */
      autostart: z.boolean().default(false),
      /** Empty: every column in turn, first at the root, then drilled into its worst child. */
      steps: z.array(tourStepSchema).max(WALL_LIMITS.tourSteps).default([]),
    })
    .default({ dwellSeconds: 30, autostart: false, steps: [] }),
})
export type Wall = z.infer<typeof wallSchema>
/** A wall as written (defaults not yet filled in). */
export type WallInput = z.input<typeof wallSchema>

export const playlistSchema = z.strictObject({
  id: codeSchema,
  title: localizedTextSchema,
  /** The walls in turn; each runs its own tour within its dwell. */
  entries: z
    .array(
      z.strictObject({
        wall: codeSchema,
        dwellSeconds: z.number().int().min(10).max(WALL_LIMITS.maxDwell * 4),
      }),
    )
    .min(1, 'needs at least one wall')
    .max(50),
})
export type Playlist = z.infer<typeof playlistSchema>

/** A stored document (wall or playlist) with its version: what GET answers, and what an edit starts from. */
export interface Versioned<T> {
  definition: T
  version: number
  /** When and by whom this version was written (epoch ms). */
  updated: number
  updatedBy: string
}

/**
 * One problem of a definition, by the path of the field (`columns.1.kpis.2`),
 * as zod paths are. `code` and `params` let a form say it in its own
 * language; `message` says it in English for the API and logs.
 */
export interface FieldProblem {
  path: Array<string | number>
  message: string
  code?: string
  params?: Record<string, string | number>
}

/**
 * What a wall refers to that the catalog does not have, or that lies outside
 * `scope` (the editor's region): each problem names its field. Empty when
 * the wall can be shown as it is.
 */
export function wallProblems(wall: Wall, catalog: CatalogIndex, scope: string | null): FieldProblem[] {
  const out: FieldProblem[] = []
  const indicator = (code: string, path: Array<string | number>, domain?: string) => {
    const i = catalog.indicator(code)
    if (!i) out.push({ path, message: `${code} is not in the indicator catalog`, code: 'unknown_indicator', params: { code } })
    else if (domain !== undefined && i.domain !== domain)
      out.push({ path, message: `${code} belongs to domain ${i.domain}, not to the column's ${domain}`, code: 'other_domain', params: { code, domain: i.domain, column: domain } })
  }
  if (wall.root !== null) {
    if (!catalog.region(wall.root)) out.push({ path: ['root'], message: `${wall.root} is not in the region catalog`, code: 'unknown_region', params: { code: wall.root } })
    else if (scope !== null && !catalog.tree.isWithin(wall.root, scope))
      out.push({ path: ['root'], message: `${wall.root} lies outside your region ${scope}`, code: 'outside_scope', params: { code: wall.root, scope } })
  }
  wall.columns.forEach((c, i) => {
    if (!catalog.domain(c.domain)) out.push({ path: ['columns', i, 'domain'], message: `${c.domain} is not in the domain catalog`, code: 'unknown_domain', params: { code: c.domain } })
    c.kpis.forEach((k, j) => indicator(k, ['columns', i, 'kpis', j], catalog.domain(c.domain) ? c.domain : undefined))
    indicator(c.trend.indicator, ['columns', i, 'trend', 'indicator'])
    indicator(c.ranking, ['columns', i, 'ranking'])
  })
  indicator(wall.map.indicator, ['map', 'indicator'])
  const columns = new Set(wall.columns.map((c) => c.domain))
  wall.tour.steps.forEach((s, i) => {
    if (!columns.has(s.domain)) out.push({ path: ['tour', 'steps', i, 'domain'], message: `the wall has no column for domain ${s.domain}`, code: 'no_column', params: { domain: s.domain } })
  })
  return out
}

/** The indicators and domains a wall uses, each with the first field that uses it. */
export function wallUses(wall: Wall): { indicators: Map<string, string>; domains: Map<string, string> } {
  const indicators = new Map<string, string>()
  const domains = new Map<string, string>()
  const use = (map: Map<string, string>, code: string, path: string) => map.has(code) || map.set(code, path)
  wall.columns.forEach((c, i) => {
    use(domains, c.domain, `columns[${i}].domain`)
    c.kpis.forEach((k, j) => use(indicators, k, `columns[${i}].kpis[${j}]`))
    use(indicators, c.trend.indicator, `columns[${i}].trend.indicator`)
    use(indicators, c.ranking, `columns[${i}].ranking`)
  })
  use(indicators, wall.map.indicator, 'map.indicator')
  return { indicators, domains }
}

/** The tour's steps: as defined, or every column at the root then drilled. */
export function tourStepsOf(wall: Pick<Wall, 'columns' | 'tour'>): TourStep[] {
  if (wall.tour.steps.length > 0) return wall.tour.steps
  return wall.columns.flatMap((c) => [
    { domain: c.domain, drill: false },
    { domain: c.domain, drill: true },
  ])
}

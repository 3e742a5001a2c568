import { z } from 'zod'
import { RUNNING_PERIODS } from './running-period'

/**
 * Reference data — domains, regions, indicators, stations — as zod schemas.
 * The TypeScript types are inferred from these, so a catalog file, an API reply
 * and the code that reads them can never disagree about a field.
 */

export const localizedTextSchema = z.object({
  zh: z.string().min(1),
  en: z.string().min(1),
})
export type LocalizedText = z.infer<typeof localizedTextSchema>

/** Codes are short ASCII identifiers so they are safe in URLs, logs and TSV. */
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/
export const codeSchema = z.string().regex(CODE_PATTERN, 'must be 1–64 characters of letters, digits, "_", ".", ":" or "-"')

/** A domain's code (`environment`); the domains themselves are data (domainSchema). */
export type Domain = string

/**
 * The icons a domain may show, drawn by the client from its own bundle (no
 * icon font is fetched). A domain names one; `grid` is the neutral one.
 */
export const DOMAIN_ICONS = ['briefcase', 'home', 'leaf', 'car', 'siren', 'phone', 'shield', 'heart', 'book', 'drop', 'building', 'grid'] as const
export const domainIconSchema = z.enum(DOMAIN_ICONS)
export type DomainIcon = z.infer<typeof domainIconSchema>

/**
 * A domain (营商环境, 生态环境…) as catalog data: indicators refer to it by
 * code, and screens list domains in `order`, named and coloured from here.
 */
export const domainSchema = z.strictObject({
  code: codeSchema,
  name: localizedTextSchema,
  /** A shorter name for narrow places (a filter chip); the name when absent. */
  short: localizedTextSchema.optional(),
  color: z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be a colour as #rrggbb'),
  icon: domainIconSchema,
  /** Place on walls and in lists, lowest first. */
  order: z.number().int(),
})
export type DomainInfo = z.infer<typeof domainSchema>

export const REGION_LEVELS = ['province', 'city', 'county'] as const
export const regionLevelSchema = z.enum(REGION_LEVELS)
export type RegionLevel = z.infer<typeof regionLevelSchema>

const lonLatSchema = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)])

export const regionSchema = z.object({
  code: codeSchema,
  name: localizedTextSchema,
  level: regionLevelSchema,
  parent: codeSchema.nullable(),
  /** [longitude, latitude] of the region's visual centre. */
  centroid: lonLatSchema,
  /**
   * Economic zone the region belongs to (a province's own planning division, e.g.
   * the Pearl River Delta). Simulators use it to make regions differ realistically.
   */
  zone: z.string().min(1).optional(),
})
export type Region = z.infer<typeof regionSchema>

export const STATION_KINDS = ['air', 'traffic'] as const
export const stationKindSchema = z.enum(STATION_KINDS)
export type StationKind = z.infer<typeof stationKindSchema>

export const stationSchema = z.object({
  code: codeSchema,
  kind: stationKindSchema,
  name: localizedTextSchema,
  /** The leaf region (county, or a city without counties) the station stands in. */
  region: codeSchema,
  location: lonLatSchema,
})
export type Station = z.infer<typeof stationSchema>

/**
 * How values of one indicator combine across regions (up the region tree) and
 * stations. `weightedMean` weights each series by the latest value of another
 * indicator on the same region or station (e.g. income weighted by households).
 */
export const spatialAggregationSchema = z.discriminatedUnion('rule', [
  z.object({ rule: z.literal('sum') }),
  z.object({ rule: z.literal('mean') }),
  z.object({ rule: z.literal('max') }),
  z.object({ rule: z.literal('last') }),
  z.object({ rule: z.literal('weightedMean'), weightBy: codeSchema }),
])
export type SpatialAggregation = z.infer<typeof spatialAggregationSchema>

/**
 * How points of one series combine within a time bucket. Running values such as
 * "today so far" use `last`; rates and concentrations use `mean`.
 */
export const TEMPORAL_AGGREGATIONS = ['mean', 'last', 'max', 'sum'] as const
export const temporalAggregationSchema = z.enum(TEMPORAL_AGGREGATIONS)
export type TemporalAggregation = z.infer<typeof temporalAggregationSchema>

export const BETTER_DIRECTIONS = ['higher', 'lower', 'neither'] as const
export const betterSchema = z.enum(BETTER_DIRECTIONS)
export type Better = z.infer<typeof betterSchema>

/**
 * A target is either a level the value should reach (a rate, a duration) or, for
 * counts whose size depends on the region, a year-on-year change in percent.
 */
export const targetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('level'), value: z.number() }),
  z.object({ kind: z.literal('yoyChange'), percent: z.number() }),
])
export type Target = z.infer<typeof targetSchema>

/** A colour as CSS hex. */
const hexColorSchema = z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be a colour as #rrggbb')

/**
 * One band of a fill scale: the values above the previous band's `upTo` up to
 * and including its own (HJ 633's AQI 51–100 is `{ upTo: 100 }` after
 * `{ upTo: 50 }`). The last band is open (`upTo: null`): everything above.
 */
export const fillBandSchema = z.strictObject({
  upTo: z.number().nullable(),
  color: hexColorSchema,
  /** What the band means (优, 良…); without it the legend shows the band's range alone. */
  name: localizedTextSchema.optional(),
})
export type FillBand = z.infer<typeof fillBandSchema>

/** Bands from the lowest values up: each `upTo` above the one before, only the last one open. */
const fillBandsSchema = z
  .array(fillBandSchema)
  .min(2, 'needs at least two bands')
  .superRefine((bands, ctx) => {
    bands.forEach((b, i) => {
      const last = i === bands.length - 1
      const before = i > 0 ? bands[i - 1]!.upTo : null
      if (last && b.upTo !== null) ctx.addIssue({ code: 'custom', path: [i, 'upTo'], message: 'the last band must be open (upTo: null): it takes every value above the one before' })
      else if (!last && b.upTo === null) ctx.addIssue({ code: 'custom', path: [i, 'upTo'], message: 'only the last band may be open (upTo: null)' })
      else if (b.upTo !== null && before !== null && b.upTo <= before)
        ctx.addIssue({ code: 'custom', path: [i, 'upTo'], message: `must be above the previous band's upTo (${before})` })
    })
  })

/**
 * How the map fills regions by an indicator's value: fixed by the catalog, so
 * a colour means the same value on every screen and at every moment.
 * - `bands`: fixed thresholds and colours (HJ 633's AQI bands). `byLevel`
 *   gives regions of one level their own bands, for sums whose size follows
 *   the region's (a city's count is many counties').
 * - `target`: bands around the indicator's level target, `step` wide in its
 *   unit (well beyond / on target / short / far short; client/src/map/fill-scale.ts).
 * Without a scale the map derives target bands with a default step, or spreads
 * bands over the indicator's range.
 */
export const fillScaleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('bands'), bands: fillBandsSchema, byLevel: z.partialRecord(regionLevelSchema, fillBandsSchema).optional() }),
  z.strictObject({ kind: z.literal('target'), step: z.number().positive('must be above 0') }),
])
export type FillScale = z.infer<typeof fillScaleSchema>

export const indicatorSchema = z
  .object({
    code: codeSchema,
    /** The domain's code (domainSchema); the catalog checks it names one. */
    domain: codeSchema,
    name: localizedTextSchema,
    /** Empty for dimensionless indices such as AQI. */
    unit: z.object({ zh: z.string(), en: z.string() }),
    /** Decimals to show. */
    precision: z.number().int().min(0).max(6),
    aggregation: spatialAggregationSchema,
    temporal: temporalAggregationSchema,
    better: betterSchema,
    /** Seconds between two points of one series in normal operation. */
    cadenceSeconds: z.number().int().positive(),
    target: targetSchema.nullable(),
    /** Physically plausible values; a point outside is rejected, not stored. */
    range: z.tuple([z.number(), z.number()]),
    /** Set when the indicator is measured at stations of this kind. */
    stationKind: stationKindSchema.optional(),
    /**
     * Set when a value is a running figure over the current local period — today
     * so far, month to date — that starts again at the period's beginning
     * (common/running-period.ts). Such a value stands on little early in its
     * period: rules wait (`minPeriodShare`) and screens say it is running.
     */
    running: z.enum(RUNNING_PERIODS).optional(),
    description: localizedTextSchema.optional(),
    /** The map's fill scale (see fillScaleSchema). */
    scale: fillScaleSchema.optional(),
  })
  .refine((i) => i.range[0] < i.range[1], { message: 'range must be [min, max] with min < max', path: ['range'] })
  .superRefine((i, ctx) => {
    const scale = i.scale
    if (!scale) return
    if (scale.kind === 'target') {
      if (i.target?.kind !== 'level' || i.better === 'neither')
        ctx.addIssue({ code: 'custom', path: ['scale', 'kind'], message: 'a "target" scale needs a level target and a better direction' })
      return
    }
    // A threshold outside the physical range would make a band no value can fall in. Not for
    // sums: the range bounds a point, and a city's sum of many points may lie far above it.
    if (i.aggregation.rule === 'sum') return
    const check = (bands: readonly FillBand[], path: Array<string | number>) =>
      bands.forEach((b, k) => {
        if (b.upTo !== null && !(b.upTo >= i.range[0] && b.upTo < i.range[1]))
          ctx.addIssue({ code: 'custom', path: [...path, k, 'upTo'], message: `must lie within the indicator's range [${i.range[0]}, ${i.range[1]})` })
      })
    check(scale.bands, ['scale', 'bands'])
    for (const [level, bands] of Object.entries(scale.byLevel ?? {})) if (bands) check(bands, ['scale', 'byLevel', level])
  })
export type Indicator = z.infer<typeof indicatorSchema>

export const domainsFileSchema = z.object({ domains: z.array(domainSchema).min(1) })
export const regionsFileSchema = z.object({ regions: z.array(regionSchema).min(1) })
export const indicatorsFileSchema = z.object({ indicators: z.array(indicatorSchema).min(1) })
export const stationsFileSchema = z.object({ stations: z.array(stationSchema) })

export interface Catalog {
  domains: DomainInfo[]
  indicators: Indicator[]
  regions: Region[]
  stations: Station[]
}

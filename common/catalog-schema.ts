import { z } from 'zod'
import { RUNNING_PERIODS } from './running-period'

/**
 * Reference data — domains, regions, indicators, stations — as zod schemas.
 * The TypeScript types are inferred from these, so a catalog file, an API reply
 * and the code that reads them can never disagree about a field.
 */

export const DOMAINS = ['business', 'poverty', 'environment', 'traffic'] as const
export const domainSchema = z.enum(DOMAINS)
export type Domain = z.infer<typeof domainSchema>

export const localizedTextSchema = z.object({
  zh: z.string().min(1),
  en: z.string().min(1),
})
export type LocalizedText = z.infer<typeof localizedTextSchema>

/** Codes are short ASCII identifiers so they are safe in URLs, logs and TSV. */
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/
export const codeSchema = z.string().regex(CODE_PATTERN, 'must be 1–64 characters of letters, digits, "_", ".", ":" or "-"')

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

export const indicatorSchema = z
  .object({
    code: codeSchema,
    domain: domainSchema,
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
  })
  .refine((i) => i.range[0] < i.range[1], { message: 'range must be [min, max] with min < max', path: ['range'] })
export type Indicator = z.infer<typeof indicatorSchema>

export const regionsFileSchema = z.object({ regions: z.array(regionSchema).min(1) })
export const indicatorsFileSchema = z.object({ indicators: z.array(indicatorSchema).min(1) })
export const stationsFileSchema = z.object({ stations: z.array(stationSchema) })

export interface Catalog {
  indicators: Indicator[]
  regions: Region[]
  stations: Station[]
}

import { z } from 'zod'

/**
 * Parameters of the baseline-deviation condition (the detector in
 * server/alerting/baseline-detector.ts). Every one is optional; an omitted one
 * takes its value from DEFAULT_BASELINE_PARAMS. The defaults were chosen on
 * the NAB benchmark (`npm run bench -- anomaly_nab`) as one set for all series;
 * the README explains the detector and the measurements behind each choice.
 *
 * Season and memory are in time (slots of the day and week, visits of a slot),
 * never in sample counts, so one parameter set serves a 5-second traffic
 * detector, hourly AQI and a daily business indicator alike.
 */

const MINUTES_PER_DAY = 1440

export const BaselineParamsSchema = z.strictObject({
  /**
   * How far from the expected value a point must be to be anomalous, in units
   * of the slot's mean absolute deviation: the band is expected ± threshold ×
   * deviation. @default 5 (4.5–6 score 80–89 on NAB; see the README)
   */
  threshold: z.number({ error: 'threshold must be a number' }).positive('threshold must be more than 0').max(100, 'threshold must be at most 100').optional(),
  /** Which side of the band counts: `above`, `below`, or `both`. @default 'both' */
  direction: z.enum(['above', 'below', 'both']).optional(),
  /**
   * Width of a season slot in minutes; the day has 1440 / slotMinutes slots and
   * the week seven times as many. The expected value is interpolated between
   * neighbouring slots. @default 60
   */
  slotMinutes: z
    .number({ error: 'slotMinutes must be a number' })
    .int('slotMinutes must be a whole number')
    .min(5, 'slotMinutes must be at least 5')
    .max(MINUTES_PER_DAY, 'slotMinutes must be at most 1440')
    .refine((m) => MINUTES_PER_DAY % m === 0, 'slotMinutes must divide a day (1440 minutes)')
    .optional(),
  /**
   * How many past visits of a slot its expected value and deviation remember
   * (exponential memory): about this many days for the hour-of-day profile and
   * this many weeks for the hour-of-week one. @default 4
   */
  memoryVisits: z.number({ error: 'memoryVisits must be a number' }).min(1, 'memoryVisits must be at least 1').max(100, 'memoryVisits must be at most 100').optional(),
  /**
   * How much the hour-of-week profile is trusted over the hour-of-day one: its
   * weight is v / (v + weeklyTrustVisits) after v visits of the slot (1/2 after
   * two weeks with the default). 0 trusts it from its first visit. @default 2
   */
  weeklyTrustVisits: z.number({ error: 'weeklyTrustVisits must be a number' }).min(0, 'weeklyTrustVisits must be 0 or more').max(100).optional(),
  /**
   * Visits of a slot (days, for the hour-of-day profile) before the detector
   * may call a point anomalous there; until then it learns and stays quiet.
   * @default 2
   */
  warmupVisits: z.number({ error: 'warmupVisits must be a number' }).min(1, 'warmupVisits must be at least 1').max(100).optional(),
  /**
   * A point moves the expected value by at most this many deviations, so an
   * outage or a spike does not drag the baseline after it. The deviation
   * itself is not clipped: a series with frequent spikes gets a wider band.
   * @default 4
   */
  learnClip: z.number({ error: 'learnClip must be a number' }).positive('learnClip must be more than 0').max(100).optional(),
  /**
   * A slot's deviation is at least this share of the series' overall
   * deviation from its baseline, so an hour that is usually dead quiet (night
   * traffic) does not alert on every small blip. @default 0.5
   */
  quietFloor: z.number({ error: 'quietFloor must be a number' }).min(0, 'quietFloor must be 0 or more').max(1, 'quietFloor must be at most 1').optional(),
  /**
   * The smallest deviation worth an alert, in the indicator's unit: the
   * deviation never counts as smaller than this. @default 0
   */
  minDeviation: z.number({ error: 'minDeviation must be a number' }).min(0, 'minDeviation must be 0 or more').optional(),
  /**
   * The values are counts of events (incidents in the last hour): a count's own
   * noise is about the square root of what is expected, so the deviation never
   * counts as smaller than √expected (and 1). A busy city's twenty an hour
   * swing by four or five; a quiet county's one or two by one. @default false
   */
  counts: z.boolean({ error: 'counts must be true or false' }).optional(),
})
export type BaselineParams = z.infer<typeof BaselineParamsSchema>

/** The default for every parameter (see BaselineParamsSchema for what each means). */
export const DEFAULT_BASELINE_PARAMS: Readonly<Required<BaselineParams>> = Object.freeze({
  threshold: 5,
  direction: 'both',
  slotMinutes: 60,
  memoryVisits: 4,
  weeklyTrustVisits: 2,
  warmupVisits: 2,
  learnClip: 4,
  quietFloor: 0.5,
  minDeviation: 0,
  counts: false,
})

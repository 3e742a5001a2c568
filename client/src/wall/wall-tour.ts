import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Domain } from '../../../common/catalog-schema'
import type { CatalogIndex } from '../../../common/catalog-index'
import { getJson } from '../api/http'
import { rankingReplySchema } from '../../../common/api/query-api'
import { rankingUrl } from './wall-api'
import { tourStepsOf, type Wall } from '../../../common/wall-schema'

/**
 * The briefing tour (`?tour=30`, or the wall's own when it starts by
 * itself): the wall's steps in turn (by default each column, first over the
 * wall's root, then drilled into the region that ranks worst on its ranking
 * indicator), each highlighting its column and drawing that indicator on the
 * map; after the last step the round starts again. Steps replace the URL's region rather
 * than push it, so days of touring leave no history behind.
 */

export interface TourStep {
  domain: Domain
  headline: string
  /** Drill into the worst-ranked child of the root. */
  drill: boolean
}

export function tourSteps(wall: Pick<Wall, 'columns' | 'tour'>): TourStep[] {
  const ranking = new Map(wall.columns.map((c) => [c.domain, c.ranking]))
  return tourStepsOf(wall).flatMap((s) => {
    const headline = ranking.get(s.domain)
    return headline ? [{ domain: s.domain, headline, drill: s.drill }] : []
  })
}

export interface Tour {
  /** The domain being shown, null when not touring. */
  domain: Domain | null
  /** The map's indicator while touring. */
  indicator: string | null
}

/** Where a step goes: the root, or the worst-ranked child of the root by the step's headline (null: not known now). */
export async function stepTarget(step: TourStep, root: string, worstChild: (indicator: string) => Promise<string | null>): Promise<string | null> {
  if (!step.drill) return root
  return worstChild(step.headline)
}

/** The worst-ranked child of `root` by `indicator`, from the ranking API. */
export async function worstChildOf(catalog: CatalogIndex, root: string, indicator: string): Promise<string | null> {
  const childLevel = catalog.tree.children(root)[0]?.level
  if (!childLevel) return null
  const r = await getJson(rankingUrl(indicator, childLevel, root, 1), rankingReplySchema)
  // The bottom end is in ranking order: the worst is last.
  return r.bottom[r.bottom.length - 1]?.region ?? null
}

/**
 * How long before a step begins its region is worked out and its reads are
 * made: the ranking it drills by, then the panels' data. A quarter of the
 * dwell, at most 8 s: enough for a dozen reads on a loaded server, and late
 * enough that the minute-by-minute trends are still the same URLs.
 */
export function prefetchLeadMs(seconds: number): number {
  return Math.min(8_000, (seconds * 1000) / 4)
}

export function useTour(
  seconds: number | null,
  wall: Pick<Wall, 'columns' | 'tour'>,
  root: string,
  catalog: CatalogIndex,
  select: (region: string, options: { replace: boolean }) => void,
  /** Reads the wall will make for a region, made ahead (the next step's). */
  prefetch: (region: string) => void = () => {},
): Tour {
  const steps = useMemo(() => tourSteps(wall), [wall])
  const [index, setIndex] = useState(0)
  // Regions worked out ahead, by step index: the step then starts on them at once.
  const planned = useRef(new Map<number, string>())
  useEffect(() => {
    if (seconds === null || steps.length === 0) return
    const timer = setInterval(() => setIndex((i) => (i + 1) % steps.length), seconds * 1000)
    return () => clearInterval(timer)
  }, [seconds, steps.length])

  const step = seconds === null || steps.length === 0 ? null : steps[index % steps.length]!
  const worst = useCallback((indicator: string) => worstChildOf(catalog, root, indicator), [catalog, root])
  useEffect(() => {
    if (!step || seconds === null) return
    let cancelled = false
    const known = planned.current.get(index)
    planned.current.delete(index)
    if (known) select(known, { replace: true })
    else
      stepTarget(step, root, worst)
        .then((region) => {
          if (region && !cancelled) select(region, { replace: true })
        })
        // No ranking (the server is away): the tour stays where it is and tries at the next step.
        .catch(() => {})
    // Before the next step begins: where it goes, and what it will read there.
    const nextIndex = (index + 1) % steps.length
    const ahead = setTimeout(() => {
      stepTarget(steps[nextIndex]!, root, worst)
        .then((region) => {
          if (!region || cancelled) return
          planned.current.set(nextIndex, region)
          prefetch(region)
        })
        .catch(() => {})
    }, seconds * 1000 - prefetchLeadMs(seconds))
    return () => {
      cancelled = true
      clearTimeout(ahead)
    }
  }, [step, index, steps, seconds, root, select, worst, prefetch])

  return { domain: step?.domain ?? null, indicator: step?.headline ?? null }
}

import { useEffect, useMemo, useState } from 'react'
import type { Domain } from '../../../common/catalog-schema'
import type { CatalogIndex } from '../../../common/catalog-index'
import { getJson } from '../api/http'
import { rankingReplySchema } from '../../../common/api/query-api'
import { rankingUrl } from './wall-api'
import type { WallDomain } from './wall-domains'

/**
 * The briefing tour (`?tour=30`): each domain in turn is highlighted and its
 * headline indicator drawn on the map, first over the whole province, then
 * drilled into the region that ranks worst on it; after the last domain the
 * round starts again at the province. Steps replace the URL's region rather
 * than push it, so days of touring leave no history behind.
 */

export interface TourStep {
  domain: Domain
  headline: string
  /** Drill into the worst-ranked child of the root. */
  drill: boolean
}

export function tourSteps(domains: readonly WallDomain[]): TourStep[] {
  return domains.flatMap((d) => [
    { domain: d.domain, headline: d.headline, drill: false },
    { domain: d.domain, headline: d.headline, drill: true },
  ])
}

export interface Tour {
  /** The domain being shown, null when not touring. */
  domain: Domain | null
  /** The map's indicator while touring. */
  indicator: string | null
}

export function useTour(
  seconds: number | null,
  domains: readonly WallDomain[],
  catalog: CatalogIndex,
  select: (region: string, options: { replace: boolean }) => void,
): Tour {
  const steps = useMemo(() => tourSteps(domains), [domains])
  const [index, setIndex] = useState(0)
  useEffect(() => {
    if (seconds === null) return
    const timer = setInterval(() => setIndex((i) => (i + 1) % steps.length), seconds * 1000)
    return () => clearInterval(timer)
  }, [seconds, steps.length])

  const step = seconds === null ? null : steps[index % steps.length]!
  useEffect(() => {
    if (!step) return
    const root = catalog.tree.root
    if (!step.drill) {
      select(root.code, { replace: true })
      return
    }
    const childLevel = catalog.tree.children(root.code)[0]?.level
    if (!childLevel) return
    let cancelled = false
    getJson(rankingUrl(step.headline, childLevel, root.code, 1), rankingReplySchema)
      .then((r) => {
        // The bottom end is in ranking order: the worst is last.
        const worst = r.bottom[r.bottom.length - 1]
        if (worst && !cancelled) select(worst.region, { replace: true })
      })
      // No ranking (the server is away): the tour stays where it is and tries at the next step.
      .catch(() => {})
    return () => {
      cancelled = true
    }
  }, [step, catalog, select])

  return { domain: step?.domain ?? null, indicator: step?.headline ?? null }
}

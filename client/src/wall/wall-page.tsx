import './wall.css'
import './wall-panels.css'
import { useCallback, useMemo, useState, useSyncExternalStore } from 'react'
import type { Alert } from '../../../common/alert-state'
import { changesReplySchema } from '../../../common/api/query-api'
import { scorecardReplySchema } from '../../../common/api/scorecard-api'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { LiveProvider, useLive } from '../live/live'
import { RegionMap } from '../map/region-map'
import { AlertDetailPanel } from './alert-detail-panel'
import { useAlertChime } from './alert-sound'
import { AlertTicker } from './alert-ticker'
import { DomainColumn } from './domain-column'
import { rescoreLive } from './live-figures'
import { wallReads } from './wall-reads'
import { prefetchJson } from '../api/http'
import { ScorecardPanel } from './scorecard-panel'
import { usePolledJson } from './use-polled-json'
import { useWallAlerts } from './use-wall-alerts'
import { CHANGES_RELOAD_MS, changesUrl, SCORECARD_RELOAD_MS, scorecardUrl } from './wall-api'
import type { Wall as WallDefinition } from '../../../common/wall-schema'
import type { MapOverlay } from '../map/region-map'
import { useWallDefinition } from './use-wall-definition'
import { ReconnectBanner, WallHeader } from './wall-header'
import { kioskOf, tourSecondsOf, useWallIndicator, useWallRegion } from './wall-location'
import { WallStage } from './wall-stage'
import { WallTimeProvider } from './wall-time'
import { useTour } from './wall-tour'

/**
 * A wall (`/`, the account's default wall; `/wall/:id`, a wall by id): its
 * definition comes from the server (common/wall-schema.ts) and is read again
 * now and then, so a wall published in the console reaches the screens
 * without anyone touching them.
 */
export function WallPage() {
  const { t } = useI18n()
  const definition = useWallDefinition(wallIdOf(location.pathname))
  if (definition.kind !== 'ready')
    return (
      <div className="loading" data-testid="wall-missing" data-state={definition.kind}>
        {definition.kind === 'loading' ? t('data.loading') : definition.kind === 'unknown' ? t('wall.unknown', { id: definition.id }) : definition.kind === 'none' ? t('wall.none') : t('error.load', { message: definition.message })}
      </div>
    )
  return <WallView wall={definition.wall} />
}

/** `/wall/:id` → the id; `/` → null (the default wall). */
export function wallIdOf(pathname: string): string | null {
  const m = /^\/wall\/([^/]+)\/?$/.exec(pathname)
  return m ? decodeURIComponent(m[1]!) : null
}

/**
 * One wall on the stage. The selected region is in the URL and every panel
 * follows it; so does the live room, so the store holds the region's subtree
 * and nothing else. `tourSeconds` overrides the wall's own tour (a playlist
 * runs each wall's tour within its dwell).
 */
export function WallView({ wall, tourSeconds, preview }: { wall: WallDefinition; tourSeconds?: number | null; preview?: { width: number; height: number } }) {
  const catalog = useCatalog()
  // The catalog is the account's subtree; a wall for every region opens on the account's own.
  const root = wall.root !== null && catalog.region(wall.root) ? wall.root : catalog.tree.root.code
  // A preview (the console's) is a screen of that size in the page, and keeps its state out of the page's URL.
  const { region, select } = useWallRegion(catalog.tree, root, !preview)
  const room = useMemo(() => ({ region, stations: true }), [region])
  return (
    <LiveProvider room={room}>
      <WallTimeProvider>
        <WallStage box={preview}>
          <Wall wall={wall} root={root} region={region} select={select} tourOverride={preview ? null : tourSeconds} inUrl={!preview} />
        </WallStage>
      </WallTimeProvider>
    </LiveProvider>
  )
}

interface WallProps {
  wall: WallDefinition
  root: string
  region: string
  select(code: string, options?: { replace?: boolean }): void
  tourOverride: number | null | undefined
  /** The map's indicator is kept in the URL (not in a preview). */
  inUrl: boolean
}

function Wall({ wall, root, region, select, tourOverride, inUrl }: WallProps) {
  const { t, name } = useI18n()
  const catalog = useCatalog()
  const tourSeconds = useMemo(() => (tourOverride !== undefined ? tourOverride : tourSecondsOf(location.search, wall.tour)), [tourOverride, wall.tour])
  const columns = wall.columns
  // The indicators the KPI cards show, for their one request of changes.
  const kpis = useMemo(() => columns.flatMap((c) => c.kpis), [columns])
  const [kiosk] = useState(() => kioskOf(location.search))
  const { chime, sound } = useAlertChime(kiosk)
  // The tour's next region is read ahead, so its step opens on data rather than on 加载中.
  const prefetch = useCallback((next: string) => {
    for (const url of wallReads(next, columns, catalog, Date.now())) void prefetchJson(url)
  }, [catalog, columns])
  const tour = useTour(tourSeconds, wall, root, catalog, select, prefetch)
  const knownIndicator = useCallback((code: string) => catalog.indicator(code) !== undefined, [catalog])
  const [picked, setPicked] = useWallIndicator(knownIndicator, wall.map.indicator, inUrl)
  const mapIndicator = tour.indicator ?? picked
  const drill = useCallback((code: string) => select(code), [select])
  // One list for the ticker and the map, so the ticker's count and the legend's agree.
  const alerts = useWallAlerts(region)
  // The alert opened from the ticker: the wall drills to its region and the map centres on its station.
  const [opened, setOpened] = useState<Alert | null>(null)
  const openAlert = useCallback(
    (a: Alert) => {
      setOpened(a)
      select(a.region)
    },
    [select],
  )
  const closeAlert = useCallback(() => setOpened(null), [])
  const detail = opened ? (alerts.byId.get(opened.id) ?? opened) : null
  const scorecard = usePolledJson(scorecardUrl(region), scorecardReplySchema, SCORECARD_RELOAD_MS)
  // Scores follow the live values on the same tick as the cards and the map (targets, weights and yoy from the answer).
  const { store } = useLive()
  const polledOwn = scorecard.data?.regions[0]
  const scored = useMemo(() => polledOwn?.domains.flatMap((d) => d.indicators.map((i) => i.indicator)) ?? [], [polledOwn])
  // Re-scored only when one of the scored values of this region changes, not on every tick of the subtree.
  const scoredValues = useSyncExternalStore(store.subscribe, () => scored.map((code) => { const v = store.get(code, region); return v ? `${v.ts}:${v.value}` : '' }).join('|'))
  const own = useMemo(
    () => (polledOwn && polledOwn.region === region ? rescoreLive(polledOwn, (indicator) => store.get(indicator, region)) : undefined),
    // The store changes in place; the scored values (and their times) say when what is scored here changed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [polledOwn, region, store, scoredValues],
  )
  const domainScores = own?.domains
  // Every card's MoM and YoY in one request (an answer for another region is not shown).
  const polledChanges = usePolledJson(changesUrl(region, kpis), changesReplySchema, CHANGES_RELOAD_MS)
  const changes = useMemo(
    () => new Map(polledChanges.data?.region === region ? polledChanges.data.changes.map((c) => [c.indicator, c]) : []),
    [polledChanges.data, region],
  )
  // The scorecard details the toured domain, else the wall's first column it weighs.
  const scorecardDomains = useMemo(() => [...(tour.domain ? [tour.domain] : []), ...columns.map((c) => c.domain)], [tour.domain, columns])
  const overlays = useMemo(() => wall.map.layers.filter((l): l is MapOverlay => l !== 'labels'), [wall.map.layers])
  // Columns fill the left side first, then the right (two each on the sample wall).
  const leftCount = Math.ceil(columns.length / 2)
  const column = (config: WallDefinition['columns'][number]) => {
    return (
      <DomainColumn
        key={config.domain}
        config={config}
        region={region}
        score={domainScores?.find((d) => d.domain === config.domain)}
        changes={changes}
        active={tour.domain === config.domain}
        mapIndicator={mapIndicator}
        onPickIndicator={setPicked}
      />
    )
  }
  return (
    <>
      <WallHeader title={wall.title} root={root} region={region} onSelect={drill} touring={tour.domain} sound={sound} />
      <ReconnectBanner />
      <main className="wall-body">
        <div className={sideClass(leftCount)} style={{ gridTemplateRows: `repeat(${leftCount}, minmax(0, 1fr))` }}>
          {columns.slice(0, leftCount).map(column)}
        </div>
        <div className="wall-centre">
          <section className="panel wall-map-panel">
            <header className="wall-panel-title">
              <span className="wall-ellipsis">{name(catalog.indicator(mapIndicator)?.name)}</span>
              <span className="wall-map-hint wall-ellipsis">{t('wall.map.hint')}</span>
            </header>
            <div className="wall-map-box">
              <RegionMap region={region} indicator={mapIndicator} onSelect={drill} compactLegend alerts={alerts.open} focusStation={detail?.station || null} overlays={overlays} labels={wall.map.layers.includes('labels')} />
            </div>
          </section>
          <div className="wall-centre-lower">
            <ScorecardPanel polled={scorecard} own={own} domains={scorecardDomains} />
            <AlertTicker region={region} alerts={alerts} chime={chime} selected={detail?.id ?? null} onOpen={openAlert} />
            {detail && <AlertDetailPanel alert={detail} onClose={closeAlert} />}
          </div>
        </div>
        <div className={sideClass(columns.length - leftCount)} style={{ gridTemplateRows: `repeat(${Math.max(1, columns.length - leftCount)}, minmax(0, 1fr))` }}>
          {columns.slice(leftCount).map(column)}
        </div>
      </main>
    </>
  )
}

/**
 * A side of the wall holding `count` columns. Three stacked leave each too
 * short for two rows of cards above its trend, so they go dense: cards four
 * across, trend and ranking kept.
 */
function sideClass(count: number): string {
  return count >= 3 ? 'wall-side wall-side--dense' : 'wall-side'
}

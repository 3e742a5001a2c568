import { useCallback, useState, type CSSProperties } from 'react'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { LiveProvider } from '../live/live'
import { RegionMap, type MapOverlay } from './region-map'

/**
 * A bare page around RegionMap (route /map-preview) for developing the map
 * and for its browser test. The URL holds its state:
 * - `region`, `indicator`: what is shown (default: the root region, the first indicator);
 * - `overlays`: `air,traffic,alerts` (default all) or `none`;
 * - `refresh=MS`: how often a CPU renderer redraws for live values alone (default SOFTWARE_LIVE_REFRESH_MS);
 * - `labels=none`: no region labels (tests reading a fill's pixel where a label would be);
 * - `compact=1`: the wall's compact legend, with values in the labels;
 * - `design=WxH` and `scale=S`: lay the map out at W×H and scale it with a CSS
 *   transform, as the wall scales its 3840×2160 design to the screen.
 * A click on a region drills into it and shows its code (data-testid="map-preview-clicked").
 */

const OVERLAYS: readonly MapOverlay[] = ['air', 'traffic', 'alerts']

function param(name: string): string | null {
  return new URLSearchParams(location.search).get(name)
}

function setParam(name: string, value: string): void {
  const url = new URL(location.href)
  url.searchParams.set(name, value)
  history.replaceState(history.state, '', url)
}

export function MapPreview() {
  const catalog = useCatalog()
  const { t, name, lang, setLang } = useI18n()
  const root = catalog.tree.root.code
  const [region, setRegion] = useState(() => {
    const r = param('region')
    return r && catalog.region(r) ? r : root
  })
  const [indicator, setIndicator] = useState(() => {
    const i = param('indicator')
    return i && catalog.indicator(i) ? i : catalog.catalog.indicators[0]!.code
  })
  const [clicked, setClicked] = useState<string | null>(null)
  const [overlays] = useState<readonly MapOverlay[]>(() => {
    const o = param('overlays')
    return o === null ? OVERLAYS : OVERLAYS.filter((x) => o.split(',').includes(x))
  })
  const drill = useCallback((code: string) => {
    setRegion(code)
    setParam('region', code)
  }, [])
  const onSelect = useCallback(
    (code: string) => {
      setClicked(code)
      drill(code)
    },
    [drill],
  )

  const refresh = Number(param('refresh')) || undefined
  const design = /^(\d+)x(\d+)$/.exec(param('design') ?? '')
  const scale = Number(param('scale') ?? '1') || 1
  const box: CSSProperties = design
    ? { width: Number(design[1]), height: Number(design[2]), transform: `scale(${scale})`, transformOrigin: '0 0', position: 'absolute', top: 0, left: 0 }
    : { position: 'absolute', inset: 0 }
  const lineage = catalog.tree.lineage(region).reverse()

  return (
    <LiveProvider room={{ region: root }}>
      <div style={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
        <header style={{ display: 'flex', gap: 12, alignItems: 'center', padding: '6px 12px', fontSize: 16 }}>
          <nav data-testid="map-preview-breadcrumb" style={{ display: 'flex', gap: 6 }}>
            {lineage.map((r) => (
              <button key={r.code} type="button" onClick={() => drill(r.code)} disabled={r.code === region}>
                {name(r.name)}
              </button>
            ))}
          </nav>
          <select
            aria-label="indicator"
            value={indicator}
            onChange={(e) => {
              setIndicator(e.target.value)
              setParam('indicator', e.target.value)
            }}
          >
            {catalog.catalog.indicators.map((i) => (
              <option key={i.code} value={i.code}>
                {name(i.name)}
              </option>
            ))}
          </select>
          <button type="button" onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}>
            {t('lang.switch')}
          </button>
          <span>
            {t('map.preview.clicked')}: <b data-testid="map-preview-clicked">{clicked ?? '—'}</b>
          </span>
        </header>
        <main style={{ position: 'relative', flex: 1, overflow: 'hidden' }}>
          <div style={box}>
            <RegionMap
              region={region}
              indicator={indicator}
              onSelect={onSelect}
              overlays={overlays}
              softwareRefreshMs={refresh}
              labels={param('labels') !== 'none'}
              compactLegend={param('compact') === '1'}
            />
          </div>
        </main>
      </div>
    </LiveProvider>
  )
}

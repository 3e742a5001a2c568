import { useEffect, useMemo, useState } from 'react'
import type { CatalogIndex } from '../../../common/catalog-index'
import type { Indicator } from '../../../common/catalog-schema'
import { useI18n } from '../i18n/i18n'
import type { MapController } from './map-controller'
import type { LabelInputs, MapLabel } from './map-layers'
import type { RegionGeo, RegionView } from './region-geo'
import { createTextMeasure, placeLabels, type LabelCandidate, type Rect } from './region-labels'
import type { ValueColumn } from './value-column'

/**
 * The shown regions' names as map labels (and on the wall their values),
 * placed where they fit (region-labels.ts) for the camera as it stands: again
 * after every camera move, language switch or, with values, tick. Drawn by
 * deck.gl's TextLayer from glyphs the browser rasterises from the page's own
 * font (theme.css --font, a system CJK font): nothing is fetched.
 */

/** Labels are a little smaller than the legend's text: on the wall (--map-font 45 px) 36 px, the wall's smallest text. */
export const LABEL_FONT_SHARE = 0.8
/** Line height of a two-line label, in text sizes (TextLayer's lineHeight in map-layers.ts). */
const LINE_HEIGHT = 1.1
/** Characters besides names that labels hold: numbers as the i18n formats them, in both languages. */
const NUMBER_CHARACTERS = '0123456789.,-−+% 万亿—'

export interface RegionLabelsInput {
  controller: MapController | null
  geo: RegionGeo | null
  view: RegionView | null
  catalog: CatalogIndex
  indicator: Indicator | undefined
  values: ValueColumn
  /** Add each region's value under its name (the wall). */
  withValues: boolean
  /** The legend's box in map pixels: no label under it. */
  legend: Rect | null
  /** The map's text size in pixels (the legend's). */
  fontPx: number
  fontFamily: string
}

export function useRegionLabels({ controller, geo, view, catalog, indicator, values, withValues, legend, fontPx, fontFamily }: RegionLabelsInput): LabelInputs | null {
  const { lang, name, num, t } = useI18n()
  // The placement is for the camera as it stands: placed again once it has moved.
  const [moves, setMoves] = useState(0)
  useEffect(() => {
    if (!controller) return
    const moved = () => setMoves((m) => m + 1)
    controller.map.on('moveend', moved)
    controller.map.on('resize', moved)
    return () => {
      controller.map.off('moveend', moved)
      controller.map.off('resize', moved)
    }
  }, [controller])

  // Every character a label may need, from the data: the atlas is drawn once per catalog.
  const characterSet = useMemo(() => {
    const chars = new Set(NUMBER_CHARACTERS)
    const add = (s: string) => {
      for (const c of s) chars.add(c)
    }
    for (const r of catalog.catalog.regions) add(r.name.zh + r.name.en)
    for (const i of catalog.catalog.indicators) add(i.unit.zh + i.unit.en)
    add(t('map.noData'))
    return [...chars].sort().join('')
  }, [catalog, t])

  const size = Math.round(fontPx * LABEL_FONT_SHARE)
  const valueRevision = withValues ? values.revision : ''
  const legendKey = legend ? `${legend.left},${legend.top},${legend.right},${legend.bottom}` : ''
  return useMemo(() => {
    if (!controller || !geo || !view) return null
    const measure = createTextMeasure(`600 ${size}px ${fontFamily}`)
    const candidates: Array<LabelCandidate & { position: [number, number] }> = []
    view.shown.features.forEach((f, i) => {
      const code = f.properties.code
      const anchor = geo.anchor(code)
      const bounds = geo.bounds(code)
      if (!anchor || !bounds) return
      let text = name(catalog.region(code)?.name) || (lang === 'zh' ? f.properties.name_zh : f.properties.name_en)
      if (withValues && indicator) {
        const v = values.at(i)
        const unit = name(indicator.unit)
        text += `\n${Number.isNaN(v) ? t('map.noData') : `${num(v, indicator.precision)}${unit ? ` ${unit}` : ''}`}`
      }
      const lines = text.split('\n')
      const [x, y] = controller.project(anchor)
      const [x0, y0] = controller.project(bounds[0])
      const [x1, y1] = controller.project(bounds[1])
      candidates.push({
        code,
        text,
        position: anchor,
        x,
        y,
        width: Math.max(...lines.map(measure)),
        height: lines.length * size * LINE_HEIGHT,
        // The region's size on screen: a city's name before a district's squeezed beside it.
        priority: Math.abs((x1 - x0) * (y1 - y0)),
      })
    })
    const placed = placeLabels(candidates, controller.size(), legend ? [legend] : [])
    const labels: MapLabel[] = placed.map((c) => ({ code: c.code, text: c.text, position: c.position }))
    return { labels, placement: `${view.region}|${moves}|${lang}|${size}|${legendKey}|${withValues}`, revision: `${lang}|${valueRevision}`, size, fontFamily, characterSet }
    // `values` is read through its revision; `legend` through its key.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [controller, geo, view, catalog, indicator, valueRevision, withValues, legendKey, size, fontFamily, characterSet, moves, lang, name, num, t])
}

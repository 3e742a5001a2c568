import { useEffect, useRef } from 'react'
import { initChart, type Chart, type ChartOption } from './echarts'

/**
 * One ECharts instance per element, created once on mount, fed with
 * setOption on every change of `option` and disposed on unmount, so a panel
 * that redraws for days keeps one canvas and flat memory. Charts of the wall
 * have a fixed size (the wall is scaled as a whole), so no resize handling.
 *
 * Give a memoised option: a new object is a redraw.
 */
export function useChart(option: ChartOption | null) {
  const ref = useRef<HTMLDivElement>(null)
  const chart = useRef<Chart | null>(null)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const instance = initChart(el, undefined, { renderer: 'canvas' })
    chart.current = instance
    return () => {
      chart.current = null
      instance.dispose()
    }
  }, [])
  useEffect(() => {
    // Series are replaced, components merged: an update never leaves a stale series behind.
    if (option) chart.current?.setOption(option, { replaceMerge: ['series'], lazyUpdate: true })
  }, [option])
  return ref
}

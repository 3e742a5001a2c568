import { useEffect, useRef, type RefObject } from 'react'
import { initChart, type Chart, type ChartOption } from './echarts'

/**
 * One ECharts instance per chart element: created on mount, given new options
 * with setOption (never re-created), resized with its element, disposed on
 * unmount — so a screen that redraws for days keeps one canvas and flat memory.
 *
 * `option` is applied whenever it changes: series are replaced by id (a removed
 * comparison disappears), components merged (zoom and legend state are kept).
 * Give a memoised option: a new object is a redraw.
 */
export function useChart(option: ChartOption | null): { ref: RefObject<HTMLDivElement | null>; chart: RefObject<Chart | null> } {
  const ref = useRef<HTMLDivElement | null>(null)
  const chart = useRef<Chart | null>(null)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const instance = initChart(el, null, { renderer: 'canvas' })
    chart.current = instance
    let frame = 0
    // Resizing inside the observer's callback can loop; the next frame cannot.
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame)
      frame = requestAnimationFrame(() => instance.resize())
    })
    observer.observe(el)
    return () => {
      cancelAnimationFrame(frame)
      observer.disconnect()
      instance.dispose()
      chart.current = null
    }
  }, [])
  useEffect(() => {
    if (option && chart.current) chart.current.setOption(option, { replaceMerge: ['series'], lazyUpdate: true })
  }, [option])
  return { ref, chart }
}

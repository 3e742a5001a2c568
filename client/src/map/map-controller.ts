import type { PickingInfo } from '@deck.gl/core'
import { MapboxOverlay } from '@deck.gl/mapbox'
import { Map as MapLibre, setWorkerUrl, type GeoJSONSource } from 'maplibre-gl'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import { buildLayers, onlyValuesChanged, type MapLayerInputs } from './map-layers'
import { createMapStyle, SOURCES, type SourceId } from './map-style'
import type { Padding } from './fit-view'
import type { Bounds, ContextCollection, Position, RegionCollection } from './region-geo'

/**
 * The imperative side of the map: one maplibre map with a deck.gl overlay, the
 * boundary sources, the camera and the alert pulse's animation. React owns
 * none of this; RegionMap drives it.
 *
 * deck.gl runs overlaid (its own canvas above the map's), not interleaved:
 * interleaving reads maplibre's private `map.transform`, which maplibre 6 no
 * longer has (every frame would throw). Overlaid also keeps the pulse cheap:
 * an animation frame redraws the deck canvas only, never the base map, so the
 * map goes idle between camera moves.
 */

// maplibre finds its worker next to its own module, which a bundle moves: point at the emitted file.
setWorkerUrl(workerUrl)

/** The pulse's period, and how often it is redrawn (30 fps is smooth at these sizes and halves the GPU work of 60). */
const PULSE_PERIOD_MS = 1600
const PULSE_FRAME_MS = 33
/** Where a pulse that does not move stands: rings at a third and at five sixths of their growth. */
const STILL_PHASE = 0.33
const FIT_DURATION_MS = 700
/** No one zooms past street level on a region map (and the boundaries hold no more detail). */
const MAX_FIT_ZOOM = 12
/**
 * How often a CPU renderer redraws for live values alone. Each deck.gl frame
 * there costs the page's main thread ~50 ms (the browser reads the canvas
 * back to composite it), so once a second would take a twentieth of the
 * wall's time and delay every tick it lands on; colours that follow within
 * half a minute are live enough for a wall. A drill, an alert or a new set of
 * stations is drawn at once. A GPU redraws every change.
 */
export const SOFTWARE_LIVE_REFRESH_MS = 30_000

export interface PickEvent {
  layerId: string
  index: number
  /** Pixel in the map's own (untransformed) coordinates. */
  x: number
  y: number
}

export interface MapControllerEvents {
  onHover(pick: PickEvent | null): void
  onClick(pick: PickEvent): void
}

export class MapController {
  readonly map: MapLibre
  private readonly overlay: MapboxOverlay
  private inputs: MapLayerInputs | null = null
  private animate = false
  private frame = 0
  private lastFrameAt = 0
  private idleToken = 0
  private destroyed = false
  /**
   * A CPU renderer (SwiftShader, llvmpipe: a PC without GPU acceleration, or
   * headless CI) redraws a full canvas in tens of milliseconds and the browser
   * then reads it back to composite it: the pulse stands still there, and
   * nothing is multisampled, so the page keeps its main thread.
   */
  private readonly software: boolean
  private readonly reducedMotion = globalThis.matchMedia?.('(prefers-reduced-motion: reduce)')
  /** Serial of the layers last handed to deck.gl, and of those it has drawn. */
  private inputsSerial = 0
  private drawnSerial = 0
  private afterDeckDraw: (() => void) | null = null
  private lastRenderAt = -Infinity
  private deferred: ReturnType<typeof setTimeout> | undefined

  constructor(
    private readonly container: HTMLElement,
    events: MapControllerEvents,
    private readonly softwareRefreshMs = SOFTWARE_LIVE_REFRESH_MS,
  ) {
    this.map = new MapLibre({
      container,
      style: createMapStyle(),
      center: [0, 0],
      zoom: 1,
      attributionControl: false,
      // The style is built in code (map-style.ts): nothing to validate at run time.
      validateStyle: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      maxPitch: 0,
      renderWorldCopies: false,
      fadeDuration: 0,
      pixelRatio: this.pixelRatio(),
      // Pixels must stay readable after a frame: tests read them, the analyst exports PNGs.
      // No MSAA: maplibre smooths its lines in the shader, and deck.gl's fills cover the land's edges.
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias: false },
    })
    this.map.touchZoomRotate.disableRotation()
    this.map.keyboard.disableRotation()
    this.software = isSoftwareRenderer(this.map.getCanvas())
    const pick = (info: PickingInfo): PickEvent | null =>
      info.layer && info.index >= 0 ? { layerId: info.layer.id, index: info.index, x: info.x, y: info.y } : null
    this.overlay = new MapboxOverlay({
      interleaved: false,
      layers: [],
      useDevicePixels: this.pixelRatio(),
      // Smooth polygon and path edges (deck.gl's lines have no shader antialiasing), where the GPU does it for free.
      deviceProps: { type: 'webgl', webgl: { preserveDrawingBuffer: true, antialias: !this.software } },
      onHover: (info) => events.onHover(pick(info)),
      onClick: (info) => {
        const p = pick(info)
        if (p) events.onClick(p)
      },
      onAfterRender: () => {
        this.drawnSerial = this.inputsSerial
        this.afterDeckDraw?.()
      },
    })
    this.map.addControl(this.overlay)
    // The wall scales the page with a CSS transform: render at the scale it is seen at, not the layout size.
    this.map.on('resize', () => {
      const ratio = this.pixelRatio()
      if (Math.abs(ratio - this.map.getPixelRatio()) > 0.01) {
        this.map.setPixelRatio(ratio)
        this.overlay.setProps({ useDevicePixels: ratio })
      }
    })
  }

  /** Device pixels per layout pixel, including any CSS scale of an ancestor (capped: a 4× wall PC renders no more than 3×). */
  private pixelRatio(): number {
    const rect = this.container.getBoundingClientRect()
    const scale = this.container.offsetWidth > 0 && rect.width > 0 ? rect.width / this.container.offsetWidth : 1
    return Math.min(3, Math.max(0.5, (globalThis.devicePixelRatio || 1) * scale))
  }

  setSource(id: SourceId, data: RegionCollection | ContextCollection): void {
    const source = this.map.getSource<GeoJSONSource>(SOURCES[id])
    void source?.setData(data as never)
  }

  /**
   * Moves the camera to show `bounds` whole within `padding` (fit-view.ts
   * chooses it, around the legend); animated except on the first view. With
   * a `focus` (a station inside the bounds), the camera takes the zoom that
   * fits the bounds but centres on the focus.
   */
  fit(bounds: Bounds, animate: boolean, padding: Padding, focus: Position | null = null): void {
    const { clientWidth: w, clientHeight: h } = this.map.getContainer()
    if (w === 0 || h === 0) return
    const options = { padding, maxZoom: MAX_FIT_ZOOM }
    const duration = animate ? FIT_DURATION_MS : 0
    const camera = focus ? this.map.cameraForBounds(bounds, options) : undefined
    if (focus && camera?.zoom !== undefined) this.map.easeTo({ center: focus, zoom: camera.zoom, duration })
    else this.map.fitBounds(bounds, { ...options, duration })
  }

  /** The map's size in layout pixels (what label placement and the fit work in). */
  size(): { width: number; height: number } {
    const { clientWidth: width, clientHeight: height } = this.map.getContainer()
    return { width, height }
  }

  /** A geographic point in the map's own layout pixels. */
  project(lngLat: Position): [number, number] {
    const p = this.map.project(lngLat)
    return [p.x, p.y]
  }

  /** The camera's centre, [longitude, latitude]. */
  center(): Position {
    const c = this.map.getCenter()
    return [c.lng, c.lat]
  }

  /**
   * New layer inputs (a tick, an alert, a drill): deck diffs the layers and
   * updates what the triggers say. On a CPU renderer, new values alone wait
   * for the next live refresh (`softwareRefreshMs`).
   */
  setInputs(inputs: MapLayerInputs): void {
    const previous = this.inputs
    this.inputs = inputs
    if (this.software && previous && onlyValuesChanged(previous, inputs)) {
      const wait = this.lastRenderAt + this.softwareRefreshMs - performance.now()
      if (wait > 0) {
        this.deferred ??= setTimeout(() => {
          this.deferred = undefined
          this.render()
        }, wait)
        return
      }
    }
    this.render()
    this.schedulePulse()
  }

  /** The pulse runs only when allowed (not while a view loads: an animating map never goes idle). */
  setAnimating(on: boolean): void {
    this.animate = on
    this.schedulePulse()
  }

  /**
   * Calls `done` once everything asked for so far is drawn: the base map is
   * idle (sources loaded, camera still) and deck.gl has drawn the latest
   * layers. A newer call supersedes an older one.
   */
  whenIdle(done: () => void): void {
    const token = ++this.idleToken
    const target = this.inputsSerial
    const finish = () => {
      if (token !== this.idleToken || this.destroyed) return
      if (this.drawnSerial >= target) {
        this.afterDeckDraw = null
        done()
      } else this.afterDeckDraw = finish
    }
    this.map.once('idle', finish)
    // An idle map draws no frame, and so would fire no event: ask for one.
    this.map.triggerRepaint()
  }

  /** A geographic point as a viewport pixel (clientX, clientY), through any CSS transform of the page. */
  clientPoint(lngLat: Position): [number, number] {
    const p = this.map.project(lngLat)
    const rect = this.container.getBoundingClientRect()
    const sx = this.container.offsetWidth > 0 ? rect.width / this.container.offsetWidth : 1
    const sy = this.container.offsetHeight > 0 ? rect.height / this.container.offsetHeight : 1
    return [rect.left + p.x * sx, rect.top + p.y * sy]
  }

  setCursor(cursor: string): void {
    this.map.getCanvas().style.cursor = cursor
  }

  destroy(): void {
    this.destroyed = true
    cancelAnimationFrame(this.frame)
    clearTimeout(this.deferred)
    this.map.removeControl(this.overlay)
    this.map.remove()
  }

  private render(): void {
    if (!this.inputs || this.destroyed) return
    const phase = this.animate && this.pulseMoves() ? (performance.now() % PULSE_PERIOD_MS) / PULSE_PERIOD_MS : STILL_PHASE
    clearTimeout(this.deferred)
    this.deferred = undefined
    this.lastRenderAt = performance.now()
    this.inputsSerial++
    this.overlay.setProps({ layers: buildLayers(this.inputs, phase) })
  }

  private pulseMoves(): boolean {
    return !this.software && !this.reducedMotion?.matches
  }

  private schedulePulse(): void {
    cancelAnimationFrame(this.frame)
    if (!this.animate || !this.pulseMoves() || this.destroyed || !this.inputs || this.inputs.pulses.length === 0) return
    const step = (now: number) => {
      if (now - this.lastFrameAt >= PULSE_FRAME_MS) {
        this.lastFrameAt = now
        this.render()
      }
      this.frame = requestAnimationFrame(step)
    }
    this.frame = requestAnimationFrame(step)
  }
}

const SOFTWARE_RENDERERS = /SwiftShader|llvmpipe|softpipe|Software Adapter|Microsoft Basic Render/i

/** Whether the map's WebGL context runs on the CPU. */
function isSoftwareRenderer(canvas: HTMLCanvasElement): boolean {
  const gl = canvas.getContext('webgl2')
  if (!gl) return false
  // Firefox names the renderer itself (and deprecates the extension); Chrome only through the extension.
  let renderer = String(gl.getParameter(gl.RENDERER))
  if (/^WebKit WebGL$/.test(renderer)) {
    const info = gl.getExtension('WEBGL_debug_renderer_info')
    if (info) renderer = String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL))
  }
  return SOFTWARE_RENDERERS.test(renderer)
}

/**
 * Which region labels the map draws: greedily, most important first, each
 * only where its box overlaps no label already placed, no obstacle (the
 * legend) and does not leave the map. A region whose label does not fit keeps
 * its tooltip. Pixel boxes, so it runs again when the camera has moved.
 */

export interface Rect {
  left: number
  top: number
  right: number
  bottom: number
}

export interface LabelCandidate {
  code: string
  /** One or more lines ("广州市", or "广州市\n37" on the wall). */
  text: string
  /** Where the label is centred, in the map's layout pixels. */
  x: number
  y: number
  width: number
  height: number
  /** Larger goes first (the region's size on screen). */
  priority: number
}

/** Space kept clear between two labels, and between a label and the map's edge, in pixels. */
export const LABEL_GAP = 4

export function labelBox(c: LabelCandidate, gap = LABEL_GAP): Rect {
  return { left: c.x - c.width / 2 - gap, top: c.y - c.height / 2 - gap, right: c.x + c.width / 2 + gap, bottom: c.y + c.height / 2 + gap }
}

export function overlaps(a: Rect, b: Rect): boolean {
  return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom
}

/**
 * The labels that fit, in priority order (ties by code, so a placement does
 * not flicker between equal regions from one tick to the next).
 */
export function placeLabels<T extends LabelCandidate>(candidates: readonly T[], map: { width: number; height: number }, obstacles: readonly Rect[] = [], gap = LABEL_GAP): T[] {
  const order = [...candidates].sort((a, b) => b.priority - a.priority || a.code.localeCompare(b.code))
  const placed: T[] = []
  const boxes: Rect[] = [...obstacles]
  for (const c of order) {
    const box = labelBox(c, gap)
    if (box.left < 0 || box.top < 0 || box.right > map.width || box.bottom > map.height) continue
    if (boxes.some((b) => overlaps(box, b))) continue
    placed.push(c)
    boxes.push(box)
  }
  return placed
}

/** Width of a line of text in a CSS font, measured by the browser's own text layout (the font the label is drawn in). */
export function createTextMeasure(font: string): (text: string) => number {
  const ctx = document.createElement('canvas').getContext('2d')
  if (!ctx) return (text) => text.length * 16
  ctx.font = font
  const cache = new Map<string, number>()
  return (text) => {
    let w = cache.get(text)
    if (w === undefined) {
      w = ctx.measureText(text).width
      cache.set(text, w)
    }
    return w
  }
}

/** The wall's design size: 16:9 at 3840 × 2160 (a 4K wall at 1:1). */
export const DESIGN_WIDTH = 3840
export const DESIGN_HEIGHT = 2160

export interface StageFit {
  scale: number
  left: number
  top: number
}

export function fitStage(width: number, height: number): StageFit {
  const scale = Math.min(width / DESIGN_WIDTH, height / DESIGN_HEIGHT)
  return { scale, left: (width - DESIGN_WIDTH * scale) / 2, top: (height - DESIGN_HEIGHT * scale) / 2 }
}

import { useEffect, useState, type ReactNode } from 'react'
import { DESIGN_HEIGHT, DESIGN_WIDTH, fitStage } from './stage-fit'

/**
 * The wall is laid out once, for 3840 × 2160 design pixels, and scaled as a
 * whole to the screen (centred, letterboxed on other aspect ratios), so from
 * 1920 × 1080 to 7680 × 2160 nothing reflows and every screen shows the same
 * picture.
 */

export function WallStage({ children, box }: { children: ReactNode; box?: { width: number; height: number } }) {
  const [windowFit, setFit] = useState(() => fitStage(innerWidth, innerHeight))
  useEffect(() => {
    if (box) return
    const onResize = () => setFit(fitStage(innerWidth, innerHeight))
    addEventListener('resize', onResize)
    return () => removeEventListener('resize', onResize)
  }, [box])
  // A box (the console's preview) is a screen of that size in the page, not the window.
  const fit = box ? fitStage(box.width, box.height) : windowFit
  return (
    <div className={box ? 'wall-viewport wall-viewport--boxed' : 'wall-viewport'} style={box ? { width: box.width, height: box.height } : undefined}>
      <div
        className="wall-stage"
        data-testid="wall"
        data-scale={fit.scale}
        style={{ width: DESIGN_WIDTH, height: DESIGN_HEIGHT, transform: `translate(${fit.left}px, ${fit.top}px) scale(${fit.scale})` }}
      >
        {children}
      </div>
    </div>
  )
}

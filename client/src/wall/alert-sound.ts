import { useEffect, useState } from 'react'

/**
 * The critical-alert chime, made with WebAudio (no audio file). Browsers let
 * a page make sound only after a user gesture, and complain on the console
 * when an AudioContext is created before one; so the context is created in
 * the first pointer or key event (or at once when the page already had one),
 * and until then the wall shows that a click enables sound.
 *
 * A kiosk wall (`?kiosk=1`) has nobody to click: it creates the context at
 * once. That sounds only where the browser allows sound without a gesture —
 * Chromium started with `--autoplay-policy=no-user-gesture-required` (see the
 * README) — and where it does not, the wall says that its sound is blocked
 * (a click still unblocks it).
 */

/**
 * What the wall says about its sound: `on`; `locked` (waiting for a first
 * click, an attended wall); `starting` (a kiosk, the first moment); `blocked`
 * (a kiosk whose browser refused sound without a gesture).
 */
export type SoundState = 'on' | 'locked' | 'starting' | 'blocked'

/**
 * How long a kiosk's new AudioContext may take to start before the wall says
 * sound is blocked. Allowed, it runs within a frame or two; refused, it stays
 * suspended for good. A second is ample and still tells the installer at once.
 */
const KIOSK_START_MS = 1_000

/** Two chimes within this time play once: a burst of alerts is one sound. */
const MIN_GAP_MS = 3_000

/** Descending two-tone, like a station announcement: audible across a room, not shrill. */
const TONES: ReadonlyArray<{ hz: number; at: number; for: number }> = [
  { hz: 880, at: 0, for: 0.28 },
  { hz: 660, at: 0.32, for: 0.4 },
]

export class AlertChime {
  private context: AudioContext | null = null
  private lastPlayed = 0

  get ready(): boolean {
    return this.context !== null && this.context.state === 'running'
  }

  /** Called when the context starts or stops running (a kiosk's context may start a moment after it is made). */
  onStateChange: (() => void) | null = null

  /** Call from a user gesture (or after one), or on a kiosk (whose browser may allow sound without one). */
  unlock(): Promise<void> {
    if (!this.context) {
      try {
        this.context = new AudioContext()
        this.context.onstatechange = () => this.onStateChange?.()
      } catch {
        return Promise.resolve()
      }
    }
    return this.context.state === 'suspended' ? this.context.resume().catch(() => {}) : Promise.resolve()
  }

  play(): void {
    const ctx = this.context
    const at = Date.now()
    if (!ctx || ctx.state !== 'running' || at - this.lastPlayed < MIN_GAP_MS) return
    this.lastPlayed = at
    const start = ctx.currentTime + 0.02
    for (const tone of TONES) {
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.type = 'sine'
      osc.frequency.value = tone.hz
      // A soft attack and decay: a click-free chime.
      gain.gain.setValueAtTime(0.0001, start + tone.at)
      gain.gain.exponentialRampToValueAtTime(0.4, start + tone.at + 0.02)
      gain.gain.exponentialRampToValueAtTime(0.0001, start + tone.at + tone.for)
      osc.connect(gain).connect(ctx.destination)
      osc.start(start + tone.at)
      osc.stop(start + tone.at + tone.for + 0.05)
      // Nodes are released once stopped and disconnected: nothing accumulates over days.
      osc.onended = () => {
        osc.disconnect()
        gain.disconnect()
      }
    }
  }

  close(): void {
    void this.context?.close().catch(() => {})
    this.context = null
  }
}

/** A chime for the page's lifetime, and whether it can sound. `kiosk`: try at once, without waiting for a click. */
export function useAlertChime(kiosk: boolean): { chime: AlertChime; sound: SoundState } {
  const [chime] = useState(() => new AlertChime())
  const [sound, setSound] = useState<SoundState>(kiosk ? 'starting' : 'locked')
  useEffect(() => {
    let done = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const settle = () => {
      if (!chime.ready || done) return
      done = true
      clearTimeout(timer)
      setSound('on')
      removeEventListener('pointerdown', unlock, true)
      removeEventListener('keydown', unlock, true)
    }
    const unlock = () => {
      if (!done) void chime.unlock().then(settle)
    }
    chime.onStateChange = settle
    addEventListener('pointerdown', unlock, true)
    addEventListener('keydown', unlock, true)
    if (kiosk) {
      setSound('starting')
      timer = setTimeout(() => !done && setSound('blocked'), KIOSK_START_MS)
    }
    if (kiosk || navigator.userActivation?.hasBeenActive) unlock()
    return () => {
      done = true
      clearTimeout(timer)
      removeEventListener('pointerdown', unlock, true)
      removeEventListener('keydown', unlock, true)
      chime.onStateChange = null
      chime.close()
    }
  }, [chime, kiosk])
  return { chime, sound }
}

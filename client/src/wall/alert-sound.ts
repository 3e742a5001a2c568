import { useEffect, useState } from 'react'

/**
 * The critical-alert chime, made with WebAudio (no audio file). Browsers let
 * a page make sound only after a user gesture, and complain on the console
 * when an AudioContext is created before one; so the context is created in
 * the first pointer or key event (or at once when the page already had one),
 * and until then the wall shows that a click enables sound.
 */

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

  /** Call only from a user gesture (or after one). */
  unlock(): Promise<void> {
    if (!this.context) {
      try {
        this.context = new AudioContext()
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

/** A chime for the page's lifetime, and whether it can sound yet. */
export function useAlertChime(): { chime: AlertChime; ready: boolean } {
  const [chime] = useState(() => new AlertChime())
  const [ready, setReady] = useState(false)
  useEffect(() => {
    let done = false
    const unlock = () => {
      if (done) return
      void chime.unlock().then(() => {
        if (!chime.ready || done) return
        done = true
        setReady(true)
        removeEventListener('pointerdown', unlock, true)
        removeEventListener('keydown', unlock, true)
      })
    }
    addEventListener('pointerdown', unlock, true)
    addEventListener('keydown', unlock, true)
    if (navigator.userActivation?.hasBeenActive) unlock()
    return () => {
      done = true
      removeEventListener('pointerdown', unlock, true)
      removeEventListener('keydown', unlock, true)
      chime.close()
    }
  }, [chime])
  return { chime, ready }
}

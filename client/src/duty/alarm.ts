/**
 * The duty console's alarm: a tone made with WebAudio (no sound files) and a
 * browser notification. Browsers let a page make sound only after the user
 * has interacted with it, and creating an AudioContext before that logs a
 * warning; so the context is created only from a gesture (or once the page
 * has had one), and until then `ring` says it could not play, for the console
 * to ask for a click. Notifications are asked for from a button only, and
 * when they are denied or missing nothing happens.
 */

/** Three two-tone pulses: long enough to be heard across a room, short enough not to annoy. */
const PULSES = 3
const PULSE_S = 0.26
const GAP_S = 0.12
const HIGH_HZ = 880
const LOW_HZ = 660
const VOLUME = 0.22

type AudioContextCtor = typeof AudioContext

function audioContextClass(): AudioContextCtor | undefined {
  return (globalThis as { AudioContext?: AudioContextCtor }).AudioContext
}

/** Sticky user activation: whether the page has had a click or key press (false where the browser does not say). */
export function hasUserActivation(): boolean {
  return (navigator as Navigator & { userActivation?: { hasBeenActive: boolean } }).userActivation?.hasBeenActive ?? false
}

export class AlarmSound {
  private ctx: AudioContext | null = null

  /** Call from a user gesture: from then on the tone can play. */
  unlock(): void {
    if (this.ctx) {
      if (this.ctx.state === 'suspended') this.ctx.resume().catch(() => {})
      return
    }
    const Ctor = audioContextClass()
    if (!Ctor) return
    try {
      this.ctx = new Ctor()
    } catch {
      this.ctx = null
    }
  }

  get ready(): boolean {
    return this.ctx !== null && this.ctx.state !== 'closed'
  }

  /** Plays the tone; false when the browser does not let the page make sound yet. */
  ring(): boolean {
    if (!this.ctx) {
      if (!hasUserActivation()) return false
      this.unlock()
    }
    const ctx = this.ctx
    if (!ctx || ctx.state === 'closed') return false
    if (ctx.state === 'suspended') ctx.resume().catch(() => {})
    const start = ctx.currentTime + 0.02
    for (let i = 0; i < PULSES; i++) {
      const t = start + i * (PULSE_S + GAP_S)
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.type = 'triangle'
      osc.frequency.setValueAtTime(HIGH_HZ, t)
      osc.frequency.setValueAtTime(LOW_HZ, t + PULSE_S / 2)
      gain.gain.setValueAtTime(0.0001, t)
      gain.gain.exponentialRampToValueAtTime(VOLUME, t + 0.02)
      gain.gain.exponentialRampToValueAtTime(0.0001, t + PULSE_S)
      osc.connect(gain).connect(ctx.destination)
      osc.start(t)
      osc.stop(t + PULSE_S + 0.01)
    }
    return true
  }

  close(): void {
    this.ctx?.close().catch(() => {})
    this.ctx = null
  }
}

export type NotifyPermission = NotificationPermission | 'unsupported'

export function notificationPermission(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission
}

/** Asks for permission: call from a click only. */
export async function requestNotifications(): Promise<NotifyPermission> {
  if (typeof Notification === 'undefined') return 'unsupported'
  try {
    return await Notification.requestPermission()
  } catch {
    return notificationPermission()
  }
}

/** Shows a notification when allowed; otherwise nothing. */
export function notify(title: string, body: string, tag: string, onClick: () => void): void {
  if (notificationPermission() !== 'granted') return
  try {
    const n = new Notification(title, { body, tag, requireInteraction: true })
    n.onclick = () => {
      focus()
      onClick()
      n.close()
    }
  } catch {
    // Some browsers (Android) allow notifications only from a service worker: the sound and the list still tell.
  }
}

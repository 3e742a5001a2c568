import { useEffect, useRef } from 'react'

/**
 * The console's keyboard: j/k or ↓/↑ move through the list, a acknowledges,
 * r resolves, s silences, c goes to the comment, ? shows the keys, Esc closes
 * a dialog or leaves a text field. Letters do nothing while typing.
 */

export interface DutyKeyHandlers {
  next(): void
  previous(): void
  acknowledge(): void
  resolve(): void
  silence(): void
  comment(): void
  help(): void
  escape(): void
}

export const DUTY_KEYS: ReadonlyArray<{ keys: string[]; action: keyof DutyKeyHandlers }> = [
  { keys: ['j', '↓'], action: 'next' },
  { keys: ['k', '↑'], action: 'previous' },
  { keys: ['a'], action: 'acknowledge' },
  { keys: ['r'], action: 'resolve' },
  { keys: ['s'], action: 'silence' },
  { keys: ['c'], action: 'comment' },
  { keys: ['?'], action: 'help' },
  { keys: ['Esc'], action: 'escape' },
]

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement
}

export function useDutyKeys(handlers: DutyKeyHandlers): void {
  const latest = useRef(handlers)
  useEffect(() => {
    latest.current = handlers
  })
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return
      const h = latest.current
      if (e.key === 'Escape') {
        if (isTyping(e.target)) (e.target as HTMLElement).blur()
        h.escape()
        return
      }
      if (isTyping(e.target)) return
      const action: (() => void) | undefined = {
        j: h.next,
        ArrowDown: h.next,
        k: h.previous,
        ArrowUp: h.previous,
        a: h.acknowledge,
        r: h.resolve,
        s: h.silence,
        c: h.comment,
        '?': h.help,
      }[e.key]
      if (!action) return
      e.preventDefault()
      action()
    }
    addEventListener('keydown', onKey)
    return () => removeEventListener('keydown', onKey)
  }, [])
}

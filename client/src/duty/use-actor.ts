import { useCallback, useState } from 'react'

/**
 * Who acts, until accounts exist: the officer types their name once; it is
 * kept in this browser and sent as `actor` with every action.
 */

const KEY = 'onescreen.actor'

function stored(): string {
  try {
    return localStorage.getItem(KEY) ?? ''
  } catch {
    return ''
  }
}

export function useActor(): [string, (name: string) => void] {
  const [actor, setActorState] = useState(stored)
  const setActor = useCallback((name: string) => {
    setActorState(name)
    try {
      localStorage.setItem(KEY, name.trim())
    } catch {
      // Private mode: the name lasts for this page only.
    }
  }, [])
  return [actor, setActor]
}

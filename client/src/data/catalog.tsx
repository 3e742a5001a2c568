import { createContext, useContext, useEffect, useState, type ReactNode } from 'react'
import { CatalogIndex } from '../../../common/catalog-index'
import { catalogReplySchema } from '../../../common/api/catalog-api'
import { getJson } from '../api/http'

/**
 * The catalog (indicators, regions, stations) for every view, loaded once and
 * indexed with the same code the server uses (region tree, lookups).
 */

const CatalogContext = createContext<CatalogIndex | null>(null)

export function CatalogProvider({ children, fallback }: { children: ReactNode; fallback: (error: string | null) => ReactNode }) {
  const [index, setIndex] = useState<CatalogIndex | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let cancelled = false
    const load = (attempt: number) =>
      getJson('/api/catalog', catalogReplySchema)
        .then((c) => !cancelled && setIndex(new CatalogIndex(c)))
        .catch((e: unknown) => {
          if (cancelled) return
          setError(String((e as Error).message ?? e))
          // A wall that starts before its server keeps trying.
          setTimeout(() => void load(attempt + 1), Math.min(30_000, 1000 * 2 ** attempt))
        })
    void load(0)
    return () => {
      cancelled = true
    }
  }, [])
  if (!index) return <>{fallback(error)}</>
  return <CatalogContext.Provider value={index}>{children}</CatalogContext.Provider>
}

export function useCatalog(): CatalogIndex {
  const index = useContext(CatalogContext)
  if (!index) throw new Error('useCatalog outside CatalogProvider')
  return index
}

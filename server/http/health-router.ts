import { Router } from 'express'
import type { IngestPipeline } from '../../ingest/ingest-pipeline'
import type { StorageClient } from '../storage/storage-client'

/** How long a storage ping may take before health calls storage down. */
export const STORAGE_PING_TIMEOUT_MS = 2_000

export interface HealthBody {
  status: 'ok' | 'degraded'
  storage: { mode: StorageClient['mode']; ok: boolean; error?: string }
  ingest: { accepted: number; rejected: number; duplicates: number; queueDepth: number; backpressured: number }
}

export function healthRouter(storage: StorageClient, pipeline: IngestPipeline): Router {
  const router = Router()
  router.get('/health', async (_req, res) => {
    const ping = await pingWithTimeout(storage)
    const body: HealthBody = {
      status: ping.ok ? 'ok' : 'degraded',
      storage: { mode: storage.mode, ...ping },
      ingest: { ...pipeline.stats, queueDepth: pipeline.queueDepth },
    }
    res.setHeader('Cache-Control', 'no-store')
    res.status(ping.ok ? 200 : 503).json(body)
  })
  return router
}

async function pingWithTimeout(storage: StorageClient): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<{ ok: false; error: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${STORAGE_PING_TIMEOUT_MS} ms` }), STORAGE_PING_TIMEOUT_MS)
  })
  try {
    const ping = storage.client.ping().then((r) => (r.success ? { ok: true } : { ok: false, error: r.error.message }))
    return await Promise.race([ping, timeout])
  } catch (err) {
    return { ok: false, error: (err as Error).message }
  } finally {
    clearTimeout(timer)
  }
}

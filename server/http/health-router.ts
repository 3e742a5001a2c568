import { Router } from 'express'
import type { IngestPipeline } from '../../ingest/ingest-pipeline'
import type { Logger } from '../logger'
import type { StorageClient } from '../storage/storage-client'

/** How long a storage ping may take before health calls storage down. */
export const STORAGE_PING_TIMEOUT_MS = 2_000

export interface HealthBody {
  status: 'ok' | 'degraded'
  storage: { mode: StorageClient['mode']; ok: boolean; error?: string }
  ingest: { accepted: number; rejected: number; duplicates: number; queueDepth: number; backpressured: number }
}

export function healthRouter(storage: StorageClient, pipeline: IngestPipeline, log: Logger): Router {
  const router = Router()
  router.get('/health', async (_req, res) => {
    const ping = await pingWithTimeout(storage, log)
    res.setHeader('Cache-Control', 'no-store')
    // Anyone (a load balancer) learns whether it is up; the details are for signed-in accounts.
    if (!res.locals.principal) {
      res.status(ping.ok ? 200 : 503).json({ status: ping.ok ? 'ok' : 'degraded' })
      return
    }
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

/**
 * The engine's own error goes to the log; the reply says only what failed, since
 * a driver message can carry hosts, paths or SQL.
 */
async function pingWithTimeout(storage: StorageClient, log: Logger): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<{ ok: false; error: string }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${STORAGE_PING_TIMEOUT_MS} ms` }), STORAGE_PING_TIMEOUT_MS)
  })
  const failed = (err: unknown) => {
    log.error({ err }, 'storage health check failed')
    return { ok: false, error: 'storage refused the health check' }
  }
  try {
    const ping = storage.client.ping().then((r) => (r.success ? { ok: true } : failed(r.error)))
    return await Promise.race([ping, timeout])
  } catch (err) {
    return failed(err)
  } finally {
    clearTimeout(timer)
  }
}

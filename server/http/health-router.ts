import { Router, type Response } from 'express'
import type { IngestPipeline } from '../../ingest/ingest-pipeline'
import type { HealthDetails, HealthReply } from '../../common/api/health-api'
import type { Logger } from '../logger'
import type { StorageClient } from '../storage/storage-client'

/** How long a storage ping may take before health calls storage down. */
export const STORAGE_PING_TIMEOUT_MS = 2_000

/**
 * How the last writes of points went: a full disk or an engine error shows
 * in health even while the engine still answers pings. What the engine said
 * goes to the log (where the write failed); health says only when, and that
 * the write failed: an engine's message can carry paths, hosts or SQL.
 */
export class WriteHealth {
  failing = false
  lastError: { at: number; message: string } | null = null

  note(ok: boolean): void {
    this.failing = !ok
    if (!ok) this.lastError = { at: Date.now(), message: 'storage refused a write of points (the server log has the cause)' }
  }
}

/**
 * GET /api/health. Anyone (a load balancer) learns whether the server is up;
 * the details (storage mode, the last write failure, ingest counters, all of
 * them the deployment's as a whole) go to those `mayReadDetails` admits: the
 * admins of the whole tree.
 */
export function healthRouter(
  storage: StorageClient,
  pipeline: IngestPipeline,
  log: Logger,
  writes: WriteHealth = new WriteHealth(),
  mayReadDetails: (res: Response) => boolean = () => false,
): Router {
  const router = Router()
  router.get('/health', async (_req, res) => {
    const pinged = await pingWithTimeout(storage, log)
    const ping = pinged.ok && writes.failing ? { ok: false, error: 'writes are failing' } : pinged
    res.setHeader('Cache-Control', 'no-store')
    if (!mayReadDetails(res)) {
      const body: HealthReply = { status: ping.ok ? 'ok' : 'degraded' }
      res.status(ping.ok ? 200 : 503).json(body)
      return
    }
    const body: HealthDetails = {
      status: ping.ok ? 'ok' : 'degraded',
      storage: { mode: storage.mode, ...ping, ...(writes.lastError ? { lastWriteError: writes.lastError } : {}) },
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

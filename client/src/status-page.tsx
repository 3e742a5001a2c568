import { useEffect, useState } from 'react'
import type { Indicator } from '../../common/catalog-schema'

/**
 * The data plane's own page until the wall lands: what the server holds and
 * whether storage is up. Reads only the public API.
 */

interface Health {
  status: string
  storage: { mode: string; ok: boolean }
  ingest: { accepted: number; rejected: number }
}

const DOMAIN_NAMES: Record<Indicator['domain'], string> = {
  business: '营商环境',
  poverty: '防返贫监测',
  environment: '生态环境',
  traffic: '交通运行',
}

export function StatusPage() {
  const [health, setHealth] = useState<Health | null>(null)
  const [indicators, setIndicators] = useState<Indicator[]>([])
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    fetch('/api/catalog')
      .then((r) => r.json() as Promise<{ indicators: Indicator[] }>)
      .then((c) => setIndicators(c.indicators))
      .catch((e: unknown) => setError(String(e)))
    const load = () =>
      fetch('/api/health')
        .then((r) => r.json() as Promise<Health>)
        .then(setHealth)
        .catch((e: unknown) => setError(String(e)))
    void load()
    const timer = setInterval(load, 5000)
    return () => clearInterval(timer)
  }, [])

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', background: '#0b1220', color: '#e6edf7', minHeight: '100vh', padding: 32 }}>
      <h1>一屏统览 · OneScreen</h1>
      {error && <p role="alert">连接失败：{error}</p>}
      {health && (
        <p>
          存储：{health.storage.mode === 'embedded' ? '内嵌 ClickHouse' : 'ClickHouse 服务器'} · {health.storage.ok ? '正常' : '异常'} ·
          已接收 {health.ingest.accepted.toLocaleString('zh-CN')} 条，拒收 {health.ingest.rejected.toLocaleString('zh-CN')} 条
        </p>
      )}
      {(Object.keys(DOMAIN_NAMES) as Array<Indicator['domain']>).map((d) => (
        <section key={d}>
          <h2>{DOMAIN_NAMES[d]}</h2>
          <ul>
            {indicators
              .filter((i) => i.domain === d)
              .map((i) => (
                <li key={i.code}>
                  {i.name.zh}（{i.name.en}）{i.unit.zh && `· ${i.unit.zh}`}
                </li>
              ))}
          </ul>
        </section>
      ))}
    </main>
  )
}

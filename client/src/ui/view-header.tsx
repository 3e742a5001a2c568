import type { ReactNode } from 'react'
import type { Route } from '../navigation'
import { useI18n } from '../i18n/i18n'
import { useConnection, useFreshness, useLive } from '../live/live'
import { AppHeader } from './app-header'

/**
 * The header of the analyst view and the duty console: the view's title, the
 * way to the other views, the connection, the language switch; and, under it,
 * a banner whenever the live feed is not live, so nobody mistakes old data
 * for current data.
 */

export function ViewHeader({ current, title, children }: { current: Route; title: string; children?: ReactNode }) {
  const { t } = useI18n()
  const connection = useConnection()
  const { stale } = useFreshness()
  const { error } = useLive()
  const connLabel = connection === 'live' ? (stale ? t('data.stale') : t('conn.live')) : connection === 'offline' ? t('conn.offline') : t('conn.connecting')
  return (
    <>
      <AppHeader
        current={current}
        title={title}
        status={
          <span className={`conn conn-${connection === 'live' && stale ? 'stale' : connection}`} data-testid="connection" data-state={connection}>
            <i aria-hidden="true" />
            {connLabel}
          </span>
        }
      >
        {children}
      </AppHeader>
      {connection !== 'live' && connection !== 'connecting' && (
        <div className="reconnect-banner" role="status" data-testid="reconnect-banner">
          {t('conn.reconnecting')}
        </div>
      )}
      {error && (
        <div className="reconnect-banner" role="alert">
          {t('error.load', { message: error })}
        </div>
      )}
    </>
  )
}

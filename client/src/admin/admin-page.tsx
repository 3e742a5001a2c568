import { useEffect, useState, type MouseEvent } from 'react'
import { useAuth } from '../auth/auth'
import { useCatalog } from '../data/catalog'
import { useI18n } from '../i18n/i18n'
import { navigate } from '../navigation'
import { AppHeader } from '../ui/app-header'
import { AccountsPanel } from './accounts-panel'
import { AuditPanel } from './audit-panel'
import { KeysPanel } from './keys-panel'
import { RulesPanel } from './rules-panel'
import { SilencesAdmin } from './silences-admin'
import { WallsAdmin } from './walls-admin'
import { DepartmentsAdmin } from './departments-admin'
import './admin.css'

/**
 * The operator console (/admin, admins only): accounts, ingest keys, rules,
 * walls and playlists, silences and the audit trail, each kept to the admin's own subtree. /admin
 * opens on the accounts.
 */

const TABS = [
  { path: '/admin/accounts', label: 'admin.accounts', Panel: AccountsPanel },
  { path: '/admin/keys', label: 'admin.keys', Panel: KeysPanel },
  { path: '/admin/rules', label: 'admin.rules', Panel: RulesPanel },
  { path: '/admin/walls', label: 'admin.walls', Panel: WallsAdmin },
  { path: '/admin/departments', label: 'admin.departments', Panel: DepartmentsAdmin },
  { path: '/admin/silences', label: 'admin.silences', Panel: SilencesAdmin },
  { path: '/admin/audit', label: 'admin.audit', Panel: AuditPanel },
] as const

export function AdminPage() {
  const { t, name } = useI18n()
  const { me } = useAuth()
  const catalog = useCatalog()
  const [path, setPath] = useState(location.pathname)
  useEffect(() => {
    const onPop = () => setPath(location.pathname)
    addEventListener('popstate', onPop)
    return () => removeEventListener('popstate', onPop)
  }, [])
  const tab = TABS.find((x) => path.startsWith(x.path)) ?? TABS[0]
  const go = (to: string) => (e: MouseEvent) => {
    e.preventDefault()
    navigate(to)
  }
  return (
    <div className="view admin-view" data-testid="admin">
      <AppHeader current="admin" title={t('admin.title')}>
        <span className="muted">{t('admin.scope', { region: name(catalog.region(me.region)?.name) || me.region })}</span>
      </AppHeader>
      <nav className="admin-tabs">
        {TABS.map((x) => (
          <a key={x.path} href={x.path} onClick={go(x.path)} aria-current={x === tab ? 'page' : undefined}>
            {t(x.label)}
          </a>
        ))}
      </nav>
      <tab.Panel />
    </div>
  )
}

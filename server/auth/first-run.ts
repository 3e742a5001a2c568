import fs from 'node:fs'
import path from 'node:path'
import { ROLES, type AccountView, type KeyView, type Role } from '../../common/auth'
import type { CatalogIndex } from '../../common/catalog-index'
import type { Actor } from './auth-principals'
import { generatePassword } from './password'

/** Where a first start on loopback writes the demo accounts' passwords. */
export const CREDENTIALS_FILE = 'first-run-credentials.json'

export interface FirstRunCredentials {
  note: string
  url?: string
  accounts: Array<{ name: string; role: Role; region: string; password: string }>
  ingestKey: string
}

/** What a first start needs of the accounts service. */
export interface FirstRunTarget {
  readonly accountCount: number
  listAccounts(scope: string): AccountView[]
  createAccount(input: { name: string; role: Role; region: string; password: string }, actor: Actor, address: string, demo?: boolean): Promise<AccountView>
  createKey(input: { name: string; indicators: string[]; regions: string[] }, actor: Actor, address: string): Promise<{ key: string; view: KeyView }>
}

/**
 * A first start. With no accounts: on loopback, one demo account per role
 * (admin, leader, analyst, duty) with generated passwords and a demo ingest
 * key, written to DATA_DIR/first-run-credentials.json (readable by its owner
 * only); elsewhere, an admin from ONESCREEN_ADMIN_PASSWORD, or a refusal.
 * On any address but loopback, accounts that still have their generated
 * password are refused too.
 */
export async function firstRun(auth: FirstRunTarget, index: CatalogIndex, opts: { loopback: boolean; dataDir: string; adminPassword?: string }): Promise<{ created: string[]; credentialsFile?: string }> {
  const root = index.tree.root.code
  if (auth.accountCount === 0) {
    if (!opts.loopback) {
      if (!opts.adminPassword)
        throw new Error(
          'refusing to start on a non-loopback address without accounts: set ONESCREEN_ADMIN_PASSWORD (12+ characters) to create the admin account, or start once on 127.0.0.1 and change the demo passwords',
        )
      await auth.createAccount({ name: 'admin', role: 'admin', region: root, password: opts.adminPassword }, { name: 'first-start', region: root }, '')
      return { created: ['admin'] }
    }
    const accounts = ROLES.map((role) => ({ name: role, role, region: root, password: generatePassword() }))
    const firstStart: Actor = { name: 'first-start', region: root }
    for (const a of accounts) await auth.createAccount(a, firstStart, '', true)
    const { key } = await auth.createKey({ name: 'demo producer', indicators: ['*'], regions: ['*'] }, firstStart, '')
    const file = path.join(opts.dataDir, CREDENTIALS_FILE)
    const body: FirstRunCredentials = {
      note: 'Demo accounts made on the first start on loopback. Change their passwords (PATCH /api/users/<name> or the account menu) before serving any other address: OneScreen refuses to bind elsewhere while they are unchanged.',
      accounts,
      ingestKey: key,
    }
    fs.mkdirSync(opts.dataDir, { recursive: true })
    fs.writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 })
    return { created: accounts.map((a) => a.name), credentialsFile: file }
  }
  if (!opts.loopback) {
    const demo = auth.listAccounts(index.tree.root.code).filter((a) => a.demo && !a.disabled).map((a) => a.name).sort()
    if (demo.length > 0)
      throw new Error(`refusing to start on a non-loopback address while accounts ${demo.join(', ')} still have their generated demo passwords: change or disable them first (on 127.0.0.1)`)
  }
  return { created: [] }
}

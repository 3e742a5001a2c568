import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

/**
 * The signed links a department answers a case through, without an account
 * (`/r/<token>`): the token names one case and when it expires, signed with
 * HMAC-SHA256 under a key kept in the data directory (made on a first start,
 * readable by the server's user alone). It allows that case only; it stops
 * working at its expiry (7 days after dispatch) and once the case is closed
 * (checked where it is used). Tokens are bearer credentials: they are not
 * logged (the request log shows `/r/…`).
 */

export const LINK_TTL_MS = 7 * 86_400_000
const KEY_FILE = 'case-links.key'

export interface LinkClaims {
  caseId: string
  expiresAt: number
}

export class CaseLinks {
  constructor(private readonly key: Buffer) {}

  /** The key from `<dataDir>/case-links.key`, made there when absent. */
  static fromDataDir(dataDir: string): CaseLinks {
    const file = path.join(dataDir, KEY_FILE)
    if (!fs.existsSync(file)) {
      fs.mkdirSync(dataDir, { recursive: true })
      // wx: two starts racing do not overwrite each other's key.
      try {
        fs.writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' })
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      }
    }
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64')
    if (key.length < 32) throw new Error(`${file}: the case-link key is too short (delete it to make a new one; links already sent stop working)`)
    return new CaseLinks(key)
  }

  sign(claims: LinkClaims): string {
    const payload = Buffer.from(JSON.stringify({ c: claims.caseId, e: claims.expiresAt })).toString('base64url')
    return `${payload}.${this.mac(payload)}`
  }

  /** The token's claims, or why it is refused (said to the person holding it, so nothing about the key). */
  verify(token: string, now: number): { ok: true; claims: LinkClaims } | { ok: false; reason: string } {
    const [payload, mac, extra] = token.split('.')
    if (!payload || !mac || extra !== undefined || token.length > 512) return { ok: false, reason: 'the link is not valid' }
    const want = Buffer.from(this.mac(payload))
    const got = Buffer.from(mac)
    if (want.length !== got.length || !timingSafeEqual(want, got)) return { ok: false, reason: 'the link is not valid' }
    let claims: { c?: unknown; e?: unknown }
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { c?: unknown; e?: unknown }
    } catch {
      return { ok: false, reason: 'the link is not valid' }
    }
    if (typeof claims.c !== 'string' || typeof claims.e !== 'number') return { ok: false, reason: 'the link is not valid' }
    if (claims.e <= now) return { ok: false, reason: 'the link has expired' }
    return { ok: true, claims: { caseId: claims.c, expiresAt: claims.e } }
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url')
  }
}

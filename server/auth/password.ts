import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * Passwords are hashed with scrypt, Node's own memory-hard function (no
 * native dependency to build): N = 2^15, r = 8 takes 32 MiB and ~50–100 ms
 * per guess on this class of machine, OWASP's recommended floor. The stored
 * form names its parameters, so they can be raised later and old hashes
 * still verify.
 */

const PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const
const KEY_BYTES = 32
const SALT_BYTES = 16

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 128 * params.N * params.r * 2 }
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key))))
}

/** `scrypt$N$r$p$salt$hash`, base64. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, PARAMS)
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$')
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const params = { N: Number(n), r: Number(r), p: Number(p) }
  if (![params.N, params.r, params.p].every((x) => Number.isInteger(x) && x > 0)) return false
  const expected = Buffer.from(hash, 'base64')
  const key = await derive(password, Buffer.from(salt, 'base64'), params)
  return key.length === expected.length && timingSafeEqual(key, expected)
}

/** A hash no password matches, checked against when the account does not exist (same time either way). */
let decoy: Promise<string> | undefined
export function decoyHash(): Promise<string> {
  return (decoy ??= hashPassword(randomBytes(32).toString('base64')))
}

/** A random password for generated accounts: 20 characters of base64url (120 bits). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url')
}

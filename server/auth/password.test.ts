import { describe, expect, it } from 'vitest'
import { generatePassword, hashPassword, verifyPassword } from './password'

describe('password hashing', () => {
  it('verifies the password it hashed and nothing else, with a fresh salt each time', async () => {
    const a = await hashPassword('correct horse battery staple')
    const b = await hashPassword('correct horse battery staple')
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/)
    expect(a).not.toBe(b)
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true)
    expect(await verifyPassword('correct horse battery stapler', a)).toBe(false)
    expect(await verifyPassword('', a)).toBe(false)
  })

  it('reads the same password in either Unicode form (NFKC)', async () => {
    const h = await hashPassword('ｐａｓｓｗｏｒｄ密码１２３')
    expect(await verifyPassword('password密码123', h)).toBe(true)
  })

  it('refuses stored forms it does not know instead of throwing', async () => {
    for (const stored of ['', 'plain', 'bcrypt$1$2$3$x$y', 'scrypt$abc$8$1$c2FsdA==$aGFzaA==', 'scrypt$32768$8$1$$']) expect(await verifyPassword('x', stored)).toBe(false)
  })

  it('generates 20-character passwords, different every time', () => {
    const set = new Set(Array.from({ length: 100 }, generatePassword))
    expect(set.size).toBe(100)
    for (const p of set) expect(p).toMatch(/^[A-Za-z0-9_-]{20}$/)
  })
})

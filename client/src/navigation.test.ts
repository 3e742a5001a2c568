import { describe, expect, it } from 'vitest'
import { aliasOf, isKnownPath, routeOf } from './navigation'

describe('paths', () => {
  it.each([
    ['/', 'wall'],
    ['/wall/default', 'wall'],
    ['/playlist/briefing', 'wall'],
    ['/explore', 'explore'],
    ['/duty', 'duty'],
    ['/admin/walls', 'admin'],
    ['/account', 'account'],
  ])('%s is the %s view', (path, route) => {
    expect(isKnownPath(path)).toBe(true)
    expect(routeOf(path)).toBe(route)
  })

  it('sends the console’s short paths to their pages, and knows a path it has no view for', () => {
    expect(aliasOf('/rules')).toBe('/admin/rules')
    expect(aliasOf('/users/')).toBe('/admin/accounts')
    expect(aliasOf('/')).toBeNull()
    for (const path of ['/rulez', '/wall', '/wall/a/b', '/admin/walls/x/y', '/explorer']) expect(isKnownPath(path), path).toBe(false)
  })
})

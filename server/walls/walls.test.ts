import { describe, expect, it } from 'vitest'
import { CatalogIndex } from '../../common/catalog-index'
import { testCatalog } from '../../test/fixtures/catalog'
import { sampleWall } from '../../test/fixtures/walls'
import { catalogRefusals } from './walls'

describe('catalogRefusals', () => {
  const full = testCatalog()
  const walls = [sampleWall(), sampleWall('eco-traffic')]

  it('has nothing to say while the catalog has all the walls use', () => {
    expect(catalogRefusals(walls, full)).toEqual([])
  })

  it('names every wall, and the field, that uses a removed indicator or domain', () => {
    const { catalog } = full
    const without = new CatalogIndex({
      ...catalog,
      // Traffic goes, with its indicators; so does one AQI indicator.
      domains: catalog.domains.filter((d) => d.code !== 'traffic'),
      indicators: catalog.indicators.filter((i) => i.domain !== 'traffic' && i.code !== 'env.pm25'),
    })
    const refusals = catalogRefusals(walls, without)
    expect(refusals).toContain('domain traffic is used by walls default (columns[3].domain), eco-traffic (columns[1].domain)')
    expect(refusals).toContain('indicator env.pm25 is used by walls default (columns[2].kpis[1]), eco-traffic (columns[0].kpis[1])')
    expect(refusals).toContain('indicator traffic.congestion_index is used by walls default (columns[3].kpis[0]), eco-traffic (columns[1].kpis[0])')
  })
})

import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { CatalogIndex } from '../../common/catalog-index'
import type { Indicator } from '../../common/catalog-schema'
import { MAX_RULE_INDICATOR, testCatalog, testIndicators, TEST_REGIONS, TEST_STATIONS } from '../../test/fixtures/catalog'
import { loadDomains } from '../../ingest/simulators/test-catalog'
import { loadScorecard, parseScorecard, SCORECARD_FILE } from './load-scorecard'

const SAMPLE_DIR = path.resolve(import.meta.dirname, '../../sample-data')
const FILE = '/cat/scorecard.json'
const title = { zh: '营商环境指数', en: 'Business environment index' }

/** A weights file with one domain holding the given indicators. */
const oneDomain = (domain: string, indicators: unknown[]) => ({ domains: [{ domain, title, indicators }] })

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})
function dirWith(content?: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onescreen-scorecard-'))
  dirs.push(dir)
  if (content !== undefined) fs.writeFileSync(path.join(dir, SCORECARD_FILE), content)
  return dir
}

describe('loadScorecard', () => {
  it('loads the sample weights against the sample catalog, with targets and directions from the catalog', () => {
    const scorecard = loadScorecard(SAMPLE_DIR, testCatalog())
    expect(scorecard).not.toBeNull()
    expect(scorecard!.domains.map((d) => d.domain)).toEqual(['business', 'poverty', 'environment', 'traffic'])
    const biz = scorecard!.domains[0]!
    expect(biz.weight).toBe(1)
    expect(biz.indicators.map((i) => i.indicator)).toEqual([
      'biz.startup_days',
      'biz.online_rate',
      'biz.one_visit_rate',
      'biz.satisfaction',
      'biz.new_entities',
    ])
    expect(biz.indicators[0]).toEqual({ indicator: 'biz.startup_days', weight: 25, target: { kind: 'level', value: 1 }, better: 'lower' })
    expect(biz.indicators[4]).toEqual({ indicator: 'biz.new_entities', weight: 15, target: { kind: 'yoyChange', percent: 5 }, better: 'higher' })
  })

  it('returns null when the catalog directory has no scorecard', () => {
    expect(loadScorecard(dirWith(), testCatalog())).toBeNull()
  })

  it('names the file when it is not JSON', () => {
    const dir = dirWith('{ "domains": [')
    expect(() => loadScorecard(dir, testCatalog())).toThrow(`scorecard file ${path.join(dir, SCORECARD_FILE)} is not valid JSON`)
  })

  it('defaults a domain weight to 1 and keeps a given one', () => {
    const dir = dirWith(
      JSON.stringify({
        domains: [
          { domain: 'business', title, indicators: [{ indicator: 'biz.online_rate', weight: 1 }] },
          { domain: 'environment', title, weight: 2.5, indicators: [{ indicator: 'env.aqi', weight: 1 }] },
        ],
      }),
    )
    expect(loadScorecard(dir, testCatalog())!.domains.map((d) => d.weight)).toEqual([1, 2.5])
  })
})

describe('parseScorecard refuses a bad weights file, naming the file, the domain and the indicator', () => {
  it.each([
    ['an unknown indicator', oneDomain('business', [{ indicator: 'biz.nope', weight: 1 }]), 'domain business, indicator biz.nope: not in the indicator catalog'],
    ['an indicator of another domain', oneDomain('business', [{ indicator: 'env.aqi', weight: 1 }]), 'domain business, indicator env.aqi: belongs to domain environment, not business'],
    ['an indicator without direction', oneDomain('business', [{ indicator: 'biz.ratings', weight: 1 }]), 'domain business, indicator biz.ratings: has no direction (better: "neither" in the catalog)'],
    ['an indicator with neither direction nor target', oneDomain('poverty', [{ indicator: 'pov.monitored_households', weight: 1 }]), 'domain poverty, indicator pov.monitored_households: has no direction (better: "neither" in the catalog), so it cannot be scored; domain poverty, indicator pov.monitored_households: has no target in the catalog to score against'],
    ['a zero weight', oneDomain('business', [{ indicator: 'biz.online_rate', weight: 0 }]), 'domain business, indicator biz.online_rate: weight: must be greater than 0'],
    ['a negative weight', oneDomain('business', [{ indicator: 'biz.online_rate', weight: -2 }]), 'domain business, indicator biz.online_rate: weight: must be greater than 0'],
    ['a weight that is not a number', oneDomain('business', [{ indicator: 'biz.online_rate', weight: '5' }]), 'domain business, indicator biz.online_rate: weight: Invalid input: expected number, received string'],
    ['a non-positive domain weight', { domains: [{ domain: 'business', title, weight: 0, indicators: [{ indicator: 'biz.online_rate', weight: 1 }] }] }, 'domain business: weight: must be greater than 0'],
    ['an unknown domain', oneDomain('health', [{ indicator: 'biz.online_rate', weight: 1 }]), 'domain health: not in the domain catalog'],
    ['a domain without indicators', oneDomain('business', []), 'domain business: indicators: must list at least one indicator'],
    ['an indicator listed twice', oneDomain('business', [{ indicator: 'biz.online_rate', weight: 1 }, { indicator: 'biz.online_rate', weight: 2 }]), 'domain business, indicator biz.online_rate: listed twice'],
    ['a domain listed twice', { domains: [oneDomain('business', [{ indicator: 'biz.online_rate', weight: 1 }]).domains[0], oneDomain('business', [{ indicator: 'biz.one_visit_rate', weight: 1 }]).domains[0]] }, 'domain business is listed twice'],
    ['a misspelt field', oneDomain('business', [{ indicator: 'biz.online_rate', wieght: 1 }]), 'domain business, indicator biz.online_rate: weight: Invalid input: expected number, received undefined; domain business, indicator biz.online_rate: Unrecognized key: "wieght"'],
    ['no domains', { domains: [] }, 'domains: must list at least one domain'],
  ])('%s', (_what, json, message) => {
    expect(() => parseScorecard(json, testCatalog(), FILE)).toThrow(`scorecard file ${FILE}: ${message}`)
  })

  it('says which indicator has no target when it has a direction', () => {
    const noTarget: Indicator = { ...MAX_RULE_INDICATOR, code: 'env.untargeted', target: null }
    const index = new CatalogIndex({ domains: loadDomains(), indicators: [...testIndicators(), noTarget], regions: TEST_REGIONS, stations: TEST_STATIONS })
    expect(() => parseScorecard(oneDomain('environment', [{ indicator: 'env.untargeted', weight: 1 }]), index, FILE)).toThrow(
      'domain environment, indicator env.untargeted: has no target in the catalog to score against',
    )
  })

  it('refuses targets a ratio cannot be taken against', () => {
    const zero: Indicator = { ...MAX_RULE_INDICATOR, code: 'env.zero_target', target: { kind: 'level', value: 0 } }
    const wipeOut: Indicator = { ...MAX_RULE_INDICATOR, code: 'env.wipe_out', target: { kind: 'yoyChange', percent: -100 } }
    const index = new CatalogIndex({ domains: loadDomains(), indicators: [...testIndicators(), zero, wipeOut], regions: TEST_REGIONS, stations: TEST_STATIONS })
    const json = oneDomain('environment', [
      { indicator: 'env.zero_target', weight: 1 },
      { indicator: 'env.wipe_out', weight: 1 },
    ])
    expect(() => parseScorecard(json, index, FILE)).toThrow(
      'domain environment, indicator env.zero_target: its level target 0 must be greater than 0 (scores are ratios to the target); ' +
        'domain environment, indicator env.wipe_out: its year-on-year target -100 % must be greater than -100 %',
    )
  })

  it('lists every problem at once', () => {
    const json = oneDomain('business', [
      { indicator: 'biz.nope', weight: 1 },
      { indicator: 'env.aqi', weight: 1 },
      { indicator: 'biz.online_rate', weight: 1 },
    ])
    expect(() => parseScorecard(json, testCatalog(), FILE)).toThrow(
      `scorecard file ${FILE}: domain business, indicator biz.nope: not in the indicator catalog; domain business, indicator env.aqi: belongs to domain environment, not business`,
    )
  })
})

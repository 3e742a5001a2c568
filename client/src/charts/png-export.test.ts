import { describe, expect, it } from 'vitest'
import { exportTime, pngHeader } from './png-export'

const SH = 'Asia/Shanghai'
const at = (iso: string) => Date.parse(iso)

describe('the header of an exported chart', () => {
  const input = { indicator: '空气质量指数', unit: 'µg/m³', region: '广州市', from: at('2026-11-28T00:00:00+08:00'), to: at('2026-12-05T08:00:00+08:00'), asOf: at('2026-12-05T07:59:00+08:00'), timeZone: SH }

  it('names the indicator, region, period and data-as-of time, in Chinese', () => {
    expect(pngHeader({ ...input, lang: 'zh' })).toEqual({
      title: '空气质量指数 (µg/m³)',
      subtitle: '广州市 · 2026-11-28 00:00 至 2026-12-05 08:00 · 数据截至 2026-12-05 07:59',
    })
  })

  it('in English, dates in English order', () => {
    expect(pngHeader({ ...input, indicator: 'Air quality index', unit: '', region: 'Guangzhou', lang: 'en' })).toEqual({
      title: 'Air quality index',
      subtitle: 'Guangzhou · 28 Nov 2026, 00:00 to 5 Dec 2026, 08:00 · data as of 5 Dec 2026, 07:59',
    })
  })

  it('says when there is no data', () => {
    expect(pngHeader({ ...input, asOf: null, lang: 'zh' }).subtitle).toMatch(/数据截至 无数据$/)
  })

  it('writes times in the zone asked', () => {
    expect(exportTime(at('2026-12-05T00:10:00Z'), 'zh', SH)).toBe('2026-12-05 08:10')
  })
})

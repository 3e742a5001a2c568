import type { RegionLevel } from '../../common/catalog-schema'

/** Toneless pinyin syllables of a Chinese text, one per character, lower case. */
export type SyllableReader = (text: string) => string[]

export interface EnglishName {
  /** The region's name as shown on its own: "Tianhe District", "Guangzhou". */
  full: string
  /** The name without its administrative suffix, for labels such as "Tianhe Air Station 1". */
  short: string
}

/**
 * Place names whose reading a general-purpose pinyin dictionary gets wrong or
 * could get wrong: these characters are read differently in the place name than
 * in ordinary words. pinyin-pro says "dapu" for 大埔 (Dàbù) and "huadou" for
 * 花都 (Huādū); 番禺 (Pānyú, not fān) and 乐昌 (Lè, not yuè) it reads right
 * today, but only by luck of its dictionary, so they are pinned as well.
 */
export const READING_OVERRIDES: ReadonlyMap<string, readonly string[]> = new Map([
  ['大埔', ['da', 'bu']],
  ['花都', ['hua', 'du']],
  ['番禺', ['pan', 'yu']],
  ['乐昌', ['le', 'chang']],
])

/** Ethnic groups named in autonomous counties' names, as written in English. */
const ETHNIC_GROUPS: ReadonlyMap<string, string> = new Map([
  ['壮族', 'Zhuang'],
  ['瑶族', 'Yao'],
  ['畲族', 'She'],
])

/** County-level suffixes, longest first so 自治县 wins over 县. */
const COUNTY_SUFFIXES: ReadonlyArray<readonly [string, string]> = [
  ['自治县', 'Autonomous County'],
  ['区', 'District'],
  ['县', 'County'],
  ['市', 'City'],
]

const SYLLABLE = /^[a-zü]+$/

/**
 * Joins syllables the way Hanyu Pinyin place names are written: one word, first
 * letter capital, and an apostrophe before a syllable that starts with a, o or e
 * so that 南澳 reads Nan'ao and not Na-nao.
 */
export function joinSyllables(syllables: readonly string[]): string {
  let word = ''
  syllables.forEach((s, i) => {
    if (!SYLLABLE.test(s)) throw new Error(`not a pinyin syllable: "${s}"`)
    if (i > 0 && /^[aoe]/.test(s)) word += "'"
    word += s
  })
  return word.charAt(0).toUpperCase() + word.slice(1)
}

function romanise(stemZh: string, read: SyllableReader): string {
  return joinSyllables(READING_OVERRIDES.get(stemZh) ?? read(stemZh))
}

function stripSuffix(name: string, suffixes: readonly string[]): string {
  const suffix = suffixes.find((s) => name.endsWith(s) && name.length > s.length)
  return suffix === undefined ? name : name.slice(0, -suffix.length)
}

/** "连山壮族瑶族" → stem 连山 and groups [Zhuang, Yao]. */
function splitEthnicGroups(nameZh: string, withoutSuffix: string): { stem: string; groups: string[] } {
  let stem = withoutSuffix
  const groups: string[] = []
  for (;;) {
    const found = [...ETHNIC_GROUPS.entries()].find(([zh]) => stem.endsWith(zh) && stem.length > zh.length)
    if (!found) break
    groups.unshift(found[1])
    stem = stem.slice(0, -found[0].length)
  }
  if (groups.length === 0) throw new Error(`${nameZh}: an autonomous county whose ethnic group is not in ETHNIC_GROUPS`)
  return { stem, groups }
}

/**
 * English name of a division: pinyin of the name without its suffix, then the
 * suffix translated for county-level units. Provinces and prefecture-level
 * cities go without a suffix ("Guangdong", "Guangzhou") as they usually do in
 * English; a county-level city keeps "City" so 乐昌市 is "Lechang City".
 */
export function englishName(nameZh: string, level: RegionLevel, read: SyllableReader): EnglishName {
  if (level === 'province') {
    const short = romanise(stripSuffix(nameZh, ['省', '自治区']), read)
    return { full: short, short }
  }
  if (level === 'city') {
    const short = romanise(stripSuffix(nameZh, ['市']), read)
    return { full: short, short }
  }
  const entry = COUNTY_SUFFIXES.find(([zh]) => nameZh.endsWith(zh) && nameZh.length > zh.length)
  if (!entry) throw new Error(`${nameZh}: no known county-level suffix`)
  const [suffixZh, suffixEn] = entry
  const withoutSuffix = nameZh.slice(0, -suffixZh.length)
  if (suffixZh === '自治县') {
    const { stem, groups } = splitEthnicGroups(nameZh, withoutSuffix)
    const short = romanise(stem, read)
    return { full: `${short} ${groups.join(' and ')} ${suffixEn}`, short }
  }
  // Generic one-character district names (城区 "the city district") keep their
  // suffix in the romanised word, as they are written in English: "Chengqu District".
  const stemZh = withoutSuffix.length === 1 && suffixZh === '区' ? nameZh : withoutSuffix
  const short = romanise(stemZh, read)
  return { full: `${short} ${suffixEn}`, short }
}

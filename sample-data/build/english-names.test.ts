import { describe, expect, it } from 'vitest'
import { englishName, joinSyllables, type SyllableReader } from './english-names'

/** A stand-in for pinyin-pro that knows just the characters used here, with its real mistakes. */
const READINGS: Record<string, string> = {
  天: 'tian', 河: 'he', 广: 'guang', 州: 'zhou', 东: 'dong', 乐: 'yue', 昌: 'chang', 南: 'nan', 澳: 'ao',
  连: 'lian', 山: 'shan', 城: 'cheng', 区: 'qu', 大: 'da', 埔: 'pu', 梅: 'mei', 县: 'xian',
}
const read: SyllableReader = (text) => [...text].map((ch) => READINGS[ch] ?? '?')

describe('englishName', () => {
  it.each([
    ['天河区', 'county', 'Tianhe District', 'Tianhe'],
    ['广州市', 'city', 'Guangzhou', 'Guangzhou'],
    ['广东省', 'province', 'Guangdong', 'Guangdong'],
    ['乐昌市', 'county', 'Lechang City', 'Lechang'], // override beats the dictionary's yue
    ['大埔县', 'county', 'Dabu County', 'Dabu'], // override beats the dictionary's pu
    ['南澳县', 'county', "Nan'ao County", "Nan'ao"],
    ['连山壮族瑶族自治县', 'county', 'Lianshan Zhuang and Yao Autonomous County', 'Lianshan'],
    ['城区', 'county', 'Chengqu District', 'Chengqu'],
    ['梅县区', 'county', 'Meixian District', 'Meixian'],
  ] as const)('%s (%s) → %s', (zh, level, full, short) => {
    expect(englishName(zh, level, read)).toEqual({ full, short })
  })

  it('refuses a reading that is not pinyin rather than writing it out', () => {
    expect(() => englishName('天X区', 'county', read)).toThrow(/not a pinyin syllable/)
  })
})

describe('joinSyllables', () => {
  it.each([
    [['xi', 'an'], "Xi'an"],
    [['bao', 'an'], "Bao'an"],
    [['en', 'ping'], 'Enping'],
  ])('%j → %s', (syllables, word) => {
    expect(joinSyllables(syllables)).toBe(word)
  })
})

import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react'
import { MESSAGES, type Lang, type MessageKey } from './messages'
import { NumberFormatter } from './number-format'
import { formatMessage } from './message-format'

/**
 * The language: Simplified Chinese by default, English by a switch (kept in
 * the URL's `lang` and in localStorage, so a wall restarts in its language).
 */

export interface I18n {
  lang: Lang
  setLang(lang: Lang): void
  /** A label from the message catalog, with {name} placeholders filled. */
  t(key: MessageKey, params?: Record<string, string | number>): string
  /** A name from data ({ zh, en }). */
  name(text: { zh: string; en: string } | undefined): string
  /** A number in the language's format, at `digits` decimals; in Chinese, large ones in 万 and 亿 (number-format.ts). */
  num(value: number, digits?: number): string
}

const I18nContext = createContext<I18n | null>(null)

function initialLang(): Lang {
  const fromUrl = new URLSearchParams(location.search).get('lang')
  if (fromUrl === 'en' || fromUrl === 'zh') return fromUrl
  const stored = localStorage.getItem('onescreen.lang')
  return stored === 'en' ? 'en' : 'zh'
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang)
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem('onescreen.lang', next)
    const url = new URL(location.href)
    url.searchParams.set('lang', next)
    history.replaceState(history.state, '', url)
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en'
    setLangState(next)
  }, [])
  const value = useMemo<I18n>(() => {
    // One formatter per language and precision: toLocaleString builds a new one on every call, thousands per tick on the wall.
    const numbers = new NumberFormatter(lang)
    return {
      lang,
      setLang,
      t: (key, params) => {
        const text = MESSAGES[lang][key]
        return formatMessage(text, params, lang)
      },
      name: (text) => (text ? text[lang] || text.zh : ''),
      num: (v, digits = 1) => numbers.format(v, digits),
    }
  }, [lang, setLang])
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext)
  if (!i18n) throw new Error('useI18n outside I18nProvider')
  return i18n
}

/**
 * Fills a message's parameters: `{name}` is the value; `{count:alert|alerts}`
 * is the word for that count by the language's plural rules (Intl.PluralRules:
 * "1 alert", "2 alerts"; Chinese has one form, so its messages need none).
 * Forms are `one|other`, or `one|few|many|other` for a language that has them.
 */

const rules = new Map<string, Intl.PluralRules>()

function pluralRules(lang: string): Intl.PluralRules {
  let r = rules.get(lang)
  if (!r) rules.set(lang, (r = new Intl.PluralRules(lang)))
  return r
}

const ORDER: Record<number, readonly Intl.LDMLPluralRule[]> = {
  2: ['one', 'other'],
  4: ['one', 'few', 'many', 'other'],
}

export function formatMessage(text: string, params: Record<string, string | number> | undefined, lang: string): string {
  if (!params) return text
  return text.replace(/\{(\w+)(?::([^}]*))?\}/g, (_, key: string, forms: string | undefined) => {
    const value = params[key]
    if (forms === undefined) return String(value ?? '')
    const options = forms.split('|')
    const n = typeof value === 'number' ? value : Number(value)
    const category = Number.isFinite(n) ? pluralRules(lang).select(n) : 'other'
    const order = ORDER[options.length] ?? ['other']
    const i = order.indexOf(category)
    return options[i >= 0 ? i : options.length - 1] ?? ''
  })
}

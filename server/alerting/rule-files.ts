import fs from 'node:fs'
import path from 'node:path'
import type { CatalogIndex } from '../../common/catalog-index'
import { RulesFileSchema, type Rule } from '../../common/rule-schema'
import { fieldProblems, validateRuleAgainstCatalog } from './rule-validation'

/** Rule files: the default rules a first start seeds (`<catalogDir>/rules/*.json`), and the files `npm run detect` reads. */

/** The directory of default rules inside the catalog directory. */
export const RULES_DIR = 'rules'

export interface RuleFileEntry {
  file: string
  rule: Rule
}

/**
 * Reads and validates every `*.json` of a rules directory (`{ "rules": [...] }`
 * each), in name order. Any problem throws one error naming the file, the rule
 * and the field of each problem (the first ten).
 */
export function readRuleFiles(dir: string, index: CatalogIndex): RuleFileEntry[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(dir, f))
  const out: RuleFileEntry[] = []
  const problems: string[] = []
  const definedIn = new Map<string, string>()
  for (const file of files) {
    let json: unknown
    try {
      json = JSON.parse(fs.readFileSync(file, 'utf8'))
    } catch (err) {
      problems.push(`rules file ${file}: not readable JSON: ${err instanceof Error ? err.message : String(err)}`)
      continue
    }
    const parsed = RulesFileSchema.safeParse(json, { reportInput: true })
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const [top, i, ...rest] = issue.path
        if (top === 'rules' && typeof i === 'number') {
          const [problem] = fieldProblems([{ ...issue, path: rest }])
          problems.push(`rules file ${file}: rule ${ruleIdAt(json, i)}: ${problem}`)
        } else if (issue.path.length === 0) problems.push(`rules file ${file}: must be an object { "rules": [ … ] }`)
        else problems.push(`rules file ${file}: ${fieldProblems([issue])[0]}`)
      }
      continue
    }
    parsed.data.rules.forEach((rule, i) => {
      const where = `rules file ${file}: rule ${rule.id} (rules[${i}])`
      for (const problem of validateRuleAgainstCatalog(rule, index)) problems.push(`${where}: ${problem}`)
      const earlier = definedIn.get(rule.id)
      if (earlier) problems.push(`${where}: id: ${rule.id} is also defined in ${earlier}`)
      definedIn.set(rule.id, file)
      out.push({ file, rule })
    })
  }
  if (problems.length > 0) {
    const more = problems.length > 10 ? ` (and ${problems.length - 10} more)` : ''
    throw new Error(`the default rules are invalid: ${problems.slice(0, 10).join('; ')}${more}`)
  }
  return out
}

/** The id a rule in a raw rules file gives itself, for messages about a rule that did not parse. */
function ruleIdAt(json: unknown, i: number): string {
  const rules = typeof json === 'object' && json !== null && 'rules' in json ? json.rules : undefined
  const rule: unknown = Array.isArray(rules) ? rules[i] : undefined
  const id = typeof rule === 'object' && rule !== null && 'id' in rule ? rule.id : undefined
  return typeof id === 'string' ? `${id} (rules[${i}])` : `rules[${i}]`
}

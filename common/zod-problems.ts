import type { z } from 'zod'

/**
 * The one way a zod error becomes words, everywhere input is checked (HTTP
 * bodies, rules, config, files, socket requests, stored events): one problem
 * per line, each naming its field — `condition.recover: must be below value`,
 * `scope.levle: unknown field`, `severity is required`.
 */

export interface ProblemStyle {
  /** What a problem with no path is about ("body", "rule", "(root)"); without it the message stands alone. */
  root?: string
  /** Put before every path: the checked value's place in a larger document. */
  prefix?: string
  /** The issues carry their input (parsed with `reportInput`): a missing one is said as "is required". */
  reportInput?: boolean
}

export function zodProblems(issues: readonly z.core.$ZodIssue[], style: ProblemStyle = {}): string[] {
  const name = (path: readonly PropertyKey[]) => `${style.prefix ?? ''}${path.map(String).join('.')}` || (style.root ?? '')
  const said = (path: readonly PropertyKey[], what: string) => {
    const n = name(path)
    return n === '' ? what.replace(/^: /, '') : `${n}${what}`
  }
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => said([...issue.path, k], ': unknown field'))
    if (style.reportInput && issue.code !== 'custom' && issue.input === undefined) return [said(issue.path, ' is required')]
    return [said(issue.path, `: ${issue.message}`)]
  })
}

/** The first `max` problems on one line, separated by "; ". */
export function describeZodError(error: z.ZodError, style: ProblemStyle & { max?: number } = {}): string {
  return zodProblems(error.issues, style)
    .slice(0, style.max ?? 5)
    .join('; ')
}

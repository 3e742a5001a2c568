import type { Condition } from '../../../common/rule-schema'
import type { MessageKey } from '../i18n/messages'

/**
 * A rule's condition in a few words for the rules list ("高于 300，回到 180
 * 解除", "3 小时内上升 50"), so a saved change shows in the row it changed.
 * Numbers are the rule's own, unrounded: a threshold is exact.
 */

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string

const UNITS = [
  { seconds: 86_400, key: 'ruleEdit.dur.d' },
  { seconds: 3_600, key: 'ruleEdit.dur.h' },
  { seconds: 60, key: 'ruleEdit.dur.m' },
] as const

/** Seconds in the largest unit they are a whole number of ("10800" → "3 小时"). */
export function durationText(seconds: number, t: Translate): string {
  const unit = UNITS.find((u) => seconds > 0 && seconds % u.seconds === 0)
  return unit ? t(unit.key, { n: seconds / unit.seconds }) : t('ruleEdit.dur.s', { n: seconds })
}

export function conditionSummary(condition: Condition, t: Translate): string {
  switch (condition.kind) {
    case 'threshold': {
      const text = t('ruleEdit.sum.threshold', { op: t(`ruleEdit.op.${condition.op}`), value: condition.value })
      return condition.recover === undefined ? text : t('ruleEdit.sum.recover', { text, recover: condition.recover })
    }
    case 'rateOfChange': {
      // The engine fires on either amount when both are given (rule-engine.ts).
      const amounts = [condition.percent === undefined ? null : `${condition.percent}%`, condition.absolute === undefined ? null : String(condition.absolute)].filter((a) => a !== null)
      const amount = amounts.length === 2 ? t('ruleEdit.sum.or', { a: amounts[0]!, b: amounts[1]! }) : (amounts[0] ?? '')
      return t('ruleEdit.sum.rateOfChange', { window: durationText(condition.windowSeconds, t), direction: t(`ruleEdit.direction.${condition.direction}`), amount })
    }
    case 'baseline':
      return condition.changeOverSeconds === undefined ? t('ruleEdit.sum.baseline') : t('ruleEdit.sum.baselineChange', { window: durationText(condition.changeOverSeconds, t) })
    case 'stale':
      return t('ruleEdit.sum.stale', { n: condition.cadences })
    case 'flatline':
      return t('ruleEdit.sum.flatline', { n: condition.cadences })
    case 'crossCheck':
      return t('ruleEdit.sum.crossCheck', { op: t(`ruleEdit.op.${condition.op}`), value: condition.value, count: condition.with.length })
  }
}

/**
 * Labels for what a figure covers: running values (today so far, month or
 * year to date) and what a change compares.
 */

export const periodsZh = {
  'period.running.day': '今日累计',
  'period.running.month': '本月累计',
  'period.running.year': '本年累计',
  'change.mom.day': '较昨日',
  'change.title.days': '{current} 日均，较 {base} 日均',
  'change.title.sameElapsed': '{current}，较 {base}（同期）',
  'change.title.none': '无可比数据',
  'change.title.notApplicable': '年累计值不做环比',
  'period.partial': '未完结',
  'period.none': '暂无',
  'period.notYet': '本期尚无上报（上期累计 {value}）',
  'compare.fellBack': '对比期不保留“{asked}”粒度的数据，按“{used}”粒度比较',
  'compare.partial': '对比期数据自 {from} 起，覆盖 {percent}%',
  'compare.empty': '对比期无数据',
} as const

export const periodsEn: Record<keyof typeof periodsZh, string> = {
  'period.running.day': 'so far today',
  'period.running.month': 'month to date',
  'period.running.year': 'year to date',
  'change.mom.day': 'vs yesterday',
  'change.title.days': 'Daily mean {current}, against {base}',
  'change.title.sameElapsed': '{current}, against {base} (same point in the period)',
  'change.title.none': 'Nothing comparable to compare with',
  'change.title.notApplicable': 'A year-to-date figure has no month-on-month change',
  'period.partial': 'in progress',
  'period.none': 'None yet',
  'period.notYet': 'Nothing reported yet this period (last period: {value})',
  'compare.fellBack': 'The comparison period keeps no {asked} values: compared by {used}',
  'compare.partial': 'The comparison period has data from {from} only: {percent}% covered',
  'compare.empty': 'No data in the comparison period',
}

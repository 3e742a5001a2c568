/** The wall view's labels (part of the one message catalog in messages.ts). English must have the same keys. */
export const wallZh = {
  'wall.index': '指数',
  'wall.ranking.cities': '各市排名',
  'wall.ranking.counties': '各县区排名',
  'wall.ranking.peers': '同级排名',
  'wall.coverage': '数据覆盖 {percent}%',
  'wall.page': '第 {page}/{pages} 页',
  'wall.sound.locked': '点击屏幕开启告警声音',
  'wall.touring': '巡视中 · {domain}',
  'wall.reconnecting': '重连中…',
  'wall.banner.asOf': '（当前显示 {time} 的数据）',
  'wall.map.hint': '点击地区下钻',
  'wall.staleSince': '数据未更新 · {time}',
} satisfies Record<string, string>

export const wallEn: Record<keyof typeof wallZh, string> = {
  'wall.index': 'Index',
  'wall.ranking.cities': 'by city',
  'wall.ranking.counties': 'by county',
  'wall.ranking.peers': 'among peers',
  'wall.coverage': 'Coverage {percent}%',
  'wall.page': 'Page {page}/{pages}',
  'wall.sound.locked': 'Click to enable alert sound',
  'wall.touring': 'Touring · {domain}',
  'wall.reconnecting': 'Reconnecting…',
  'wall.banner.asOf': '(showing data as of {time})',
  'wall.map.hint': 'Click a region to drill down',
  'wall.staleSince': 'Not updating · {time}',
}

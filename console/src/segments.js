// A segment's FILTER (docs/API.md "Tags and segments (console)") as the page's filter editor
// edits it: a list of clause rows joined by all/any, and back; and a filter in Chinese words.
// The server is the judge of a filter: the editor sends what was typed (a number where it reads
// as one, else the text) and shows the server's refusal.

import { PARTNER_CATEGORIES, TIERS } from './format.js'

export const TAGS = {
  rfm_r: { label: 'R 最近到店评分（1–5）', numeric: true },
  rfm_f: { label: 'F 到店频次评分（1–5）', numeric: true },
  rfm_m: { label: 'M 消费金额评分（1–5）', numeric: true },
  recency_days: { label: '距最近到店天数', numeric: true },
  visits_12m: { label: '近 12 个月到店次数', numeric: true },
  spend_12m_fen: { label: '近 12 个月消费（元）', numeric: true, fen: true },
  tier: { label: '会员等级', numeric: false, hint: 'silver, gold, platinum' },
  vehicle_age: { label: '车龄', numeric: false, hint: '0_1, 1_3, 3_5, 5_8, 8_plus, unknown' },
  partner_category: { label: '合作伙伴消费类别', numeric: false, hint: 'fuel, parking, carwash, toll, other' },
  coupon_redeemer: { label: '是否核销过券', numeric: false, hint: 'yes, no' },
}
export const MANUAL = 'manual'

export const OPS = {
  eq: '等于', ne: '不等于', gt: '大于', gte: '大于等于', lt: '小于', lte: '小于等于', in: '属于其一', not_in: '不属于',
}
const NUMERIC_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in']
const TEXT_OPS = ['eq', 'ne', 'in', 'not_in']

// The ops a clause's tag takes ([] for a manual tag).
export function opsOf(tag) {
  if (tag === MANUAL) return []
  return TAGS[tag]?.numeric ? NUMERIC_OPS : TEXT_OPS
}

export const newRow = () => ({ tag: 'rfm_r', op: 'gte', value: '' })

// "12" -> 12 (yuan "100.5" -> 10050 fen for a tag in fen), anything else as typed (trimmed): the
// server refuses a text where a number belongs.
function typed(text, fen) {
  const t = String(text).trim()
  if (fen) return /^\d{1,12}(\.\d{1,2})?$/.test(t) ? Math.round(Number(t) * 100) : t
  return /^\d{1,15}$/.test(t) ? Number(t) : t
}

// A value as the editor shows it: fen as yuan for a tag in fen.
function shown(tag, v) {
  return TAGS[tag]?.fen && typeof v === 'number' ? String(v / 100) : String(v)
}

function clause(row) {
  if (row.tag === MANUAL) return { manual: String(row.value).trim() }
  const fen = TAGS[row.tag]?.fen
  if (row.op === 'in' || row.op === 'not_in') {
    const values = String(row.value).split(/[,，、]/).map((v) => v.trim()).filter((v) => v !== '').map((v) => typed(v, fen))
    return { tag: row.tag, op: row.op, values }
  }
  return { tag: row.tag, op: row.op, value: typed(row.value, fen) }
}

// The FILTER of the editor's rows joined by `mode` ('all' or 'any').
export function buildFilter(mode, rows) {
  return { [mode]: rows.map(clause) }
}

function rowOf(leaf) {
  if (typeof leaf.manual === 'string') return { tag: MANUAL, op: '', value: leaf.manual }
  if (typeof leaf.tag !== 'string') return null
  const value = Array.isArray(leaf.values) ? leaf.values.map((v) => shown(leaf.tag, v)).join(', ') : shown(leaf.tag, leaf.value ?? '')
  return { tag: leaf.tag, op: leaf.op, value }
}

// { mode, rows } of a saved filter, or null when it is more than one level of all/any over
// tag and manual clauses (the editor then keeps the filter and only renames).
export function parseFilter(filter) {
  if (!filter || typeof filter !== 'object') return null
  const mode = Array.isArray(filter.all) ? 'all' : Array.isArray(filter.any) ? 'any' : null
  const leaves = mode ? filter[mode] : [filter]
  const rows = leaves.map((l) => (l && typeof l === 'object' ? rowOf(l) : null))
  if (rows.some((r) => !r)) return null
  return { mode: mode || 'all', rows }
}

function valueText(tag, v) {
  return typeof v === 'string' ? `“${v}”` : shown(tag, v)
}

// The filter in words: 「R 最近到店评分（1–5） 大于等于 4」且「手动标签“VIP”」.
export function describeFilter(filter) {
  if (!filter || typeof filter !== 'object') return ''
  if (Array.isArray(filter.all)) return filter.all.map(describeFilter).join(' 且 ')
  if (Array.isArray(filter.any)) return `（${filter.any.map(describeFilter).join(' 或 ')}）`
  if (filter.not) return `非（${describeFilter(filter.not)}）`
  if (typeof filter.manual === 'string') return `手动标签“${filter.manual}”`
  const tag = TAGS[filter.tag]?.label || filter.tag
  const value = Array.isArray(filter.values) ? filter.values.map((v) => valueText(filter.tag, v)).join('、') : valueText(filter.tag, filter.value)
  return `${tag} ${OPS[filter.op] || filter.op} ${value}`
}

// A Beijing day as the API gives it (20261117) as "2026-11-17".
export function dayText(day) {
  const s = String(day)
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`
}

export const GRANT_STATES = { running: '发放中', done: '已完成', failed: '已失败' }

// A member's system tag (MEMBER_TAGS "system") as a chip's text: 等级：金卡, 车龄：1–3 年 ...
const SYSTEM_TAGS = {
  tier: { label: '等级', values: TIERS },
  vehicle_age: { label: '车龄', values: { '0_1': '1 年内', '1_3': '1–3 年', '3_5': '3–5 年', '5_8': '5–8 年', '8_plus': '8 年以上', unknown: '未知' } },
  partner_category: { label: '合作消费', values: PARTNER_CATEGORIES },
  coupon_redeemer: { label: '核销过券', values: { yes: '是', no: '否' } },
}
export function systemTagText({ key, value }) {
  const known = SYSTEM_TAGS[key]
  if (!known) return `${key}：${value}`
  return `${known.label}：${known.values[value] ?? value}`
}

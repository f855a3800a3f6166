// Formatting for display: member numbers, money (fen), Beijing times, tiers, coupon terms.

const TIER_NAMES = {silver: '银卡会员', gold: '金卡会员', platinum: '铂金卡会员'}

// '600123456786' -> '6001 2345 6786'
function memberNumber(number) {
  return String(number || '').replace(/\s+/g, '').replace(/(.{4})(?=.)/g, '$1 ')
}

// 5000 -> '50', 5050 -> '50.50'
function yuan(fen) {
  const n = Number(fen) || 0
  const whole = Math.floor(Math.abs(n) / 100)
  const cents = Math.abs(n) % 100
  return (n < 0 ? '-' : '') + whole + (cents ? '.' + String(cents).padStart(2, '0') : '')
}

// A price with its cents always shown: 19900 -> '199.00', 5 -> '0.05'
function price(fen) {
  const n = Number(fen) || 0
  const abs = Math.abs(n)
  return (n < 0 ? '-' : '') + Math.floor(abs / 100) + '.' + String(abs % 100).padStart(2, '0')
}

function tierName(tier) {
  if (!tier) return ''
  return TIER_NAMES[tier] || tier
}

function pad(n) {
  return String(n).padStart(2, '0')
}

// An RFC 3339 time as Beijing wall time (UTC+8, the business time of docs/API.md):
// '2027-01-04T15:59:59Z' -> '2027-01-05 23:59'; withTime false gives the date alone.
function beijing(rfc3339, withTime) {
  if (!rfc3339) return ''
  const ms = Date.parse(rfc3339)
  if (Number.isNaN(ms)) return ''
  const d = new Date(ms + 8 * 3600 * 1000)
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  if (withTime === false) return date
  return `${date} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

// Today in Beijing as YYYY-MM-DD (the server's bound for purchase dates and birthdays; the
// date pickers' end).
function beijingToday(nowMs) {
  return beijing(new Date(nowMs == null ? Date.now() : nowMs).toISOString(), false)
}

// What a stock or coupon is worth, for the big figure of a coupon card.
function couponValue(stock) {
  if (!stock) return ''
  if (stock.type === 'cash') return '¥' + yuan(stock.value_fen)
  if (stock.type === 'discount') return (100 - stock.percent_off) / 10 + '折'
  if (stock.type === 'exchange') return '兑换券'
  return ''
}

// Its condition line: threshold, cap or the item exchanged.
function couponTerms(stock) {
  if (!stock) return ''
  const threshold = stock.threshold_fen > 0 ? `满${yuan(stock.threshold_fen)}元可用` : '无门槛'
  if (stock.type === 'cash') return threshold
  if (stock.type === 'discount') {
    return stock.max_discount_fen > 0 ? `${threshold}，最多减${yuan(stock.max_discount_fen)}元`
      : threshold
  }
  if (stock.type === 'exchange') return `可兑换：${stock.item}`
  return ''
}

// How long a claimed coupon of the stock is valid.
function stockValidity(stock) {
  if (!stock) return ''
  if (stock.valid_days > 0) return `领取后${stock.valid_days}天内有效`
  return `${beijing(stock.valid_from, false)} 至 ${beijing(stock.valid_until, false)}`
}

// The reason of a points journal line (GET /api/mp/points), as the member reads it.
const POINTS_REASONS = {
  payment: '消费',
  refund: '退款',
  expire: '过期',
  expiry: '过期',
  redeem: '兑换',
  adjustment: '调整',
  promotion: '活动赠送',
  partner: '合作伙伴',
}

function pointsReason(reason) {
  return POINTS_REASONS[reason] || '其他'
}

// 123 -> '+123', -40 -> '-40', 0 -> '0'
function signedPoints(points) {
  const n = Number(points) || 0
  return n > 0 ? `+${n}` : String(n)
}

// Metres from the member to a store: under 1 km in metres, else km with one decimal
// (850 -> '850m', 1234 -> '1.2km', 15000 -> '15km'); '' when unknown.
function distance(metres) {
  if (metres == null || Number.isNaN(Number(metres))) return ''
  const m = Math.round(Number(metres))
  if (m < 1000) return `${m}m`
  const km = Math.round(m / 100) / 10
  return `${km}km`
}

module.exports = {memberNumber, yuan, price, tierName, beijing, couponValue, couponTerms, stockValidity,
  pointsReason, signedPoints, distance, beijingToday}

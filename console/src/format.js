// Display helpers: money in fen as yuan, times in Beijing time (UTC+8, the business day).
export function yuan(fen) {
  if (fen === null || fen === undefined) return '-'
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

// "320" or "320.5" (yuan typed at the till) -> fen, or null when it is not an amount.
export function parseYuan(text) {
  const m = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(String(text ?? ''))
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'))
}

const beijing = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
})

export function beijingTime(iso) {
  if (!iso) return '-'
  return beijing.format(new Date(iso)).replaceAll('/', '-')
}

// Today's Beijing date as YYYY-MM-DD.
export function beijingToday(now = new Date()) {
  return new Date(now.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10)
}

// The Beijing month of `now` as YYYY-MM, and the month `delta` months from a YYYY-MM.
export function beijingMonth(now = new Date()) {
  return beijingToday(now).slice(0, 7)
}

export function addMonths(period, delta) {
  const [y, m] = period.split('-').map(Number)
  const index = y * 12 + (m - 1) + delta
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
}

// An RFC 3339 UTC time as the Beijing wall time "YYYY-MM-DDTHH:mm:ss" (what a picker edits),
// and back: such a wall time read as Beijing time, with its +08:00 offset for the API.
export function beijingWallTime(iso) {
  if (!iso) return ''
  return new Date(new Date(iso).getTime() + 8 * 3600 * 1000).toISOString().slice(0, 19)
}

export function fromBeijingWallTime(wall) {
  return wall ? `${wall}+08:00` : ''
}

export const STOCK_TYPES = { cash: '满减券', discount: '折扣券', exchange: '兑换券' }
export const STOCK_STATES = { draft: '草稿', active: '进行中', paused: '已暂停', ended: '已结束' }
export const COUPON_STATES = { issued: '未使用', redeemed: '已核销', expired: '已过期', voided: '已作废' }
export const CHANNELS = { claim: '小程序领取', grant: '员工发放', payment: '支付奖励' }
export const ROLES = {
  brand_admin: '品牌管理员',
  region_manager: '区域经理',
  dealer_manager: '经销商经理',
  store_clerk: '门店店员',
  analyst: '分析员',
}
// Highest first: staff manage only accounts of a role ranked strictly below their own.
export const ROLE_RANK = ['brand_admin', 'region_manager', 'dealer_manager', 'store_clerk', 'analyst']
// The scope level each role lives at (analyst: any level).
export const ROLE_LEVEL = { brand_admin: 'brand', region_manager: 'region', dealer_manager: 'dealer', store_clerk: 'store' }
export const LEVELS = { brand: '品牌', region: '区域', dealer: '经销商', store: '门店' }
export const PARTNER_CATEGORIES = { fuel: '加油', parking: '停车', carwash: '洗车', toll: '高速', other: '其他' }
export const TRANSACTION_STATES = { paid: '已支付', partially_refunded: '部分退款', refunded: '已退款' }
export const REFUND_STATES = { success: '退款成功', abnormal: '退款异常', closed: '退款关闭' }

export const APPOINTMENT_STATES = { booked: '已预约', checked_in: '已到店', completed: '已完成', cancelled: '已取消' }
// Known service types in Chinese; a store may name others (shown as they are).
export const SERVICE_TYPES = { maintenance: '保养', wash: '洗车', repair: '维修', inspection: '检测', tire: '轮胎' }
export const serviceLabel = (t) => SERVICE_TYPES[t] || t
export const WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日']
export const ACTIVITY_STATES = { open: '进行中', cancelled: '已取消' }
export const SIGNUP_STATES = { seated: '已报名', waitlisted: '候补', checked_in: '已签到', cancelled: '已取消' }
export const DELIVERY_STATES = { pending: '待投递', delivered: '已送达', dead: '投递失败' }
// A delivery's last attempt (docs/API.md "Webhooks", DELIVERY: last_status and last_error).
const DELIVERY_ERRORS = {
  'timeout or connection lost': '超时或连接中断', 'connect timeout': '连接超时', 'connection failed': '连接失败',
  'tls failed': 'TLS 握手失败', 'answer too large': '应答过大',
}
export function deliveryResult(d) {
  if (!d.attempts) return '尚未尝试'
  if (!d.last_error || d.last_error.startsWith('http ')) return `HTTP ${d.last_status}`
  return DELIVERY_ERRORS[d.last_error] || d.last_error
}
export const TIERS = { silver: '银卡', gold: '金卡', platinum: '白金卡' }
// The kinds of the journals behind a settlement line (docs/API.md "Settlement", trace).
export const JOURNAL_KINDS = { earn: '获得', spend: '使用', reverse: '冲正', expire: '过期' }

// What a stock is worth, as the counter reads it: 满300减50, 9折 最高减20, 兑换：洗车一次.
export function stockWorth(stock) {
  if (!stock) return ''
  const threshold = stock.threshold_fen > 0 ? `满${yuan(stock.threshold_fen)}` : '无门槛'
  if (stock.type === 'cash') return `${threshold} 减${yuan(stock.value_fen)}`
  if (stock.type === 'discount') {
    const rate = (100 - stock.percent_off) / 10
    const cap = stock.max_discount_fen > 0 ? ` 最高减${yuan(stock.max_discount_fen)}` : ''
    return `${threshold} ${rate}折${cap}`
  }
  return `兑换：${stock.item}`
}

export function needsOrderAmount(stock) {
  return stock && (stock.type === 'cash' || stock.type === 'discount')
}

// An integer count with thousands separators (12,345), or the dash for a number not reported.
export function count(n) {
  if (n === null || n === undefined) return '—'
  return Number(n).toLocaleString('zh-CN')
}

export const NODE_TYPES = { brand: '品牌', region: '区域', dealer: '经销商', store: '门店' }

// Display of appointments and slots (docs/API.md, "Appointments"): service and state names,
// the bookable days, Beijing times.
const format = require('./format')

const SERVICE_NAMES = {maintenance: '保养', wash: '洗车', repair: '维修', tire: '轮胎',
  inspection: '检测', detailing: '美容'}
const STATE_NAMES = {booked: '已预约', checked_in: '已到店', completed: '已完成',
  cancelled: '已取消'}
const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六']
const DAY_MS = 24 * 3600 * 1000

function serviceName(type) {
  return SERVICE_NAMES[type] || type
}

// The `count` Beijing days from today: [{day:'2026-12-07', label:'12-07', weekday:'周一'}].
function days(count, nowMs) {
  const now = nowMs == null ? Date.now() : nowMs
  const out = []
  for (let i = 0; i < count; i += 1) {
    const day = format.beijingToday(now + i * DAY_MS)
    const weekday = i === 0 ? '今天' : i === 1 ? '明天'
      : WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()]
    out.push({day, label: day.slice(5), weekday})
  }
  return out
}

// 'HH:MM' of an RFC 3339 time in Beijing.
function clock(rfc3339) {
  return format.beijing(rfc3339).slice(11)
}

function slotView(s) {
  return {
    id: s.id,
    time: `${clock(s.starts_at)}-${clock(s.ends_at)}`,
    remaining: s.remaining,
    full: s.remaining <= 0,
    services: s.service_types.map(type => ({type, name: serviceName(type)})),
  }
}

// Only a booked appointment that has not started can be changed; the server also applies the
// store's cutoff (CHANGE_CUTOFF_PASSED).
function appointmentView(a, names, nowMs) {
  const now = nowMs == null ? Date.now() : nowMs
  const upcoming = (a.state === 'booked' || a.state === 'checked_in') &&
    Date.parse(a.starts_at) > now
  return {
    id: a.id,
    storeId: a.store_id,
    storeName: (names.stores && names.stores[a.store_id]) || `门店 ${a.store_id}`,
    time: format.beijing(a.starts_at),
    startsMs: Date.parse(a.starts_at),
    vehicle: (names.vehicles && names.vehicles[a.vehicle_id]) || '车辆已删除',
    serviceType: a.service_type,
    service: serviceName(a.service_type),
    coupon: a.coupon_id ? '使用兑换券' : '',
    state: a.state,
    stateName: STATE_NAMES[a.state] || a.state,
    upcoming,
    changeable: a.state === 'booked' && Date.parse(a.starts_at) > now,
  }
}

module.exports = {serviceName, days, slotView, appointmentView, STATE_NAMES}

// What the 车主关怀 page names: the subscribable topics (care/subscribe_types.h
// kSubscribableTopics) with the payload fields their producers write, care kinds, greeting
// outcomes, and the Chinese text of the care routes' validation refusals.
import { errorMessage } from './errors.js'

const APPOINTMENT_FIELDS = [
  ['starts_at', '预约开始时间（time/date 关键词显示为北京时间）'],
  ['service_type', '服务项目代码（如 maintenance）'],
  ['appointment_id', '预约编号'],
  ['store_id', '门店编号'],
  ['slot_id', '时段编号'],
  ['member_id', '会员编号'],
]
const APPOINTMENT_STATE = [['state', '预约状态（booked / cancelled …）']]
const SIGNUP_FIELDS = [
  ['activity_id', '活动编号'],
  ['signup_id', '报名编号'],
  ['state', '报名状态（seated / waitlisted / cancelled）'],
  ['position', '候补位次（未候补为 0）'],
  ['member_id', '会员编号'],
]
const GREETING_FIELDS = [
  ['occasion_on', '生日或周年日期（YYYY-MM-DD，date 关键词显示为 2030年1月7日）'],
  ['year', '年份'],
  ['coupon_id', '赠送的券编号（未发券为 0）'],
  ['outcome', '结果（coupon / no_coupon / message_only）'],
  ['reason', '未发券原因代码'],
  ['kind', '类型（birthday / anniversary）'],
  ['greeting_id', '关怀记录编号'],
  ['rule_id', '关怀规则编号'],
  ['member_id', '会员编号'],
]

// Each topic the API accepts, in its order, with the Chinese name and the payload fields.
export const TOPICS = [
  { topic: 'appointment.reminder', label: '预约提醒', fields: APPOINTMENT_FIELDS },
  { topic: 'appointment.rescheduled', label: '预约改期', fields: [...APPOINTMENT_FIELDS, ...APPOINTMENT_STATE] },
  { topic: 'appointment.cancelled', label: '预约取消', fields: [...APPOINTMENT_FIELDS, ...APPOINTMENT_STATE] },
  { topic: 'activity.promoted', label: '活动候补转正', fields: SIGNUP_FIELDS },
  { topic: 'activity.cancelled', label: '活动或报名取消', fields: SIGNUP_FIELDS },
  { topic: 'coupon.issued', label: '优惠券到账', fields: [
    ['coupon_id', '券编号'], ['stock_id', '券活动编号'], ['channel', '发放渠道（claim / grant / payment）'], ['member_id', '会员编号'],
  ] },
  { topic: 'maintenance.due', label: '保养到期', fields: [
    ['model', '车型'], ['due_date', '保养到期日（YYYY-MM-DD）'], ['reason', '到期依据（months 按时间 / km 按里程）'],
    ['vehicle_id', '车辆编号'], ['reminder_id', '提醒编号'], ['member_id', '会员编号'],
  ] },
  { topic: 'care.birthday', label: '生日关怀', fields: GREETING_FIELDS },
  { topic: 'care.anniversary', label: '入会周年关怀', fields: GREETING_FIELDS },
  { topic: 'appointment.booked', label: '预约成功', fields: [...APPOINTMENT_FIELDS, ...APPOINTMENT_STATE] },
  { topic: 'activity.signed_up', label: '活动报名成功', fields: SIGNUP_FIELDS },
  { topic: 'winback.drifted', label: '流失挽回', fields: [
    ['days_away', '未到店天数'], ['coupon_id', '赠送的券编号（未发券为 0）'], ['outcome', '结果（coupon / no_coupon / message_only）'],
    ['reason', '未发券原因代码'], ['last_visit_at', '最近到店时间（Unix 秒）'], ['store_id', '最近到店门店编号'],
    ['dealer_id', '经销商编号'], ['winback_id', '挽回记录编号'], ['member_id', '会员编号'],
  ] },
]

export const topicLabel = (topic) => TOPICS.find((t) => t.topic === topic)?.label || topic
export const topicFields = (topic) => TOPICS.find((t) => t.topic === topic)?.fields || []

export const CARE_KINDS = { birthday: '生日', anniversary: '首次消费周年' }

// Why a greeting gave no coupon (docs/API.md GREETING reason).
const NO_COUPON_REASONS = {
  LIMIT_REACHED: '会员已达该券每人限领数量',
  SOLD_OUT: '券已发完（总量、预算或当日数量用尽）',
  NOT_ACTIVE: '券活动未启用或已结束',
  NOT_ELIGIBLE: '会员等级未达到券活动要求',
  STOCK_NOT_FOUND: '券活动已不存在',
}

export function greetingOutcome(g) {
  if (g.outcome === 'coupon') return `发券（券 #${g.coupon_id}）`
  if (g.outcome === 'message_only') return '仅消息'
  if (g.outcome === 'no_coupon') return `未发券：${NO_COUPON_REASONS[g.reason] || g.reason || '原因未知'}`
  return g.outcome
}

// INVALID_FIELD of these routes names the field in English ("months must be 1..60"): say it in
// Chinese, with the limits the server gave.
const FIELD_NAMES = {
  months: '保养间隔月数', km: '保养间隔里程（公里）', first_months: '首保月数', first_km: '首保里程（公里）',
}
export function careError(err) {
  const text = err?.serverMessage || ''
  if (err?.code === 'INVALID_FIELD') {
    const range = /^(months|km|first_months|first_km) must be (\d+)\.\.(\d+)/.exec(text)
    if (range) return `${FIELD_NAMES[range[1]]}需为 ${range[2]} 到 ${range[3]}`
    if (/\btitle\b/.test(text)) return '标题需为 1 到 32 个字，不能含控制字符'
    if (/^page\b/.test(text)) return '页面路径需为不含空格的可打印英文字符，最长 255 位（如 pages/vehicles/index）'
  }
  return errorMessage(err)
}


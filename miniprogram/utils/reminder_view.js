// Display of maintenance reminders (docs/API.md, "Maintenance reminders (member side)"): how far
// a due date is from today in Beijing, and why it is due.
const format = require('./format')

const DAY_MS = 24 * 3600 * 1000
const REASONS = {months: '按保养时间间隔', km: '按保养里程间隔（按您记录的里程估算）'}

// Whole days from Beijing today to `day` (YYYY-MM-DD); negative once it has passed.
function daysUntil(day, nowMs) {
  const today = format.beijingToday(nowMs)
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS)
}

// '已逾期 3 天' | '今天到期' | '还有 8 天'. The server's `overdue` decides which side of the day
// it is (its clock), the days come from this phone's.
function dueText(dueDate, overdue, nowMs) {
  const days = daysUntil(dueDate, nowMs)
  if (overdue) return `已逾期 ${Math.max(1, -days)} 天`
  if (days <= 0) return '今天到期'
  return `还有 ${days} 天`
}

function reasonText(reason) {
  return REASONS[reason] || ''
}

// 'Golf 京A·***45'
function vehicleName(v) {
  return [v.model, v.plate].filter(Boolean).join(' ')
}

function reminderView(r, nowMs) {
  return {
    id: r.id,
    vehicleId: r.vehicle_id,
    vehicle: vehicleName(r),
    dueDate: r.due_date,
    overdue: Boolean(r.overdue),
    due: dueText(r.due_date, r.overdue, nowMs),
    reason: reasonText(r.reason),
  }
}

function vehicleView(v) {
  return {
    id: v.vehicle_id,
    name: vehicleName(v),
    nextDue: v.next_due_date || '',
    reason: v.next_due_date ? reasonText(v.reason) : '',
  }
}

// The home page's one line about the open reminders ('' when none), of the soonest due:
// '保养提醒：Golf 京A·***45 保养已逾期 3 天', '... 等 2 辆车 还有 8 天到保养时间'.
function homeNotice(reminders, nowMs) {
  if (!reminders || !reminders.length) return ''
  const soonest = reminders.slice().sort((a, b) => a.due_date.localeCompare(b.due_date))[0]
  const first = reminderView(soonest, nowMs)
  const who = reminders.length > 1 ? `${first.vehicle} 等 ${reminders.length} 辆车` : first.vehicle
  const when = first.overdue ? `保养${first.due}`
    : first.due === '今天到期' ? '今天到保养时间' : `${first.due}到保养时间`
  return `保养提醒：${who} ${when}`
}

module.exports = {daysUntil, dueText, reasonText, reminderView, vehicleView, homeNotice}

// Display of owner activities (docs/API.md, "Activities (member side)"): the seats left, the
// sign-up window, the tier asked for, and the member's own sign-up (报名成功 / 候补中 / 已签到).
const format = require('./format')

// A sign-up the member still holds: it counts for the activity's page and card.
const LIVE = ['seated', 'waitlisted', 'checked_in']

// The member's live sign-up of each activity, from GET /api/mp/activity-signups (newest first,
// so the first one seen is the latest): {activityId: SIGNUP}.
function liveSignups(signups) {
  const out = {}
  for (const s of signups) {
    if (LIVE.indexOf(s.state) >= 0 && !out[s.activity_id]) out[s.activity_id] = s
  }
  return out
}

// The member's sign-up as the page says it. The waitlist number is the sign-up's `position`
// (positions are never reused, so it orders the waitlist but is not a count of who is ahead).
function signupView(signup) {
  if (!signup) return null
  const names = {
    seated: '已报名',
    waitlisted: `候补中 · 候补号 ${signup.position}`,
    checked_in: '已签到',
  }
  return {id: signup.id, state: signup.state, position: signup.position,
    text: names[signup.state] || ''}
}

// Where the sign-up window stands at nowMs: not_open, open or closed.
function windowState(a, nowMs) {
  if (nowMs < Date.parse(a.signup_opens_at)) return 'not_open'
  if (nowMs >= Date.parse(a.signup_closes_at)) return 'closed'
  return 'open'
}

function timeRange(a) {
  const start = format.beijing(a.starts_at)
  const end = format.beijing(a.ends_at)
  // The same Beijing day: the end's time alone.
  return start.slice(0, 10) === end.slice(0, 10) ? `${start}-${end.slice(11)}` : `${start} 至 ${end}`
}

function activityView(a, signup, nowMs) {
  const now = nowMs == null ? Date.now() : nowMs
  const windowNow = windowState(a, now)
  const remaining = Math.max(0, a.remaining)
  const mine = signupView(signup)
  const cancelled = a.state === 'cancelled'
  const started = now >= Date.parse(a.starts_at)
  let windowText = '报名中'
  if (windowNow === 'not_open') windowText = `${format.beijing(a.signup_opens_at)} 开始报名`
  if (windowNow === 'closed') windowText = '报名已截止'
  return {
    id: a.id,
    title: a.title,
    description: a.description || '',
    place: a.place,
    time: timeRange(a),
    startsMs: Date.parse(a.starts_at),
    capacity: a.capacity,
    remaining,
    seats: remaining > 0 ? `剩余 ${remaining} 个名额（共 ${a.capacity} 个）`
      : `名额已满（共 ${a.capacity} 个），可报名候补`,
    window: `报名时间 ${format.beijing(a.signup_opens_at)} 至 ${format.beijing(a.signup_closes_at)}`,
    windowState: windowNow,
    windowText,
    tier: a.min_tier ? `${format.tierName(a.min_tier)}及以上可报名` : '',
    cancelled,
    mine,
    // What the member can do now; the server decides in the end (its refusals are shown).
    canSignUp: !cancelled && !mine && windowNow === 'open',
    canCancel: !cancelled && !started && Boolean(mine) && mine.state !== 'checked_in',
    full: remaining === 0,
  }
}

module.exports = {liveSignups, signupView, activityView, windowState}

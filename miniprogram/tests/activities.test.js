// 车主活动 (pages/activities): loading, empty and error states; the activities soonest first with
// time, place, seats left, tier and sign-up window, and the member's own sign-up (已报名, 候补中
// with its number, 已签到), also for an activity whose sign-up closed (fetched alone); a card
// opens the activity's page.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const fixtures = require('./support/fixtures')

const LIST = '/api/mp/activities?page=1&page_size=50'
const SIGNUPS = '/api/mp/activity-signups?page=1&page_size=200'
const HOUR = 3600000
const DAY = 24 * HOUR
// Whole hours, so that the Beijing times shown are exact.
const hour = Math.floor(Date.now() / HOUR) * HOUR
const at = ms => new Date(ms).toISOString()

function page(items) {
  return {items, page: 1, page_size: 50, total: items.length}
}

// 3 hours on the Beijing day `days` from now, sign-up open from a day ago until a day before.
function activityIn(days, overrides) {
  const start = hour + days * DAY
  return fixtures.activity(Object.assign({starts_at: at(start), ends_at: at(start + 3 * HOUR),
    signup_opens_at: at(hour - DAY), signup_closes_at: at(start - DAY)}, overrides))
}

test.afterEach(closePages)

test('activities soonest first with seats, tier, window and the member\'s own state', async () => {
  // Fixed times years ahead, so the text is written out here (Beijing = UTC+8). 61: seated;
  // 62: two days, full, the member's earlier sign-up cancelled; 63: gold and up, sign-up opens
  // in 2029; 64: sign-up closed, not in the open list, the member waitlisted (number 3).
  const open = {signup_opens_at: '2026-12-01T00:00:00Z', signup_closes_at: '2029-12-31T12:00:00Z'}
  const a61 = fixtures.activity(Object.assign({id: 61, starts_at: '2030-01-12T02:00:00Z',
    ends_at: '2030-01-12T05:00:00Z'}, open))
  const a62 = fixtures.activity(Object.assign({id: 62, title: '车友自驾游', place: '千岛湖',
    starts_at: '2030-01-05T01:00:00Z', ends_at: '2030-01-06T09:00:00Z', seated: 30,
    remaining: 0}, open))
  const a63 = fixtures.activity({id: 63, title: '金卡专享品鉴会', min_tier: 'gold', capacity: 10,
    seated: 0, remaining: 10, starts_at: '2030-02-01T06:00:00Z', ends_at: '2030-02-01T08:00:00Z',
    signup_opens_at: '2029-06-01T00:00:00Z', signup_closes_at: '2030-01-31T12:00:00Z'})
  const a64 = fixtures.activity({id: 64, title: '免费检测日', starts_at: '2030-01-02T01:00:00Z',
    ends_at: '2030-01-02T04:00:00Z', signup_closes_at: '2026-12-05T12:00:00Z', seated: 20,
    capacity: 20, remaining: 0})
  let answer
  const wx = fakeWx()
    .route('GET', LIST, () => new Promise(r => { answer = r }))
    .reply('GET', SIGNUPS, 200, page([
      fixtures.signup({id: 74, activity_id: 64, state: 'waitlisted', position: 3}),
      fixtures.signup({id: 73, activity_id: 62, state: 'cancelled'}),
      fixtures.signup({id: 71, activity_id: 61})]))
    .reply('GET', '/api/mp/activities/64', 200, a64)
  const list = openPage('activities')
  await waitFor(() => answer, 2000, 'the activities request')
  assert.equal(text(find(list, '#loading')), '加载中…')
  answer({status: 200, body: page([a62, a61, a63])})
  await waitFor(() => find(list, '#list'))

  assert.deepEqual(list.data.items.map(a => a.id), [64, 62, 61, 63])
  assert.equal(text(find(list, '#activity-64')), '免费检测日候补中 · 候补号 3' +
    '2030-01-02 09:00-12:00人民广场店名额已满（共 20 个），可报名候补' +
    '报名时间 2026-12-01 08:00 至 2026-12-05 20:00')
  assert.equal(text(find(list, '#activity-62')), '车友自驾游报名中' +
    '2030-01-05 09:00 至 2030-01-06 17:00千岛湖名额已满（共 30 个），可报名候补' +
    '报名时间 2026-12-01 08:00 至 2029-12-31 20:00')
  assert.equal(text(find(list, '#activity-61')), '新春试驾日已报名2030-01-12 10:00-13:00人民广场店' +
    '剩余 2 个名额（共 30 个）报名时间 2026-12-01 08:00 至 2029-12-31 20:00')
  assert.equal(text(find(list, '#activity-63')), '金卡专享品鉴会2029-06-01 08:00 开始报名' +
    '2030-02-01 14:00-16:00人民广场店剩余 10 个名额（共 10 个）金卡会员及以上可报名' +
    '报名时间 2029-06-01 08:00 至 2030-01-31 20:00')
  assert.equal(find(list, '#tier-61'), undefined)
  // Only the activity missing from the open list was asked for alone.
  assert.deepEqual(wx.requests.filter(r => /^\/api\/mp\/activities\/\d+$/.test(r.path))
    .map(r => r.path), ['/api/mp/activities/64'])

  tap(list, '#activity-62')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, ['/pages/activity/index?id=62'])
})

test('checked in and cancelled activities; ended or vanished ones are left out', async () => {
  const a61 = activityIn(1, {id: 61, starts_at: at(hour - HOUR), ends_at: at(hour + 2 * HOUR),
    signup_closes_at: at(hour - 2 * HOUR)})
  const a65 = activityIn(-3, {id: 65, title: '已结束的活动'})
  const a66 = activityIn(8, {id: 66, title: '取消的活动', state: 'cancelled',
    cancelled_at: at(hour - HOUR)})
  fakeWx()
    .reply('GET', LIST, 200, page([]))
    .reply('GET', SIGNUPS, 200, page([
      fixtures.signup({id: 78, activity_id: 67}),
      fixtures.signup({id: 77, activity_id: 66}),
      fixtures.signup({id: 76, activity_id: 65}),
      fixtures.signup({id: 71, activity_id: 61, state: 'checked_in'})]))
    .reply('GET', '/api/mp/activities/61', 200, a61)
    .reply('GET', '/api/mp/activities/65', 200, a65)
    .reply('GET', '/api/mp/activities/66', 200, a66)
    .reply('GET', '/api/mp/activities/67', 404, {code: 'ACTIVITY_NOT_FOUND', message: 'x'})
  const list = openPage('activities')
  await waitFor(() => find(list, '#list'))
  assert.deepEqual(list.data.items.map(a => a.id), [61, 66])
  assert.equal(text(find(list, '#badge-61')), '已签到')
  assert.equal(text(find(list, '#badge-66')), '已取消')
})

test('nothing to see shows the empty state', async () => {
  const wx = fakeWx().reply('GET', LIST, 200, page([])).reply('GET', SIGNUPS, 200, page([]))
  const list = openPage('activities')
  await waitFor(() => find(list, '#empty'))
  assert.equal(text(find(list, '#empty')), '暂无可报名的活动新的车主活动发布后会显示在这里')
  assert.equal(wx.calls('GET', LIST).length, 1)
})

test('a failed list shows the error in Chinese and a retry that works', async () => {
  const wx = fakeWx().route('GET', LIST, () => ({networkError: true}))
    .reply('GET', SIGNUPS, 200, page([]))
  const list = openPage('activities')
  await waitFor(() => find(list, '#error'))
  assert.equal(text(find(list, '#error')), '活动加载失败网络异常，请检查网络后重试重试')
  wx.reply('GET', LIST, 200, page([activityIn(3)]))
  tap(list, '#retry')
  await waitFor(() => find(list, '#list'))
  assert.deepEqual(list.data.items.map(a => a.id), [61])
})

test('coming back from an activity\'s page reads the list again', async () => {
  const wx = fakeWx().reply('GET', LIST, 200, page([activityIn(3)]))
    .reply('GET', SIGNUPS, 200, page([]))
  const list = openPage('activities')
  await waitFor(() => find(list, '#list'))
  assert.equal(text(find(list, '#badge-61')), '报名中')
  wx.reply('GET', SIGNUPS, 200, page([fixtures.signup({state: 'waitlisted', position: 1})]))
  list.instance.onShow()
  await waitFor(() => text(find(list, '#badge-61')) === '候补中 · 候补号 1', 2000, 'the new state')
  assert.equal(wx.calls('GET', LIST).length, 2)
})

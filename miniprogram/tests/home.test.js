// 首页 (pages/home) with GET /api/mp/card faked at the wx.request boundary.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const fixtures = require('./support/fixtures')
const qr = require('../utils/qr')
const timing = require('../utils/timing')

const drawn = []
qr.drawOnCanvas = (page, selector, token) => drawn.push({selector, token})

test.beforeEach(() => { drawn.length = 0 })
test.afterEach(closePages)

test('shows a loading state until the card arrives', async () => {
  const wx = fakeWx().route('GET', '/api/mp/card', () => new Promise(() => {}))
  const page = openPage('home')
  await waitFor(() => wx.calls('GET', '/api/mp/card').length === 1)
  assert.equal(text(find(page, '#loading')), '加载中…')
  assert.equal(find(page, '#card'), undefined)
})

test('shows the owner card: number in groups of 4, tier, next tier, points, coupons, member QR', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/card', 200, fixtures.card())
  const page = openPage('home')
  await waitFor(() => find(page, '#card'))
  assert.equal(text(find(page, '#member-number')), '6001 2345 6786')
  assert.equal(text(find(page, '#tier')), '金卡会员')
  assert.equal(text(find(page, '#upgrade')), '再消费¥12345或再到店20次即可升级为铂金卡会员')
  assert.equal(text(find(page, '#points')), '3260')
  assert.equal(text(find(page, '#expiring')), '120 积分将在30天内过期（最早 2026-12-31 到期）')
  assert.equal(text(find(page, '#usable-coupons')), '3')
  assert.match(text(find(page, '#member-code')), /向门店出示会员码/)
  await waitFor(() => drawn.length === 1)
  assert.deepEqual(drawn[0], {selector: '#member-qr', token: 'mc2.first'})
  assert.equal(wx.logins, 1)
})

test('the top tier says so and hides the expiry line when nothing expires', async () => {
  fakeWx().reply('GET', '/api/mp/card', 200, fixtures.card({
    tier: {current: 'platinum', next: null, spend_fen_to_next: null, visits_to_next: null},
    points: {balance: 0, expiring_30d: 0, next_expiry_at: null},
  }))
  const page = openPage('home')
  await waitFor(() => find(page, '#card'))
  assert.equal(text(find(page, '#upgrade')), '已是最高等级')
  assert.equal(find(page, '#expiring'), undefined)
})

test('the member QR is fetched again and redrawn before it expires', async () => {
  const saved = {...timing}
  timing.qrRefreshLeadMs = 0
  timing.qrMinRefreshMs = 20
  const tokens = ['mc2.first', 'mc2.second']
  let served = 0
  const wx = fakeWx().route('GET', '/api/mp/card', () => {
    const token = tokens[Math.min(served++, 1)]
    return {status: 200, body: fixtures.card({member_code: {token,
      expires_at: new Date(Date.now() + 50).toISOString()}})}
  })
  const page = openPage('home')
  try {
    await waitFor(() => drawn.some(d => d.token === 'mc2.second'), 2000, 'the second member code')
    assert.ok(wx.calls('GET', '/api/mp/card').length >= 2)
    assert.equal(drawn[0].token, 'mc2.first')
  } finally {
      Object.assign(timing, saved)
  }
})

test('a card that cannot load shows the error in Chinese and a retry that works', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/card', 404, {code: 'NOT_FOUND', message: 'no route'})
  const page = openPage('home')
  await waitFor(() => find(page, '#error'))
  assert.match(text(find(page, '#error')), /会员卡加载失败/)
  assert.equal(text(find(page, '#error-message')), '该功能暂未开放')
  wx.reply('GET', '/api/mp/card', 200, fixtures.card())
  tap(page, '#retry')
  await waitFor(() => find(page, '#card'))
  assert.equal(text(find(page, '#member-number')), '6001 2345 6786')
})

test('quick links go to the claim centre, coupons, points, vehicles, stores (also to book a ' +
  'service), packages, orders, appointments and owner activities', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/card', 200, fixtures.card({vehicles: [fixtures.vehicle()]}))
  const page = openPage('home')
  await waitFor(() => find(page, '#card'))
  assert.equal(text(find(page, '#vehicles')), '1')
  for (const link of ['#link-claim', '#usable-coupons', '#link-points', '#link-vehicles',
    '#link-stores', '#link-book', '#link-packages', '#link-orders', '#link-appointments',
    '#link-activities']) {
    tap(page, link)
  }
  await waitFor(() => wx.navigations.length === 10)
  assert.deepEqual(wx.navigations, ['/pages/claim/index', '/pages/coupons/index',
    '/pages/points/index', '/pages/vehicles/index', '/pages/stores/index', '/pages/stores/index',
    '/pages/packages/index', '/pages/orders/index', '/pages/appointments/index',
    '/pages/activities/index'])
})

test('a card answer it cannot read shows the error state, not an endless loading', async () => {
  fakeWx().reply('GET', '/api/mp/card', 200, {})
  const page = openPage('home')
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error-message')), '请求失败，请稍后重试')
})

test('an open maintenance reminder shows one line that opens 保养提醒', async () => {
  const format = require('../utils/format')
  const day = offset => format.beijingToday(Date.now() + offset * 86400000)
  const wx = fakeWx().reply('GET', '/api/mp/card', 200, fixtures.card())
    .reply('GET', '/api/mp/reminders', 200, {reminders: [fixtures.reminder({due_date: day(5)})],
      vehicles: [fixtures.reminderVehicle({next_due_date: day(5)})]})
  const page = openPage('home')
  await waitFor(() => find(page, '#reminder-notice'))
  assert.equal(text(find(page, '#reminder-notice')), '保养提醒：Golf 京A·***45 还有 5 天到保养时间›')
  tap(page, '#reminder-notice')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, ['/pages/reminders/index'])

  // Two vehicles, one overdue: the overdue one, and how many.
  wx.reply('GET', '/api/mp/reminders', 200, {reminders: [fixtures.reminder({due_date: day(5)}),
    fixtures.reminder({id: 13, vehicle_id: 6, model: 'Model 3', plate: '沪B·***21',
      due_date: day(-2), overdue: true})], vehicles: []})
  page.instance.onShow()
  await waitFor(() => /逾期/.test(text(find(page, '#reminder-notice'))))
  assert.equal(text(find(page, '#reminder-notice')), '保养提醒：Model 3 沪B·***21 等 2 辆车 保养已逾期 2 天›')
})

test('no reminder line without open reminders, or when they cannot be read; the card still shows', async () => {
  fakeWx().reply('GET', '/api/mp/card', 200, fixtures.card())
    .reply('GET', '/api/mp/reminders', 200, {reminders: [], vehicles: []})
  let page = openPage('home')
  await waitFor(() => find(page, '#card'))
  // Read once more and waited for: nothing to show.
  await page.instance.loadReminders()
  assert.equal(find(page, '#reminder-notice'), undefined)
  closePages()
  const failing = fakeWx().reply('GET', '/api/mp/card', 200, fixtures.card())
    .reply('GET', '/api/mp/reminders', 503, {code: 'UNAVAILABLE', message: ''})
  page = openPage('home')
  await waitFor(() => find(page, '#card'))
  await page.instance.loadReminders()
  assert.equal(find(page, '#reminder-notice'), undefined)
  assert.equal(failing.calls('GET', '/api/mp/reminders').length, 2)
  assert.equal(text(find(page, '#points')), '3260')
})

// The visits of GET /api/mp/feedback/visits (docs/API.md, "Visit feedback (member side)"),
// newest first, dated from now: `hoursAgo` before now, rateable for 7 days after.
function feedbackVisit(overrides, hoursAgo) {
  const visited = Date.now() - (hoursAgo || 1) * 3600000
  return Object.assign({kind: 'payment', id: 812, store: {id: 3, name: '朝阳店'},
    visited_at: new Date(visited).toISOString(), amount_fen: 8800,
    rateable_until: new Date(visited + 7 * 86400000).toISOString(), rating: null}, overrides)
}
const RATED = {id: 9, kind: 'payment', visit_id: 811, score: 9, comment: '很快',
  rated_at: '2026-11-30T08:00:00Z'}

test('a visit that can still be rated shows a card naming its store; tapping it opens 服务评价',
  async () => {
    const wx = fakeWx().reply('GET', '/api/mp/card', 200, fixtures.card())
      .reply('GET', '/api/mp/feedback/visits', 200, {items: [
        // The newest is rated already: the card asks about the next one.
        feedbackVisit({id: 813, store: {id: 4, name: '望京店'}, rating: RATED}, 1),
        feedbackVisit({kind: 'redemption', id: 57, store: {id: 3, name: '朝阳店'}}, 30),
      ]})
    const page = openPage('home')
    await waitFor(() => find(page, '#feedback-notice'))
    assert.equal(text(find(page, '#feedback-notice')), '您对最近一次在朝阳店的服务满意吗？去评价 ›')
    // The rest of the page as before.
    assert.equal(text(find(page, '#member-number')), '6001 2345 6786')
    assert.equal(wx.calls('GET', '/api/mp/feedback/visits').length, 1)
    tap(page, '#feedback-notice')
    await waitFor(() => wx.navigations.length)
    assert.deepEqual(wx.navigations, ['/pages/feedback/index'])
  })

test('without the store\'s name the card asks about the latest visit', async () => {
  fakeWx().reply('GET', '/api/mp/card', 200, fixtures.card())
    .reply('GET', '/api/mp/feedback/visits', 200, {items: [feedbackVisit({store: {id: 3}})]})
  const page = openPage('home')
  await waitFor(() => find(page, '#feedback-notice'))
  assert.equal(text(find(page, '#feedback-notice')), '您对最近一次到店服务满意吗？去评价 ›')
})

test('no feedback card when nothing can be rated (none, all rated, or past rateable_until)',
  async () => {
    for (const items of [
      [],
      [feedbackVisit({rating: RATED})],
      // Listed by the server a moment ago, but its window has closed since.
      [feedbackVisit({rateable_until: new Date(Date.now() - 1000).toISOString()}, 170)],
    ]) {
      const wx = fakeWx().reply('GET', '/api/mp/card', 200, fixtures.card())
        .reply('GET', '/api/mp/feedback/visits', 200, {items})
      const page = openPage('home')
      await waitFor(() => find(page, '#card'))
      await page.instance.loadFeedback()
      assert.equal(find(page, '#feedback-notice'), undefined, JSON.stringify(items))
      assert.equal(page.data.feedbackNotice, '')
      assert.equal(wx.calls('GET', '/api/mp/feedback/visits').length, 2)
      closePages()
    }
  })

test('no feedback card when the visits cannot be read; the card and a later success still work',
  async () => {
    const wx = fakeWx().reply('GET', '/api/mp/card', 200, fixtures.card())
      .reply('GET', '/api/mp/feedback/visits', 503, {code: 'UNAVAILABLE', message: ''})
    const page = openPage('home')
    await waitFor(() => find(page, '#card'))
    await page.instance.loadFeedback()
    assert.equal(find(page, '#feedback-notice'), undefined)
    assert.equal(find(page, '#error'), undefined)
    assert.equal(text(find(page, '#points')), '3260')
    // No answer at all (the network) and an answer it cannot read: the same.
    wx.route('GET', '/api/mp/feedback/visits', () => ({networkError: true}))
    await page.instance.loadFeedback()
    wx.reply('GET', '/api/mp/feedback/visits', 200, {})
    await page.instance.loadFeedback()
    assert.equal(find(page, '#feedback-notice'), undefined)
    assert.equal(find(page, '#error'), undefined)
    // Coming back to the page once a visit is rateable shows it.
    wx.reply('GET', '/api/mp/feedback/visits', 200, {items: [feedbackVisit()]})
    page.instance.onShow()
    await waitFor(() => find(page, '#feedback-notice'))
    assert.equal(text(find(page, '#feedback-notice')), '您对最近一次在朝阳店的服务满意吗？去评价 ›')
  })

test('the card\'s loading and error states are unchanged by the feedback request', async () => {
  const wx = fakeWx().route('GET', '/api/mp/card', () => new Promise(() => {}))
    .reply('GET', '/api/mp/feedback/visits', 200, {items: [feedbackVisit()]})
  let page = openPage('home')
  await waitFor(() => wx.calls('GET', '/api/mp/feedback/visits').length === 1)
  await page.instance.loadFeedback()
  assert.equal(text(find(page, '#loading')), '加载中…')
  assert.equal(find(page, '#feedback-notice'), undefined)
  closePages()
  fakeWx().reply('GET', '/api/mp/card', 404, {code: 'NOT_FOUND', message: 'no route'})
    .reply('GET', '/api/mp/feedback/visits', 200, {items: [feedbackVisit()]})
  page = openPage('home')
  await waitFor(() => find(page, '#error'))
  assert.match(text(find(page, '#error')), /会员卡加载失败/)
  assert.equal(find(page, '#feedback-notice'), undefined)
})

// 优惠券详情 (pages/coupon): the redemption QR, its refresh, and the 已核销 state once staff
// redeem the coupon.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const fixtures = require('./support/fixtures')
const qr = require('../utils/qr')
const timing = require('../utils/timing')

const drawn = []
qr.drawOnCanvas = (page, selector, token) => drawn.push({selector, token})
const saved = {...timing}

test.beforeEach(() => {
  drawn.length = 0
  Object.assign(timing, saved)
})
test.afterEach(closePages)

function qrAnswer(token, ttlMs) {
  return {status: 200, body: {qr_token: token,
    expires_at: new Date(Date.now() + (ttlMs || 60000)).toISOString()}}
}

test('a usable coupon shows its QR token drawn and its code', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/coupons/42', 200, fixtures.coupon())
  wx.route('POST', '/api/mp/coupons/42/qr', () => qrAnswer('cq1.42.1.aa.bb'))
  const page = openPage('coupon', {id: '42'})
  assert.equal(text(find(page, '#loading')), '加载中…')
  await waitFor(() => drawn.length === 1)
  assert.deepEqual(drawn[0], {selector: '#coupon-qr', token: 'cq1.42.1.aa.bb'})
  assert.ok(find(page, '#coupon-qr'))
  assert.equal(text(find(page, '#code')), '核销码：7K3M-Q9XD-2HRT-B6WN-P')
  assert.match(text(find(page, '#usable')), /二维码每分钟自动刷新/)
})

test('the QR is replaced before it expires', async () => {
  timing.qrRefreshLeadMs = 0
  timing.qrMinRefreshMs = 20
  let n = 0
  const wx = fakeWx().reply('GET', '/api/mp/coupons/42', 200, fixtures.coupon())
  wx.route('POST', '/api/mp/coupons/42/qr', () => qrAnswer(`cq1.42.${++n}.aa.bb`, 40))
  openPage('coupon', {id: '42'})
  await waitFor(() => drawn.length >= 2, 2000, 'a second QR')
  assert.deepEqual(drawn.slice(0, 2).map(d => d.token), ['cq1.42.1.aa.bb', 'cq1.42.2.aa.bb'])
  assert.ok(wx.calls('POST', '/api/mp/coupons/42/qr').length >= 2)
})

test('once staff redeem it the page shows 已核销 and the QR goes', async () => {
  timing.couponPollMs = 20
  const wx = fakeWx().reply('GET', '/api/mp/coupons/42', 200, fixtures.coupon())
  wx.route('POST', '/api/mp/coupons/42/qr', () => qrAnswer('cq1.42.1.aa.bb'))
  const page = openPage('coupon', {id: '42'})
  await waitFor(() => drawn.length === 1)
  // The counter redeems it.
  wx.reply('GET', '/api/mp/coupons/42', 200,
    fixtures.coupon({state: 'redeemed', redeemed_at: '2026-12-06T05:00:00Z'}))
  await waitFor(() => find(page, '#redeemed'), 2000, 'the redeemed state')
  assert.equal(text(find(page, '#redeemed')),
    '已核销核销时间 2026-12-06 13:00核销码：7K3M-Q9XD-2HRT-B6WN-P')
  assert.equal(find(page, '#coupon-qr'), undefined)
  assert.equal(page.instance.pollTimer, null)
  assert.equal(page.instance.qrTimer, null)
})

test('an expired coupon shows 已过期 and asks for no QR', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/coupons/42', 200, fixtures.coupon({state: 'expired'}))
  const page = openPage('coupon', {id: '42'})
  await waitFor(() => find(page, '#unusable'))
  assert.match(text(find(page, '#unusable')), /^已过期有效期至 2027-01-04 23:59/)
  assert.equal(wx.calls('POST', '/api/mp/coupons/42/qr').length, 0)
})

test('a QR refused as ALREADY_REDEEMED reloads the coupon into 已核销', async () => {
  let redeemed = false
  const wx = fakeWx().route('GET', '/api/mp/coupons/42', () => ({status: 200,
    body: redeemed ? fixtures.coupon({state: 'redeemed', redeemed_at: '2026-12-06T05:00:00Z'})
      : fixtures.coupon()}))
  wx.route('POST', '/api/mp/coupons/42/qr', () => {
    redeemed = true
    return {status: 409, body: {code: 'ALREADY_REDEEMED', message: 'redeemed'}}
  })
  const page = openPage('coupon', {id: '42'})
  await waitFor(() => find(page, '#redeemed'))
  assert.equal(drawn.length, 0)
})

test('a QR that cannot be fetched says so and can be fetched again', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/coupons/42', 200, fixtures.coupon())
  wx.reply('POST', '/api/mp/coupons/42/qr', 503, {code: 'UNAVAILABLE', message: 'x'})
  const page = openPage('coupon', {id: '42'})
  await waitFor(() => find(page, '#qr-error'))
  assert.match(text(find(page, '#qr-error')), /二维码加载失败：服务暂时不可用，请稍后再试/)
  assert.equal(text(find(page, '#code')), '核销码：7K3M-Q9XD-2HRT-B6WN-P')
  wx.route('POST', '/api/mp/coupons/42/qr', () => qrAnswer('cq1.42.9.aa.bb'))
  tap(page, '#qr-retry')
  await waitFor(() => drawn.length === 1)
  assert.equal(drawn[0].token, 'cq1.42.9.aa.bb')
})

test("another member's or an unknown coupon shows the error state", async () => {
  fakeWx().reply('GET', '/api/mp/coupons/99', 404, {code: 'COUPON_NOT_FOUND', message: 'x'})
  const page = openPage('coupon', {id: '99'})
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error-message')), '优惠券不存在')
})

test('hiding the page stops the QR refresh and the polling', async () => {
  timing.couponPollMs = 20
  const wx = fakeWx().reply('GET', '/api/mp/coupons/42', 200, fixtures.coupon())
  wx.route('POST', '/api/mp/coupons/42/qr', () => qrAnswer('cq1.42.1.aa.bb'))
  const page = openPage('coupon', {id: '42'})
  await waitFor(() => page.instance.pollTimer)
  page.instance.onHide()
  assert.equal(page.instance.pollTimer, null)
  assert.equal(page.instance.qrTimer, null)
  page.instance.onShow()
  await waitFor(() => page.instance.pollTimer, 2000, 'polling again after onShow')
  assert.ok(wx.calls('POST', '/api/mp/coupons/42/qr').length >= 2)
})

test('a coupon held for an appointment shows 已预约占用 without a QR, and the way to it', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/coupons/42', 200,
    fixtures.coupon({reserved_for_appointment_id: 54}))
  const page = openPage('coupon', {id: '42'})
  await waitFor(() => find(page, '#held'))
  assert.equal(text(find(page, '#held')), '已预约占用该券已用于预约，到店服务时由门店核销，' +
    '不能在柜台直接使用；取消预约后可再次使用有效期至 2027-01-04 23:59查看我的预约')
  assert.equal(find(page, '#coupon-qr'), undefined)
  assert.equal(find(page, '#code'), undefined)
  assert.equal(wx.calls('POST', '/api/mp/coupons/42/qr').length, 0)
  tap(page, '#go-appointments')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, ['/pages/appointments/index'])
})

test('the appointment cancelled, the coupon is usable again with its QR', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/coupons/42', 200,
    fixtures.coupon({reserved_for_appointment_id: 54}))
  wx.route('POST', '/api/mp/coupons/42/qr', () => qrAnswer('cq1.42.1.aa.bb'))
  const page = openPage('coupon', {id: '42'})
  await waitFor(() => find(page, '#held'))
  page.instance.onHide()
  wx.reply('GET', '/api/mp/coupons/42', 200, fixtures.coupon())
  page.instance.onShow()
  await waitFor(() => drawn.length === 1, 2000, 'the QR')
  assert.ok(find(page, '#usable'))
  assert.equal(find(page, '#held'), undefined)
})

test('a QR refused as COUPON_RESERVED (booked meanwhile) reloads it as held', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/coupons/42', 200, fixtures.coupon())
  wx.route('POST', '/api/mp/coupons/42/qr', () => {
    wx.reply('GET', '/api/mp/coupons/42', 200, fixtures.coupon({reserved_for_appointment_id: 54}))
    return {status: 409, body: {code: 'COUPON_RESERVED', message: 'held'}}
  })
  const page = openPage('coupon', {id: '42'})
  await waitFor(() => find(page, '#held'), 2000, 'the held state')
  assert.equal(find(page, '#qr-error'), undefined)
  assert.equal(drawn.length, 0)
})

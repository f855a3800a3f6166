// 优惠券 (pages/coupons): the member's coupons by state, with empty and error states.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const fixtures = require('./support/fixtures')

const ISSUED = '/api/mp/coupons?state=issued&page=1&page_size=20'
const REDEEMED = '/api/mp/coupons?state=redeemed&page=1&page_size=20'

test.afterEach(closePages)

function list(items, total) {
  return {items, page: 1, page_size: 20, total: total == null ? items.length : total}
}

test('the 可使用 tab lists the usable coupons and opens one', async () => {
  const wx = fakeWx().reply('GET', ISSUED, 200, list([fixtures.coupon()]))
  const page = openPage('coupons')
  assert.equal(text(find(page, '#loading')), '加载中…')
  await waitFor(() => find(page, '#list'))
  assert.equal(text(find(page, '#coupon-42')), '¥50满300减50满300元可用有效期至 2027-01-04 23:59可使用')
  tap(page, '#coupon-42')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, ['/pages/coupon/index?id=42'])
})

test('the 已使用 tab asks for redeemed coupons and shows its empty state', async () => {
  const wx = fakeWx().reply('GET', ISSUED, 200, list([fixtures.coupon()]))
  wx.reply('GET', REDEEMED, 200, list([]))
  const page = openPage('coupons')
  await waitFor(() => find(page, '#list'))
  tap(page, '#tab-redeemed')
  await waitFor(() => find(page, '#empty'))
  assert.match(text(find(page, '#empty')), /暂无已使用的优惠券/)
  assert.equal(wx.calls('GET', REDEEMED).length, 1)
})

test('a redeemed coupon shows when it was redeemed', async () => {
  const wx = fakeWx().reply('GET', ISSUED, 200, list([]))
  wx.reply('GET', REDEEMED, 200, list([fixtures.coupon({state: 'redeemed',
    redeemed_at: '2026-12-06T05:00:00Z'})]))
  const page = openPage('coupons')
  await waitFor(() => find(page, '#empty'))
  assert.match(text(find(page, '#empty')), /暂无可使用的优惠券/)
  tap(page, '#tab-redeemed')
  await waitFor(() => find(page, '#list'))
  assert.match(text(find(page, '#coupon-42')), /已于 2026-12-06 13:00 核销/)
})

test('a failed list shows the error and a retry', async () => {
  const wx = fakeWx().route('GET', ISSUED, () => ({networkError: true}))
  const page = openPage('coupons')
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error-message')), '网络异常，请检查网络后重试')
  wx.reply('GET', ISSUED, 200, list([fixtures.coupon()]))
  tap(page, '#retry')
  await waitFor(() => find(page, '#list'))
})

test('scrolling to the bottom loads the next page', async () => {
  const wx = fakeWx().reply('GET', ISSUED, 200, list([fixtures.coupon()], 2))
  wx.reply('GET', '/api/mp/coupons?state=issued&page=2&page_size=20', 200,
    {items: [fixtures.coupon({id: 43})], page: 2, page_size: 20, total: 2})
  const page = openPage('coupons')
  await waitFor(() => find(page, '#list'))
  page.instance.onReachBottom()
  await waitFor(() => find(page, '#coupon-43'))
  assert.match(text(find(page, '#list')), /没有更多了/)
})

test('a coupon held for an appointment reads 已预约占用, not usable at the counter', async () => {
  const wx = fakeWx().reply('GET', ISSUED, 200, list([
    fixtures.coupon({id: 43, reserved_for_appointment_id: 54}), fixtures.coupon()]))
  const page = openPage('coupons')
  await waitFor(() => find(page, '#list'))
  assert.equal(text(find(page, '#coupon-43')),
    '¥50满300减50满300元可用有效期至 2027-01-04 23:59已用于预约，到店服务时由门店核销已预约占用')
  assert.equal(text(find(page, '#coupon-state-42')), '可使用')
  // Its value is greyed like a used one; the free one's is not.
  assert.match(find(page, '#coupon-43 .coupon-value').dom.className, /used/)
  assert.doesNotMatch(find(page, '#coupon-42 .coupon-value').dom.className, /used/)
  tap(page, '#coupon-43')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, ['/pages/coupon/index?id=43'])
})

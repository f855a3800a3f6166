// 订单详情 (pages/order): one order; right after a payment it asks again while the order is
// pending (WeChat's notification may come after wx.requestPayment returns), stops when the page
// goes, and once paid lists the coupons granted, each opening its coupon page.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const fixtures = require('./support/fixtures')
const timing = require('../utils/timing')

const ORDER = '/api/mp/orders/21'
const saved = {...timing}

test.beforeEach(() => Object.assign(timing, saved))
test.afterEach(closePages)

const PAID = {state: 'paid', paid_at: '2026-12-06T04:30:05Z', coupons: [
  fixtures.coupon({id: 51, code: 'AAAA-BBBB-CCCC-DDDD-1', channel: 'grant', stock_id: 9,
    stock: undefined}),
  fixtures.coupon({id: 52, code: 'AAAA-BBBB-CCCC-DDDD-2', channel: 'grant', stock_id: 9,
    state: 'redeemed', redeemed_at: '2026-12-07T02:00:00Z', stock: undefined}),
]}

test('a paid order shows its facts and the coupons it granted, each opening its coupon', async () => {
  const wx = fakeWx().reply('GET', ORDER, 200, fixtures.order(PAID))
  const page = openPage('order', {id: '21'})
  assert.equal(text(find(page, '#loading')), '加载中…')
  await waitFor(() => find(page, '#detail'))
  assert.equal(text(find(page, '.head')), '已支付洗车年卡¥199.00')
  assert.equal(text(find(page, '#facts')),
    '订单号PKG21X7Q2M下单时间2026-12-06 12:30支付时间2026-12-06 12:30')
  assert.equal(text(find(page, '#coupons .coupons-title')), '已发放的优惠券（2 张）')
  assert.equal(text(find(page, '#coupon-51')),
    '券优惠券核销码：AAAA-BBBB-CCCC-DDDD-1有效期至 2027-01-04 23:59可使用 ›')
  assert.match(text(find(page, '#coupon-52')), /已核销 ›$/)
  tap(page, '#coupon-51')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, ['/pages/coupon/index?id=51'])
  assert.equal(wx.calls('GET', ORDER).length, 1)
})

test('coupons sent with their stock show its value and name', async () => {
  fakeWx().reply('GET', ORDER, 200, fixtures.order({state: 'paid',
    paid_at: '2026-12-06T04:30:05Z', coupons: [fixtures.coupon({id: 51})]}))
  const page = openPage('order', {id: '21'})
  await waitFor(() => find(page, '#coupon-51'))
  assert.match(text(find(page, '#coupon-51')), /^¥50满300减50核销码：7K3M-Q9XD-2HRT-B6WN-P/)
})

test('right after a payment a pending order is asked again until it is paid', async () => {
  timing.orderPollMs = 20
  let looks = 0
  const wx = fakeWx().route('GET', ORDER, () => {
    looks += 1
    return {status: 200, body: fixtures.order(looks >= 3 ? PAID : {})}
  })
  const page = openPage('order', {id: '21', paid: '1'})
  await waitFor(() => find(page, '#confirming'))
  assert.equal(text(find(page, '#state')), '待支付')
  assert.equal(text(find(page, '#confirming')), '正在确认支付结果…')
  await waitFor(() => find(page, '#coupons'), 2000, 'the paid order')
  assert.equal(text(find(page, '#state')), '已支付')
  assert.equal(find(page, '#confirming'), undefined)
  assert.equal(page.instance.pollTimer, null)
  assert.equal(wx.calls('GET', ORDER).length, 3)
})

test('it stops asking after a while and says the result has not come yet', async () => {
  timing.orderPollMs = 10
  timing.orderPollForMs = 80
  const wx = fakeWx().reply('GET', ORDER, 200, fixtures.order())
  const page = openPage('order', {id: '21', paid: '1'})
  await waitFor(() => find(page, '#confirm-late'), 2000, 'the late notice')
  assert.equal(text(find(page, '#confirm-late')), '暂未收到支付结果，请稍后下拉刷新查看')
  assert.equal(page.instance.pollTimer, null)
  const looks = wx.calls('GET', ORDER).length
  assert.ok(looks >= 2, `${looks} looks`)
  // Pulling down asks once more.
  wx.reply('GET', ORDER, 200, fixtures.order(PAID))
  page.instance.onPullDownRefresh()
  await waitFor(() => find(page, '#coupons'))
})

test('closing the page stops the asking, also with a look in flight', async () => {
  timing.orderPollMs = 20
  const held = []
  const wx = fakeWx().route('GET', ORDER, () => (held.length || wx.calls('GET', ORDER).length < 2
    ? {status: 200, body: fixtures.order()}
    : new Promise(r => held.push(r))))
  const page = openPage('order', {id: '21', paid: '1'})
  const looks = []
  const poll = page.instance.poll
  page.instance.poll = function () {
    const p = poll.call(this)
    looks.push(p)
    return p
  }
  await waitFor(() => held.length === 1, 2000, 'a look in flight')
  page.instance.onUnload()
  assert.equal(page.instance.pollTimer, null)
  // Its answer comes after the page went: it is neither shown nor followed by another look.
  held[0]({status: 200, body: fixtures.order(PAID)})
  await looks[looks.length - 1]
  assert.equal(page.instance.pollTimer, null)
  assert.equal(find(page, '#coupons'), undefined)
  assert.equal(wx.calls('GET', ORDER).length, 2)
})

test('hiding the page stops the asking; showing it again looks once and resumes', async () => {
  timing.orderPollMs = 20
  const wx = fakeWx().reply('GET', ORDER, 200, fixtures.order())
  const page = openPage('order', {id: '21', paid: '1'})
  await waitFor(() => page.instance.pollTimer, 2000, 'polling')
  page.instance.onHide()
  assert.equal(page.instance.pollTimer, null)
  wx.reply('GET', ORDER, 200, fixtures.order(PAID))
  page.instance.onShow()
  await waitFor(() => find(page, '#coupons'), 2000, 'the paid order after onShow')
})

test('an order opened from the list is not asked again and says it is unpaid', async () => {
  timing.orderPollMs = 10
  const wx = fakeWx().reply('GET', ORDER, 200, fixtures.order())
  const page = openPage('order', {id: '21'})
  await waitFor(() => find(page, '#unpaid'))
  assert.equal(text(find(page, '#unpaid')), '订单尚未支付')
  assert.equal(page.instance.pollTimer, null)
  assert.equal(find(page, '#coupons'), undefined)
  assert.equal(wx.calls('GET', ORDER).length, 1)
})

test('a paid order whose coupons could not be granted says the brand refunds it', async () => {
  fakeWx().reply('GET', ORDER, 200, fixtures.order({state: 'grant_failed',
    paid_at: '2026-12-06T04:30:05Z'}))
  const page = openPage('order', {id: '21', paid: '1'})
  await waitFor(() => find(page, '#grant-failed'))
  assert.equal(text(find(page, '#state')), '发放失败')
  assert.equal(text(find(page, '#grant-failed')), '支付成功，但套餐内的优惠券发放失败，商家将为您退款')
  assert.equal(find(page, '#coupons'), undefined)
  assert.equal(page.instance.pollTimer, null)
})

test("another member's or an unknown order shows the error, and retry works", async () => {
  const wx = fakeWx().reply('GET', '/api/mp/orders/99', 404, {code: 'ORDER_NOT_FOUND', message: 'x'})
  const page = openPage('order', {id: '99'})
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error')), '订单加载失败订单不存在重试')
  wx.reply('GET', '/api/mp/orders/99', 200, fixtures.order({id: 99}))
  tap(page, '#retry')
  await waitFor(() => find(page, '#detail'))
})

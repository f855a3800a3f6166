// 我的订单 (pages/orders): the member's orders, newest first, with infinite scroll.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const fixtures = require('./support/fixtures')

const PAGE1 = '/api/mp/orders?page=1&page_size=20'
const PAGE2 = '/api/mp/orders?page=2&page_size=20'

test.afterEach(closePages)

test('shows a loading state, then each order with its state in Chinese, amount and time', async () => {
  let answer
  fakeWx().route('GET', PAGE1, () => new Promise(r => { answer = r }))
  const page = openPage('orders')
  await waitFor(() => answer, 2000, 'the orders request')
  assert.equal(text(find(page, '#loading')), '加载中…')
  answer({status: 200, body: {items: [
    fixtures.order({id: 23, state: 'grant_failed', paid_at: '2026-12-06T06:00:01Z',
      created_at: '2026-12-06T06:00:00Z'}),
    fixtures.order({id: 22, state: 'paid', package_name: '保养套餐', amount_fen: 128050,
      paid_at: '2026-12-05T16:10:00Z', created_at: '2026-12-05T16:09:00Z'}),
    fixtures.order({id: 21}),
  ], page: 1, page_size: 20, total: 3}})
  await waitFor(() => find(page, '#list'))
  assert.equal(text(find(page, '#order-23')), '洗车年卡2026-12-06 14:00¥199.00发放失败')
  assert.equal(text(find(page, '#order-22')), '保养套餐2026-12-06 00:09¥1280.50已支付')
  assert.equal(text(find(page, '#order-21')), '洗车年卡2026-12-06 12:30¥199.00待支付')
  assert.match(text(find(page, '#list')), /没有更多了$/)
})

test('tapping an order opens it', async () => {
  const wx = fakeWx().reply('GET', PAGE1, 200, {items: [fixtures.order()], page: 1, page_size: 20,
    total: 1})
  const page = openPage('orders')
  await waitFor(() => find(page, '#order-21'))
  tap(page, '#order-21')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, ['/pages/order/index?id=21'])
})

test('no orders shows the empty state with the way to the packages', async () => {
  const wx = fakeWx().reply('GET', PAGE1, 200, {items: [], page: 1, page_size: 20, total: 0})
  const page = openPage('orders')
  await waitFor(() => find(page, '#empty'))
  assert.equal(text(find(page, '#empty')), '暂无订单购买的套餐会出现在这里去看看套餐')
  tap(page, '#go-packages')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, ['/pages/packages/index'])
})

test('a failed load shows the error in Chinese and a retry that works', async () => {
  const wx = fakeWx().reply('GET', PAGE1, 503, {code: 'UNAVAILABLE', message: 'x'})
  const page = openPage('orders')
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error')), '订单加载失败服务暂时不可用，请稍后再试重试')
  wx.reply('GET', PAGE1, 200, {items: [fixtures.order()], page: 1, page_size: 20, total: 1})
  tap(page, '#retry')
  await waitFor(() => find(page, '#order-21'))
})

test('coming back to the list shows an order paid meanwhile', async () => {
  const wx = fakeWx().reply('GET', PAGE1, 200, {items: [fixtures.order()], page: 1, page_size: 20,
    total: 1})
  const page = openPage('orders')
  await waitFor(() => find(page, '#order-21'))
  assert.match(text(find(page, '#order-21')), /待支付$/)
  wx.reply('GET', PAGE1, 200, {items: [fixtures.order({state: 'paid',
    paid_at: '2026-12-06T04:30:05Z'})], page: 1, page_size: 20, total: 1})
  page.instance.onShow()
  await waitFor(() => /已支付$/.test(text(find(page, '#order-21'))), 2000, 'the paid state')
})

test('reaching the bottom loads the next page once, without repeating an order', async () => {
  const first = Array.from({length: 20}, (_, i) => fixtures.order({id: 100 - i}))
  const wx = fakeWx().reply('GET', PAGE1, 200, {items: first, page: 1, page_size: 20, total: 22})
  // An order was placed meanwhile: page 2 starts with the last order of page 1.
  wx.reply('GET', PAGE2, 200, {items: [fixtures.order({id: 81}), fixtures.order({id: 80}),
    fixtures.order({id: 79, state: 'paid'})], page: 2, page_size: 20, total: 23})
  const page = openPage('orders')
  await waitFor(() => find(page, '#list'))
  assert.doesNotMatch(text(find(page, '#list')), /没有更多了/)
  page.instance.onReachBottom()
  page.instance.onReachBottom()
  await waitFor(() => find(page, '#order-79'))
  assert.equal(wx.calls('GET', PAGE2).length, 1)
  assert.equal(page.querySelectorAll('.order').length, 22)
  assert.match(text(find(page, '#order-79')), /已支付$/)
})

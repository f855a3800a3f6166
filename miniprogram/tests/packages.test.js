// 套餐 (pages/packages): the packages on sale, and buying one: the order, WeChat's cashier given
// exactly the server's payment fields, the order page once paid, a cancelled cashier, and each
// refusal in Chinese.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const fixtures = require('./support/fixtures')

test.afterEach(closePages)

test('shows a loading state, then each package with its price, contents, validity and store', async () => {
  let answer
  fakeWx().route('GET', '/api/mp/packages', () => new Promise(r => { answer = r }))
  const page = openPage('packages')
  await waitFor(() => answer, 2000, 'the packages request')
  assert.equal(text(find(page, '#loading')), '加载中…')
  answer({status: 200, body: {items: [fixtures.pkg(),
    fixtures.pkg({id: 4, name: '单次精洗', description: '', price_fen: 5, store: {id: 8, name: '徐汇店'},
      items: [{stock_id: 9, quantity: 1, stock: fixtures.STOCK_WASH}]})]}})
  await waitFor(() => find(page, '#list'))
  assert.equal(text(find(page, '#package-3')), '洗车年卡¥199.00全年洗车无忧' +
    '洗车一次 ×10领取后90天内有效满300减50 ×1领取后30天内有效门店：人民广场店购买')
  assert.equal(text(find(page, '#price-4')), '¥0.05')
  assert.equal(text(find(page, '#package-4')), '单次精洗¥0.05洗车一次 ×1领取后90天内有效门店：徐汇店购买')
})

test('a fixed validity window is shown as its Beijing dates', async () => {
  const windowed = Object.assign({}, fixtures.STOCK_WASH, {valid_days: 0,
    valid_from: '2026-12-31T16:00:00Z', valid_until: '2027-06-30T15:59:59Z'})
  fakeWx().reply('GET', '/api/mp/packages', 200, {items: [fixtures.pkg({
    items: [{stock_id: 9, quantity: 2, stock: windowed}]})]})
  const page = openPage('packages')
  await waitFor(() => find(page, '#list'))
  assert.equal(text(find(page, '#items-3')), '洗车一次 ×22027-01-01 至 2027-06-30')
})

test('nothing on sale shows the empty state, with the way to the orders', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/packages', 200, {items: []})
  const page = openPage('packages')
  await waitFor(() => find(page, '#empty'))
  assert.equal(text(find(page, '#empty')), '暂无在售套餐新套餐上架后会出现在这里查看我的订单')
  tap(page, '#empty .btn')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, ['/pages/orders/index'])
})

test('a failed list shows the error in Chinese and a retry that works', async () => {
  const wx = fakeWx().route('GET', '/api/mp/packages', () => ({networkError: true}))
  const page = openPage('packages')
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error')), '套餐加载失败网络异常，请检查网络后重试重试')
  wx.reply('GET', '/api/mp/packages', 200, {items: [fixtures.pkg()]})
  tap(page, '#retry')
  await waitFor(() => find(page, '#package-3'))
})

test('购买 orders the package, pays with exactly the server\'s payment fields, opens the order', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/packages', 200, {items: [fixtures.pkg()]})
  wx.reply('POST', '/api/mp/orders', 201, fixtures.orderCreated())
  const page = openPage('packages')
  await waitFor(() => find(page, '#list'))
  tap(page, '#buy-3')
  await waitFor(() => wx.navigations.length, 2000, 'the order page')
  const orders = wx.calls('POST', '/api/mp/orders')
  assert.equal(orders.length, 1)
  assert.deepEqual(orders[0].data, {package_id: 3})
  assert.equal(orders[0].token, 'mmt1.token-1')
  assert.deepEqual(wx.payments, [{timeStamp: '1796531400', nonceStr: '5K8264ILTKCH16CQ',
    package: 'prepay_id=wx06123000abc', signType: 'RSA', paySign: 'c2lnbmF0dXJl'}])
  assert.deepEqual(wx.navigations, ['/pages/order/index?id=21&paid=1'])
  assert.deepEqual(wx.toasts, [])
  assert.equal(text(find(page, '#buy-3')), '购买')
})

test('a second tap while the order is being made buys nothing twice', async () => {
  let answer
  const wx = fakeWx().reply('GET', '/api/mp/packages', 200, {items: [fixtures.pkg()]})
  wx.route('POST', '/api/mp/orders', () => new Promise(r => { answer = r }))
  const page = openPage('packages')
  await waitFor(() => find(page, '#list'))
  tap(page, '#buy-3')
  await waitFor(() => answer, 2000, 'the order request')
  assert.equal(text(find(page, '#buy-3')), '购买中…')
  tap(page, '#buy-3')
  answer({status: 201, body: fixtures.orderCreated()})
  await waitFor(() => wx.navigations.length)
  assert.equal(wx.calls('POST', '/api/mp/orders').length, 1)
  assert.equal(wx.payments.length, 1)
})

test('closing the cashier stays on the page with a gentle toast', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/packages', 200, {items: [fixtures.pkg()]})
  wx.reply('POST', '/api/mp/orders', 201, fixtures.orderCreated())
  wx.paymentOutcome = {ok: false, errMsg: 'requestPayment:fail cancel'}
  const page = openPage('packages')
  await waitFor(() => find(page, '#list'))
  tap(page, '#buy-3')
  await waitFor(() => wx.toasts.length, 2000, 'the toast')
  assert.deepEqual(wx.toasts, [{title: '已取消支付', icon: 'none'}])
  assert.equal(wx.payments.length, 1)
  assert.deepEqual(wx.navigations, [])
  assert.equal(find(page, '#notice-3'), undefined)
  assert.equal(text(find(page, '#buy-3')), '购买')
})

test('a cashier that fails otherwise says the payment did not go through', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/packages', 200, {items: [fixtures.pkg()]})
  wx.reply('POST', '/api/mp/orders', 201, fixtures.orderCreated())
  wx.paymentOutcome = {ok: false, errMsg: 'requestPayment:fail system error'}
  const page = openPage('packages')
  await waitFor(() => find(page, '#list'))
  tap(page, '#buy-3')
  await waitFor(() => find(page, '#notice-3'))
  assert.equal(text(find(page, '#notice-3')), '支付未完成，请稍后重试')
  assert.deepEqual(wx.toasts, [{title: '支付未完成，请稍后重试', icon: 'none'}])
  assert.deepEqual(wx.navigations, [])
})

const REFUSALS = [
  [400, 'UNKNOWN_PACKAGE', '该套餐已下架'],
  [409, 'LIMIT_REACHED', '您已达到该套餐的购买上限'],
  [409, 'SOLD_OUT', '该套餐已售罄'],
  [503, 'PAYMENT_UNAVAILABLE', '该门店暂不支持在线购买'],
  [503, 'WECHAT_UNAVAILABLE', '微信服务暂时不可用，请稍后再试'],
]
for (const [status, code, message] of REFUSALS) {
  test(`a ${code} refusal is shown in Chinese under the package, and no cashier opens`, async () => {
    const wx = fakeWx().reply('GET', '/api/mp/packages', 200, {items: [fixtures.pkg()]})
    wx.reply('POST', '/api/mp/orders', status, {code, message: 'english text'})
    const page = openPage('packages')
    await waitFor(() => find(page, '#list'))
    tap(page, '#buy-3')
    await waitFor(() => find(page, '#notice-3'))
    assert.equal(text(find(page, '#notice-3')), message)
    assert.deepEqual(wx.toasts, [{title: message, icon: 'none'}])
    assert.deepEqual(wx.payments, [])
    assert.deepEqual(wx.navigations, [])
    assert.equal(text(find(page, '#buy-3')), '购买')
  })
}

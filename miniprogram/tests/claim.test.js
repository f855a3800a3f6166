// 领券中心 (pages/claim): the claimable stocks, a claim, and each refusal in Chinese.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const fixtures = require('./support/fixtures')

test.afterEach(closePages)

test('lists the stocks the member may claim', async () => {
  fakeWx().reply('GET', '/api/mp/stocks', 200, {items: [fixtures.stockListItem({claimed: 1})]})
  const page = openPage('claim')
  assert.equal(text(find(page, '#loading')), '加载中…')
  await waitFor(() => find(page, '#list'))
  assert.equal(text(find(page, '#stock-7')),
    '¥50满300减50满300元可用领取后30天内有效保养专享已领 1/2 张 · 剩余 48 张立即领取')
})

test('nothing to claim shows the empty state', async () => {
  fakeWx().reply('GET', '/api/mp/stocks', 200, {items: []})
  const page = openPage('claim')
  await waitFor(() => find(page, '#empty'))
  assert.match(text(find(page, '#empty')), /暂时没有可领取的优惠券/)
})

test('a failed list shows the error and retries', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/stocks', 503, {code: 'UNAVAILABLE', message: 'x'})
  const page = openPage('claim')
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error-message')), '服务暂时不可用，请稍后再试')
  wx.reply('GET', '/api/mp/stocks', 200, {items: [fixtures.stockListItem()]})
  tap(page, '#retry')
  await waitFor(() => find(page, '#list'))
})

test('a claim (201) says so and reloads the list', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/stocks', 200, {items: [fixtures.stockListItem()]})
  wx.route('POST', '/api/mp/stocks/7/claim', () => {
    // At the limit now: the stock leaves the list.
    wx.reply('GET', '/api/mp/stocks', 200, {items: []})
    return {status: 201, body: fixtures.coupon()}
  })
  const page = openPage('claim')
  await waitFor(() => find(page, '#list'))
  tap(page, '#claim-7')
  await waitFor(() => find(page, '#empty'))
  assert.deepEqual(wx.toasts, [{title: '领取成功', icon: 'success'}])
  assert.equal(wx.calls('POST', '/api/mp/stocks/7/claim').length, 1)
})

const REFUSALS = {
  SOLD_OUT: '来晚了，优惠券已抢光',
  LIMIT_REACHED: '您已达到该券的领取上限',
  NOT_ELIGIBLE: '您暂不符合领取条件',
  NOT_ACTIVE: '活动未开始或已结束',
}
for (const [code, message] of Object.entries(REFUSALS)) {
  test(`a ${code} refusal is shown in Chinese under the stock`, async () => {
    const wx = fakeWx().reply('GET', '/api/mp/stocks', 200, {items: [fixtures.stockListItem()]})
    wx.reply('POST', '/api/mp/stocks/7/claim', 409, {code, message: 'english text'})
    const page = openPage('claim')
    await waitFor(() => find(page, '#list'))
    tap(page, '#claim-7')
    await waitFor(() => find(page, '#notice-7'))
    assert.equal(text(find(page, '#notice-7')), message)
    assert.deepEqual(wx.toasts, [{title: message, icon: 'none'}])
    assert.match(text(find(page, '#claim-7')), /立即领取/)
  })
}

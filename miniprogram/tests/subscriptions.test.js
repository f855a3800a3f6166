// 消息订阅 (pages/subscriptions): loading, error and empty states; each template's title, 营销类
// and the marketing consent it needs (a way to 个人信息), 还可接收 N 次; 订阅一次 from the tap
// (accepted: the count goes up; rejected; WeChat's main switch off).
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const fixtures = require('./support/fixtures')

// The brand's templates, 预约到店提醒 granted twice already; POST adds one per accept.
function brand(consent) {
  const items = fixtures.subscriptionTemplates()
  items[0].remaining = 2
  return fakeWx()
    .route('GET', '/api/mp/subscriptions', () => ({status: 200, body: {items}}))
    .route('POST', '/api/mp/subscriptions', req => {
      for (const t of items) if (req.data[t.template_id] === 'accept') t.remaining += 1
      return {status: 200, body: {items}}
    })
    .reply('GET', '/api/mp/profile', 200, fixtures.profile({consents: {
      marketing: {granted: consent, text_version: '2026-01', at: '2026-12-06T05:00:00Z'}}}))
}

test.afterEach(closePages)

test('lists the templates with their counts; a marketing one without consent links to 个人信息', async () => {
  let release
  const wx = brand(false)
  const listed = wx.routes.find(r => r.path === '/api/mp/subscriptions' && r.method === 'GET').handler
  wx.route('GET', '/api/mp/subscriptions', req => new Promise(r => { release = () => r(listed(req)) }))
  const page = openPage('subscriptions')
  await waitFor(() => release, 2000, 'the templates request')
  assert.equal(text(find(page, '#loading')), '加载中…')
  release()
  await waitFor(() => find(page, '#list'))

  assert.equal(text(find(page, '#template-Tpl_reminder-1')), '预约到店提醒还可接收 2 次订阅一次')
  assert.equal(text(find(page, '#template-Tpl_due-5')), '保养到期提醒还可接收 0 次订阅一次')
  assert.equal(text(find(page, '#template-Tpl_coupon-6')),
    '优惠券到账提醒营销类还可接收 0 次需先在个人信息中同意接收营销消息，才会收到此类消息 ›订阅一次')
  assert.equal(find(page, '#marketing-Tpl_due-5'), undefined)
  assert.equal(page.data.items.length, 6)
  tap(page, '#consent-Tpl_coupon-6')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, ['/pages/profile/index'])
})

test('with the marketing consent no link; without a marketing template the profile is not read', async () => {
  brand(true)
  let page = openPage('subscriptions')
  await waitFor(() => find(page, '#list'))
  assert.equal(text(find(page, '#template-Tpl_coupon-6')), '优惠券到账提醒营销类还可接收 0 次订阅一次')
  closePages()

  const wx = fakeWx().reply('GET', '/api/mp/subscriptions', 200,
    {items: [fixtures.subscriptionTemplate()]})
  page = openPage('subscriptions')
  await waitFor(() => find(page, '#list'))
  assert.equal(wx.calls('GET', '/api/mp/profile').length, 0)
})

test('订阅一次 asks WeChat for that template at once; accepted, the count goes up', async () => {
  const wx = brand(true)
  const page = openPage('subscriptions')
  await waitFor(() => find(page, '#list'))
  const done = page.instance.subscribeOnce({currentTarget: {dataset: {id: 'Tpl_due-5'}}})
  assert.deepEqual(wx.subscribeRequests, [['Tpl_due-5']])
  await done
  assert.deepEqual(wx.calls('POST', '/api/mp/subscriptions').map(r => r.data),
    [{errMsg: 'requestSubscribeMessage:ok', 'Tpl_due-5': 'accept'}])
  assert.equal(text(find(page, '#remaining-Tpl_due-5')), '还可接收 1 次')
  assert.deepEqual(wx.toasts, [{title: '订阅成功', icon: 'success'}])

  // By tap too.
  tap(page, '#subscribe-Tpl_reminder-1')
  await waitFor(() => text(find(page, '#remaining-Tpl_reminder-1')) === '还可接收 3 次')
})

test('rejected: posted, the count stays, 未订阅', async () => {
  const wx = brand(true)
  wx.subscribeAnswer = ids => ({answer: {errMsg: 'requestSubscribeMessage:ok', [ids[0]]: 'reject'}})
  const page = openPage('subscriptions')
  await waitFor(() => find(page, '#list'))
  await page.instance.subscribeOnce({currentTarget: {dataset: {id: 'Tpl_reminder-1'}}})
  assert.equal(wx.calls('POST', '/api/mp/subscriptions').length, 1)
  assert.equal(text(find(page, '#remaining-Tpl_reminder-1')), '还可接收 2 次')
  assert.deepEqual(wx.toasts, [{title: '未订阅', icon: 'none'}])
})

test('WeChat\'s main switch off: the page says where to turn it on, nothing posted', async () => {
  const wx = brand(true)
  wx.subscribeAnswer = () => ({fail: {errCode: 20004, errMsg: 'requestSubscribeMessage:fail'}})
  const page = openPage('subscriptions')
  await waitFor(() => find(page, '#list'))
  await page.instance.subscribeOnce({currentTarget: {dataset: {id: 'Tpl_reminder-1'}}})
  assert.equal(text(find(page, '#notice')), '您已关闭订阅消息，请在小程序右上角「…」-「设置」中开启')
  assert.equal(wx.calls('POST', '/api/mp/subscriptions').length, 0)
  assert.equal(text(find(page, '#remaining-Tpl_reminder-1')), '还可接收 2 次')
})

test('the answer not saved (network): the count stays and the member is told', async () => {
  const wx = brand(true).route('POST', '/api/mp/subscriptions', () => ({networkError: true}))
  const page = openPage('subscriptions')
  await waitFor(() => find(page, '#list'))
  await page.instance.subscribeOnce({currentTarget: {dataset: {id: 'Tpl_reminder-1'}}})
  assert.deepEqual(wx.toasts, [{title: '订阅未能保存，请稍后重试', icon: 'none'}])
  assert.equal(text(find(page, '#remaining-Tpl_reminder-1')), '还可接收 2 次')
})

test('no templates: the empty state', async () => {
  fakeWx().reply('GET', '/api/mp/subscriptions', 200, {items: []})
  const page = openPage('subscriptions')
  await waitFor(() => find(page, '#empty'))
  assert.equal(text(find(page, '#empty')), '暂无可订阅的消息')
})

test('a failed load (templates or consent) shows the error in Chinese and a retry that works', async () => {
  brand(true).route('GET', '/api/mp/subscriptions', () => ({networkError: true}))
  const page = openPage('subscriptions')
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error')), '消息订阅加载失败网络异常，请检查网络后重试重试')

  // The templates now, but not the consent.
  const good = brand(true)
  good.reply('GET', '/api/mp/profile', 503, {code: 'UNAVAILABLE', message: ''})
  tap(page, '#retry')
  await waitFor(() => good.calls('GET', '/api/mp/profile').length && find(page, '#error'))
  assert.equal(text(find(page, '#error-message')), '服务暂时不可用，请稍后再试')

  good.reply('GET', '/api/mp/profile', 200, fixtures.profile())
  tap(page, '#retry')
  await waitFor(() => find(page, '#list'))
  assert.equal(text(find(page, '#remaining-Tpl_reminder-1')), '还可接收 2 次')
  // Each 重试 read the templates again.
  assert.equal(good.calls('GET', '/api/mp/subscriptions').length, 2)
})

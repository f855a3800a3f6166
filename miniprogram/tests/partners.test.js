// 我的合作伙伴 (pages/partners): loading, each partner with its category, the points earned
// there and last use (Beijing time), the empty and error states, and unlinking after a confirmation.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const fixtures = require('./support/fixtures')

const LIST = '/api/mp/partners'

test.afterEach(closePages)

test('the list shows loading, then each partner with its category, points, last use and link date',
  async () => {
    let answer
    fakeWx().route('GET', LIST, () => new Promise(r => { answer = r }))
    const page = openPage('partners')
    await waitFor(() => answer, 2000, 'the partners request')
    assert.equal(text(find(page, '#loading')), '加载中…')
    answer({status: 200, body: {items: [
      fixtures.partner(),
      fixtures.partner({id: 4, name: '捷停车 国贸', category: 'parking',
        linked_at: '2026-12-01T16:30:00Z', last_seen_at: '2026-12-01T16:30:00Z',
        points_earned: 0}),
      fixtures.partner({id: 5, name: '京沪高速', category: 'toll'}),
      fixtures.partner({id: 6, name: '途虎洗车', category: 'carwash'}),
      fixtures.partner({id: 7, name: '某新类别', category: 'ev_charging'}),
    ]}})
    await waitFor(() => find(page, '#list'))
    assert.equal(text(find(page, '#note')),
      '合作伙伴只能看到您在该处的专属匿名编号，看不到您的会员号、手机号或车牌。')
    // 04:30Z is 12:30 in Beijing; 16:30Z on Dec 1 is already Dec 2 there.
    assert.equal(text(find(page, '#partner-3')),
      '油中石化京通加油站加油已获积分 1260最近使用 2026-12-06 12:30关联于 2026-11-02解除关联')
    assert.equal(text(find(page, '#points-3')), '已获积分 1260')
    assert.equal(text(find(page, '#partner-4')),
      '停捷停车 国贸停车已获积分 0最近使用 2026-12-02 00:30关联于 2026-12-02解除关联')
    assert.match(text(find(page, '#partner-5')), /^高京沪高速高速/)
    assert.match(text(find(page, '#partner-6')), /^洗途虎洗车洗车/)
    // A category this version does not know shows as 其他.
    assert.match(text(find(page, '#partner-7')), /^其某新类别其他/)
  })

test('no partners shows the empty state', async () => {
  fakeWx().reply('GET', LIST, 200, {items: []})
  const page = openPage('partners')
  await waitFor(() => find(page, '#empty'))
  assert.equal(text(find(page, '#empty')),
    '还没有关联的合作伙伴在合作的加油站、停车场、洗车店出示会员码后，会在这里显示')
})

test('a failed list shows the error in Chinese and a retry that works', async () => {
  const wx = fakeWx().reply('GET', LIST, 503, {code: 'UNAVAILABLE', message: 'x'})
  const page = openPage('partners')
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error')), '合作伙伴加载失败服务暂时不可用，请稍后再试重试')
  wx.reply('GET', LIST, 200, {items: [fixtures.partner()]})
  tap(page, '#retry')
  await waitFor(() => find(page, '#partner-3'))
})

test('unlink asks first: cancelling sends nothing, confirming unlinks and reloads', async () => {
  const wx = fakeWx().reply('GET', LIST, 200, {items: [fixtures.partner()]})
  wx.route('DELETE', '/api/mp/partners/3', () => {
    wx.reply('GET', LIST, 200, {items: []})
    return {status: 204, body: ''}
  })
  const page = openPage('partners')
  await waitFor(() => find(page, '#partner-3'))

  wx.modalConfirms = false
  tap(page, '#unlink-3')
  await waitFor(() => wx.modals.length === 1 && wx.modals[0].answered)
  assert.equal(wx.modals[0].title, '解除关联')
  assert.equal(wx.modals[0].content, '确定与“中石化京通加油站”解除关联吗？解除后对方无法再用原会员标识识别您；' +
    '下次在该处出示会员码时将重新关联。')
  // The page acts in the modal's callback, so a DELETE would have been sent by now.
  assert.equal(wx.calls('DELETE', '/api/mp/partners/3').length, 0)
  assert.ok(find(page, '#partner-3'))

  wx.modalConfirms = true
  tap(page, '#unlink-3')
  await waitFor(() => find(page, '#empty'))
  assert.equal(wx.calls('DELETE', '/api/mp/partners/3').length, 1)
  assert.deepEqual(wx.toasts, [{title: '已解除关联', icon: 'success'}])
})

test('a partner already unlinked elsewhere says so and reloads the list', async () => {
  const wx = fakeWx().reply('GET', LIST, 200, {items: [fixtures.partner()]})
  wx.route('DELETE', '/api/mp/partners/3', () => {
    wx.reply('GET', LIST, 200, {items: []})
    return {status: 404, body: {code: 'PARTNER_NOT_FOUND', message: 'partner 3 not found'}}
  })
  const page = openPage('partners')
  await waitFor(() => find(page, '#partner-3'))
  tap(page, '#unlink-3')
  await waitFor(() => find(page, '#empty'))
  assert.deepEqual(wx.toasts, [{title: '该合作伙伴已解除关联', icon: 'none'}])
})

test('a refused unlink says why in Chinese and keeps the list', async () => {
  const wx = fakeWx().reply('GET', LIST, 200, {items: [fixtures.partner()]})
  wx.reply('DELETE', '/api/mp/partners/3', 429, {code: 'RATE_LIMITED', message: 'x'})
  const page = openPage('partners')
  await waitFor(() => find(page, '#partner-3'))
  tap(page, '#unlink-3')
  await waitFor(() => wx.toasts.length)
  assert.deepEqual(wx.toasts, [{title: '操作太频繁，请稍后再试', icon: 'none'}])
  assert.ok(find(page, '#partner-3'))
  assert.equal(wx.calls('GET', LIST).length, 1)
})

// 我的 (pages/me): the member, the entries of the member's pages, logout.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const {TOKEN_KEY} = require('../utils/request')

const ME = {member: {id: 1, number: '600123456786', tier: 'silver', status: 'active',
  enrolled_at: '2026-11-01T02:00:00Z'}, appid: 'wx8888888888888888',
expires_at: '2026-12-13T00:00:00Z'}

test.afterEach(closePages)

test('shows the member and opens each of their pages', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/me', 200, ME)
  const page = openPage('me')
  assert.equal(text(find(page, '#loading')), '加载中…')
  await waitFor(() => find(page, '#profile'))
  assert.equal(text(find(page, '#member-number')), '会员号 6001 2345 6786')
  assert.equal(text(find(page, '#tier')), '银卡会员')
  assert.equal(text(find(page, '.entries')),
    '积分明细›我的车辆›我的合作伙伴›套餐›我的订单›我的预约›保养提醒›服务评价›门店列表›个人信息›消息订阅›推荐有礼›隐私与数据›')
  for (const key of ['points', 'vehicles', 'partners', 'packages', 'orders', 'appointments',
    'reminders', 'feedback', 'stores', 'profile', 'subscriptions', 'referrals', 'privacy']) {
    tap(page, `#entry-${key}`)
  }
  await waitFor(() => wx.navigations.length === 13)
  assert.deepEqual(wx.navigations, ['/pages/points/index', '/pages/vehicles/index',
    '/pages/partners/index', '/pages/packages/index', '/pages/orders/index', '/pages/appointments/index',
    '/pages/reminders/index', '/pages/feedback/index', '/pages/stores/index',
    '/pages/profile/index', '/pages/subscriptions/index', '/pages/referrals/index',
    '/pages/privacy/index'])
})

test('logout ends the session, forgets the token and logs in again on demand', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/me', 200, ME).reply('POST', '/api/mp/logout', 204, '')
  const page = openPage('me')
  await waitFor(() => find(page, '#profile'))
  assert.equal(wx.storage.get(TOKEN_KEY), 'mmt1.token-1')
  tap(page, '#logout')
  await waitFor(() => find(page, '#logged-out'))
  assert.equal(wx.calls('POST', '/api/mp/logout')[0].token, 'mmt1.token-1')
  assert.equal(wx.storage.has(TOKEN_KEY), false)
  assert.match(text(find(page, '#logged-out')), /已退出登录/)
  tap(page, '#relogin')
  await waitFor(() => find(page, '#profile'))
  assert.equal(wx.logins, 2)
  assert.equal(wx.storage.get(TOKEN_KEY), 'mmt1.token-2')
})

test('a failed load shows the error in Chinese', async () => {
  fakeWx().reply('POST', '/api/mp/login', 403, {code: 'MEMBER_SUSPENDED', message: 'x'})
  const page = openPage('me')
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error-message')), '会员账户已停用，请联系门店')
})

// 推荐有礼 (pages/referrals): loading, error and the programme-off states; the rule in words,
// the code image downloaded with the session (and its own retry), the share card with the
// code's scene, the totals and each referral's state and reward; the empty list.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')

const RULE = {window_days: 30, min_amount_fen: 10000, referrer_points: 500, referee_points: 200,
  referrer_coupon: false, referee_coupon: true, monthly_cap: 5}
const TOTALS = {pending: 1, rewarded: 1, capped: 1, expired: 0, clawed_back: 1, points: 500,
  coupons: 0}
const ITEMS = [
  {id: 4, referee_phone: '139****0004', state: 'pending', reason: '',
    attached_at: '2026-12-01T02:00:00Z', expires_at: '2026-12-31T02:00:00Z', qualified_at: null,
    points: 0, coupon_id: null},
  {id: 3, referee_phone: null, state: 'capped', reason: '', attached_at: '2026-11-20T02:00:00Z',
    expires_at: '2026-12-20T02:00:00Z', qualified_at: '2026-11-21T02:00:00Z', points: 0,
    coupon_id: null},
  {id: 2, referee_phone: '138****8000', state: 'rewarded', reason: '',
    attached_at: '2026-11-10T02:00:00Z', expires_at: '2026-12-10T02:00:00Z',
    qualified_at: '2026-11-12T02:00:00Z', points: 500, coupon_id: null},
  {id: 1, referee_phone: '137****0001', state: 'clawed_back', reason: '',
    attached_at: '2026-11-01T02:00:00Z', expires_at: '2026-12-01T02:00:00Z',
    qualified_at: '2026-11-02T02:00:00Z', points: 500, coupon_id: null},
]
const CODE = {code: 'Ab3dE6gH9k', scene: 'r=Ab3dE6gH9k', page: 'pages/home/index',
  image_path: '/api/mp/referrals/code/image'}

function member(body) {
  return fakeWx()
    .reply('GET', '/api/mp/referrals?page=1&page_size=50', 200,
      body || {rule: RULE, totals: TOTALS, items: ITEMS, page: 1, page_size: 50, total: 4})
    .reply('GET', '/api/mp/referrals/code', 200, CODE)
}

test.afterEach(closePages)

test('the rule, the code image, the totals and each referral', async () => {
  let release
  const wx = member()
  wx.route('GET', '/api/mp/referrals?page=1&page_size=50', () => new Promise(r => { release = r }))
  const page = openPage('referrals')
  await waitFor(() => release, 2000, 'the referrals request')
  assert.equal(text(find(page, '#loading')), '加载中…')
  release({status: 200, body: {rule: RULE, totals: TOTALS, items: ITEMS, page: 1, page_size: 50,
    total: 4}})
  await waitFor(() => find(page, '#code-image'))

  assert.equal(text(find(page, '#rule')), '邀请好友，双方有礼好友扫码成为会员后30天内首次消费满¥100' +
    '您得：500积分好友得：200积分和优惠券每月最多奖励5位好友')
  // The image came with the session the API requests opened.
  assert.equal(wx.downloads.length, 1)
  assert.equal(wx.downloads[0].url, 'http://127.0.0.1:8080/api/mp/referrals/code/image')
  assert.equal(wx.downloads[0].token, 'mmt1.token-1')
  assert.deepEqual(page.data.image, {status: 'ready', path: 'wxfile://tmp/download.png'})
  assert.equal(text(find(page, '#totals')), '我的推荐1已奖励1待消费500获得积分')
  assert.equal(text(find(page, '#referral-4')), '139****0004待好友消费2026-12-01 受邀')
  assert.equal(text(find(page, '#referral-3')), '微信好友本月奖励已达上限2026-11-20 受邀')
  assert.equal(text(find(page, '#referral-2')), '138****8000已奖励2026-11-10 受邀+500积分')
  assert.equal(text(find(page, '#referral-1')), '137****0001好友退款，奖励已收回2026-11-01 受邀')
  assert.ok(!find(page, '#reward-1'))

  // The share card opens the home page with the code's scene, as the code image does.
  assert.deepEqual(page.instance.onShareAppMessage(), {
    title: '邀请您成为车主会员，首次消费双方有礼',
    path: '/pages/home/index?scene=r%3DAb3dE6gH9k',
  })
  assert.equal(text(find(page, '#share')), '分享给好友')
})

test('a code image that fails to download has its own retry', async () => {
  const wx = member()
  wx.downloadAnswer = () => ({fail: {errMsg: 'downloadFile:fail timeout'}})
  const page = openPage('referrals')
  await waitFor(() => find(page, '#code-error'))
  assert.equal(text(find(page, '#code-error')), '小程序码加载失败重试')
  assert.ok(find(page, '#list'))  // the rest stays
  wx.downloadAnswer = () => ({statusCode: 503, tempFilePath: 'wxfile://tmp/error.json'})
  tap(page, '#code-retry')
  await waitFor(() => wx.downloads.length === 2)
  await waitFor(() => find(page, '#code-error'))
  wx.downloadAnswer = () => ({statusCode: 200, tempFilePath: 'wxfile://tmp/second.png'})
  tap(page, '#code-retry')
  await waitFor(() => find(page, '#code-image'))
  assert.deepEqual(page.data.image, {status: 'ready', path: 'wxfile://tmp/second.png'})
})

test('no referrals yet: the empty list invites to share', async () => {
  member({rule: RULE, totals: {pending: 0, rewarded: 0, capped: 0, expired: 0, clawed_back: 0,
    points: 0, coupons: 0}, items: [], page: 1, page_size: 50, total: 0})
  const page = openPage('referrals')
  await waitFor(() => find(page, '#empty'))
  assert.equal(text(find(page, '#empty')), '还没有推荐记录，分享小程序码邀请好友吧')
})

test('the programme off with nothing to show, and an error with 重试', async () => {
  const wx = member({rule: null, totals: TOTALS, items: [], page: 1, page_size: 50, total: 0})
  let page = openPage('referrals')
  await waitFor(() => find(page, '#off'))
  assert.equal(text(find(page, '#off')), '推荐有礼活动暂未开启活动开启后，邀请好友成为会员即可获得奖励')
  assert.equal(wx.downloads.length, 0)  // no code to share
  closePages()

  wx.reply('GET', '/api/mp/referrals?page=1&page_size=50', 503,
    {code: 'UNAVAILABLE', message: 'down'})
  page = openPage('referrals')
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error')).startsWith('推荐有礼加载失败'), true)
  wx.reply('GET', '/api/mp/referrals?page=1&page_size=50', 200,
    {rule: RULE, totals: TOTALS, items: ITEMS, page: 1, page_size: 50, total: 4})
  tap(page, '#retry')
  await waitFor(() => find(page, '#page'))
  assert.ok(find(page, '#referral-2'))
})

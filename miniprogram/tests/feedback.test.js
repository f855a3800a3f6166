// 服务评价 (pages/feedback): loading, error and empty states; the visits of the last 7 days
// (store, kind, Beijing time, amount, rated or not); the 0-10 scale, a comment counted in
// characters, 提交评价 with exactly the body the API takes and the submitted state; refusals in
// Chinese, and the list read again when it is out of date.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap, type} = require('./support/harness')

function visit(overrides) {
  return Object.assign({kind: 'payment', id: 812, store: {id: 3, name: '朝阳店'},
    visited_at: '2026-12-01T02:03:04Z', amount_fen: 8800,
    rateable_until: '2026-12-08T02:03:04Z', rating: null}, overrides)
}

function answer() {
  return {items: [
    visit(),
    visit({kind: 'redemption', id: 57, store: {id: 4, name: '望京店'},
      visited_at: '2026-11-30T06:00:00Z', amount_fen: 32000,
      rateable_until: '2026-12-07T06:00:00Z',
      rating: {id: 9, kind: 'redemption', visit_id: 57, score: 9, comment: '很快',
        rated_at: '2026-11-30T08:00:00Z'}}),
  ]}
}

function member(body) {
  return fakeWx().reply('GET', '/api/mp/feedback/visits', 200, body || answer())
}

test.afterEach(closePages)

test('the visits of the last 7 days, rated or not', async () => {
  let release
  const wx = member()
  wx.route('GET', '/api/mp/feedback/visits', () => new Promise(r => { release = r }))
  const page = openPage('feedback')
  await waitFor(() => release, 2000, 'the visits request')
  assert.equal(text(find(page, '#loading')), '加载中…')
  release({status: 200, body: answer()})
  await waitFor(() => find(page, '#page'))
  assert.equal(text(find(page, '#visit-payment-812')),
    '朝阳店到店消费2026-12-01 10:03 · ¥882026-12-08 10:03 前可评价评价')
  assert.equal(text(find(page, '#visit-redemption-57')),
    '望京店到店核销2026-11-30 14:00 · ¥320已评价 9 分很快')
  assert.ok(!find(page, '#rate-redemption-57'))
})

test('a score and a Chinese comment are posted and the visit shows as rated', async () => {
  const wx = member().route('POST', '/api/mp/feedback/ratings', req => ({status: 201,
    body: {id: 10, kind: req.data.kind, visit_id: req.data.visit_id, score: req.data.score,
      comment: req.data.comment || '', rated_at: '2026-12-02T00:00:00Z'}}))
  const page = openPage('feedback')
  await waitFor(() => find(page, '#page'))
  tap(page, '#rate-payment-812')
  await waitFor(() => find(page, '#form-payment-812'))
  assert.equal(find(page, '#scale').dom.children.length, 11, 'the points 0 to 10')

  // 提交评价 before a score is picked asks for one and sends nothing.
  await page.instance.submit()
  assert.equal(text(find(page, '#form-error')), '请先选择分数')
  assert.equal(wx.calls('POST', '/api/mp/feedback/ratings').length, 0)

  tap(page, '#score-3')
  await waitFor(() => /chosen/.test(find(page, '#score-3').dom.className))
  type(page, '#comment', '  等了一个小时😞  ')
  await waitFor(() => text(find(page, '#count')) === '11/500')
  await page.instance.submit()
  assert.deepEqual(wx.calls('POST', '/api/mp/feedback/ratings').map(r => r.data),
    [{kind: 'payment', visit_id: 812, score: 3, comment: '等了一个小时😞'}])
  await waitFor(() => find(page, '#rated-payment-812'))
  assert.equal(text(find(page, '#rated-payment-812')), '已评价 3 分等了一个小时😞')
  assert.deepEqual(wx.toasts, [{title: '感谢您的评价', icon: 'success'}])
  assert.ok(!find(page, '#form-payment-812'))
})

test('score 0 is a score, and a comment left empty is not sent', async () => {
  const wx = member().reply('POST', '/api/mp/feedback/ratings', 201,
    {id: 11, kind: 'payment', visit_id: 812, score: 0, comment: '', rated_at: '2026-12-02T00:00:00Z'})
  const page = openPage('feedback')
  await waitFor(() => find(page, '#page'))
  tap(page, '#rate-payment-812')
  await waitFor(() => find(page, '#score-0'))
  tap(page, '#score-0')
  await waitFor(() => page.data.score === 0)
  await page.instance.submit()
  assert.deepEqual(wx.calls('POST', '/api/mp/feedback/ratings').map(r => r.data),
    [{kind: 'payment', visit_id: 812, score: 0}])
  await waitFor(() => find(page, '#rated-payment-812'))
  assert.equal(text(find(page, '#rated-payment-812')), '已评价 0 分')
})

test('a visit rated meanwhile or too late: the refusal in Chinese and the list read again', async () => {
  const wx = member().reply('POST', '/api/mp/feedback/ratings', 409,
    {code: 'RATING_WINDOW_CLOSED', message: 'a visit may be rated within 7 days'})
  const page = openPage('feedback')
  await waitFor(() => find(page, '#page'))
  tap(page, '#rate-payment-812')
  await waitFor(() => find(page, '#score-8'))
  tap(page, '#score-8')
  await waitFor(() => page.data.score === 8)
  wx.reply('GET', '/api/mp/feedback/visits', 200, {items: [answer().items[1]]})
  await page.instance.submit()
  assert.equal(page.data.formError, '已超过评价期限（到店后 7 天内可评价）')
  await waitFor(() => !find(page, '#visit-payment-812'))
  assert.equal(wx.calls('GET', '/api/mp/feedback/visits').length, 2)
  assert.deepEqual(wx.toasts, [{title: '已超过评价期限（到店后 7 天内可评价）', icon: 'none'}])
})

test('a refused comment keeps the form and says why', async () => {
  const wx = member().reply('POST', '/api/mp/feedback/ratings', 400,
    {code: 'INVALID_COMMENT', message: 'comment must be ...'})
  const page = openPage('feedback')
  await waitFor(() => find(page, '#page'))
  tap(page, '#rate-payment-812')
  await waitFor(() => find(page, '#score-5'))
  tap(page, '#score-5')
  type(page, '#comment', 'x')
  await waitFor(() => page.data.score === 5 && page.data.comment === 'x')
  await page.instance.submit()
  await waitFor(() => find(page, '#form-error'))
  assert.equal(text(find(page, '#form-error')), '评价最多 500 字，且不能换行或包含特殊字符')
  assert.ok(find(page, '#form-payment-812'))
  assert.equal(wx.calls('GET', '/api/mp/feedback/visits').length, 1)
})

test('no visit: the empty state', async () => {
  member({items: []})
  const page = openPage('feedback')
  await waitFor(() => find(page, '#empty'))
  assert.equal(text(find(page, '#empty')),
    '近 7 天没有到店记录在门店消费或核销优惠券后，7 天内可以在这里评价服务')
})

test('a failed load shows the error in Chinese and a retry that works', async () => {
  const wx = member().reply('GET', '/api/mp/feedback/visits', 503,
    {code: 'UNAVAILABLE', message: 'db down'})
  const page = openPage('feedback')
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error')), '到店记录加载失败服务暂时不可用，请稍后再试重试')
  wx.reply('GET', '/api/mp/feedback/visits', 200, answer())
  tap(page, '#retry')
  await waitFor(() => find(page, '#page'))
  assert.ok(find(page, '#visit-payment-812'))
})

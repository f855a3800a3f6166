// 积分明细 (pages/points): the points journal, newest first, with infinite scroll.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')

const PAGE1 = '/api/mp/points?page=1&page_size=20'
const PAGE2 = '/api/mp/points?page=2&page_size=20'

test.afterEach(closePages)

function line(id, points, reason, createdAt) {
  return {id, points, balance_change: points, debt_change: 0, reason,
    source_ref: `x:${id}`, created_at: createdAt}
}

test('shows a loading state, then each line with its reason, signed points and Beijing time', async () => {
  let answer
  fakeWx().route('GET', PAGE1, () => new Promise(r => { answer = r }))
  const page = openPage('points')
  await waitFor(() => answer, 2000, 'the points request')
  assert.equal(text(find(page, '#loading')), '加载中…')
  answer({status: 200, body: {items: [
    line(88, -40, 'refund', '2026-12-06T04:30:00Z'),
    line(70, -5, 'expire', '2026-11-30T16:00:00Z'),
    line(61, 123, 'payment', '2026-12-05T10:00:00Z'),
    line(50, 10, 'something_new', '2026-12-01T00:00:00Z'),
  ], page: 1, page_size: 20, total: 4}})
  await waitFor(() => find(page, '#list'))
  assert.equal(text(find(page, '#line-88')), '退款2026-12-06 12:30-40')
  assert.equal(text(find(page, '#line-70')), '过期2026-12-01 00:00-5')
  assert.equal(text(find(page, '#line-61')), '消费2026-12-05 18:00+123')
  assert.equal(text(find(page, '#line-50')), '其他2026-12-01 08:00+10')
  assert.match(text(find(page, '#list')), /没有更多了$/)
})

test('no lines shows the empty state', async () => {
  fakeWx().reply('GET', PAGE1, 200, {items: [], page: 1, page_size: 20, total: 0})
  const page = openPage('points')
  await waitFor(() => find(page, '#empty'))
  assert.equal(text(find(page, '#empty')), '暂无积分记录在门店消费即可获得积分')
})

test('a failed load shows the error in Chinese and a retry that works', async () => {
  const wx = fakeWx().route('GET', PAGE1, () => ({networkError: true}))
  const page = openPage('points')
  await waitFor(() => find(page, '#error'))
  assert.match(text(find(page, '#error')), /^积分明细加载失败网络异常，请检查网络后重试/)
  wx.reply('GET', PAGE1, 200, {items: [line(1, 5, 'payment', '2026-12-05T10:00:00Z')],
    page: 1, page_size: 20, total: 1})
  tap(page, '#retry')
  await waitFor(() => find(page, '#line-1'))
})

test('reaching the bottom loads the next page once, without repeating a line', async () => {
  const first = Array.from({length: 20}, (_, i) => line(100 - i, 1, 'payment', '2026-12-05T10:00:00Z'))
  const wx = fakeWx().reply('GET', PAGE1, 200, {items: first, page: 1, page_size: 20, total: 22})
  // A new line was posted meanwhile: page 2 starts with the last line of page 1.
  wx.reply('GET', PAGE2, 200, {items: [line(81, 1, 'payment', '2026-12-05T10:00:00Z'),
    line(80, 7, 'payment', '2026-12-04T10:00:00Z'), line(79, -3, 'refund', '2026-12-04T09:00:00Z')],
  page: 2, page_size: 20, total: 23})
  const page = openPage('points')
  await waitFor(() => find(page, '#list'))
  assert.doesNotMatch(text(find(page, '#list')), /没有更多了/)
  page.instance.onReachBottom()
  page.instance.onReachBottom()
  await waitFor(() => find(page, '#line-79'))
  assert.equal(wx.calls('GET', PAGE2).length, 1)
  assert.equal(page.querySelectorAll('.line').length, 22)
  assert.equal(text(find(page, '#line-80')), '消费2026-12-04 18:00+7')
})

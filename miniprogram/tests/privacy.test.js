// 隐私与数据 (pages/privacy): exporting shows 正在导出…, then each part of the document with its
// number of records and 复制全部数据 (the whole JSON on the clipboard); an empty export, a
// refused one (the hourly limit) and a network failure with 重试; deletion only after ticking
// 我已了解 and confirming the warning, then the deleted state with the token forgotten; a
// refused deletion keeps the member signed in and says why.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const {TOKEN_KEY} = require('../utils/request')

const EXPORT = '/api/mp/privacy/export'
const DELETION = '/api/mp/privacy/deletion'

test.afterEach(closePages)

function exportDocument() {
  return {
    member_id: 42,
    generated_at: '2026-12-06T04:30:00Z',
    sections: {
      member: [{id: 42, number: '600123456786', status: 'active'}],
      identities: [{kind: 'openid', appid: 'wx8888888888888888', value: 'oAlice'},
        {kind: 'phone', appid: '', value: '13800138000'}],
      vehicles: [{id: 7, plate: '京A12345', vin: 'LVSHCAMB1CE054249'}],
      payments: [{transaction_id: '4200', amount_fen: 8800}, {transaction_id: '4201', amount_fen: 100}],
      coupons: [],
      new_kind: [{x: 1}],
    },
  }
}

test('export shows exporting, then each part with its records, and copies the whole document',
  async () => {
    let answer
    const wx = fakeWx().route('POST', EXPORT, () => new Promise(r => { answer = r }))
    const page = openPage('privacy')
    assert.ok(find(page, '#export'))
    assert.equal(wx.requests.length, 0, 'nothing is asked before the member taps')
    tap(page, '#export')
    await waitFor(() => answer, 2000, 'the export request')
    assert.equal(text(find(page, '#exporting')), '正在导出…')
    tap(page, '#exporting')  // a second tap while exporting sends nothing more
    answer({status: 200, body: exportDocument()})
    await waitFor(() => find(page, '#exported'))
    assert.equal(wx.calls('POST', EXPORT).length, 1)
    // 04:30Z is 12:30 in Beijing; 1 + 2 + 1 + 2 + 0 + 1 records.
    assert.equal(text(find(page, '#generated-at')), '导出时间 2026-12-06 12:30，共 7 条记录')
    assert.equal(text(find(page, '#section-identities')), '账号标识（微信、手机号）2 条')
    assert.equal(text(find(page, '#section-vehicles')), '车辆1 条')
    assert.equal(text(find(page, '#section-payments')), '支付记录2 条')
    assert.equal(text(find(page, '#section-coupons')), '优惠券0 条')
    assert.equal(text(find(page, '#section-new_kind')), 'new_kind1 条')
    assert.ok(!find(page, '#export-empty'))
    tap(page, '#copy')
    await waitFor(() => wx.toasts.length)
    assert.deepEqual(JSON.parse(wx.clipboard), exportDocument())
    assert.deepEqual(wx.toasts, [{title: '已复制到剪贴板', icon: 'success'}])
  })

test('an export with no records says so', async () => {
  fakeWx().reply('POST', EXPORT, 200, {member_id: 1, generated_at: '2026-12-06T04:30:00Z',
    sections: {member: [], vehicles: []}})
  const page = openPage('privacy')
  tap(page, '#export')
  await waitFor(() => find(page, '#exported'))
  assert.equal(text(find(page, '#export-empty')), '暂无数据')
  assert.equal(text(find(page, '#generated-at')), '导出时间 2026-12-06 12:30，共 0 条记录')
})

test('a refused export says why in Chinese, and a network failure retries', async () => {
  const wx = fakeWx().reply('POST', EXPORT, 429, {code: 'RATE_LIMITED', message: 'x'})
  const page = openPage('privacy')
  tap(page, '#export')
  await waitFor(() => find(page, '#export-error'))
  assert.equal(text(find(page, '#export-error')), '导出失败：导出太频繁，请一小时后再试重试')
  wx.route('POST', EXPORT, () => ({networkError: true}))
  tap(page, '#export-retry')
  await waitFor(() => wx.calls('POST', EXPORT).length === 2 && find(page, '#export-error'))
  assert.equal(text(find(page, '#export-error')), '导出失败：网络异常，请检查网络后重试重试')
  wx.reply('POST', EXPORT, 200, exportDocument())
  tap(page, '#export-retry')
  await waitFor(() => find(page, '#exported'))
})

test('deletion needs the tick and the confirmation, then ends the session', async () => {
  const wx = fakeWx().reply('POST', DELETION, 200,
    {member_id: 42, deleted_at: '2026-12-06T04:30:00Z', erased_now: true})
  wx.storage.set(TOKEN_KEY, 'mmt1.token-0')
  const page = openPage('privacy')
  // Without the tick: no question, nothing sent.
  tap(page, '#delete')
  await new Promise(r => setTimeout(r, 20))
  assert.equal(wx.modals.length, 0)
  assert.ok(find(page, '.btn-disabled'))
  tap(page, '#understood')
  await waitFor(() => text(find(page, '#understood')) === '☑我已了解，删除后无法恢复')
  assert.ok(!find(page, '.btn-disabled'))
  // Cancelled: nothing sent.
  wx.modalConfirms = false
  tap(page, '#delete')
  await waitFor(() => wx.modals.length === 1 && wx.modals[0].answered)
  assert.equal(wx.modals[0].title, '注销并删除数据')
  assert.match(wx.modals[0].content, /无法恢复/)
  assert.equal(wx.modals[0].confirmText, '确认删除')
  assert.equal(wx.calls('POST', DELETION).length, 0)
  // Confirmed.
  wx.modalConfirms = true
  tap(page, '#delete')
  await waitFor(() => find(page, '#deleted'))
  const sent = wx.calls('POST', DELETION)
  assert.equal(sent.length, 1)
  assert.deepEqual(sent[0].data, {confirm: true})
  assert.equal(sent[0].token, 'mmt1.token-0')
  assert.equal(text(find(page, '#deleted')), '您的个人信息已删除手机号、车辆、个人资料和微信账号关联已清除。' +
    '如再次使用本小程序，将作为新会员重新开始。')
  assert.equal(wx.storage.has(TOKEN_KEY), false, 'the token is forgotten')
  assert.ok(!find(page, '#export'))
})

test('a refused deletion keeps the member signed in and says why', async () => {
  const wx = fakeWx().reply('POST', DELETION, 503, {code: 'UNAVAILABLE', message: 'x'})
  wx.storage.set(TOKEN_KEY, 'mmt1.token-0')
  const page = openPage('privacy')
  tap(page, '#understood')
  await waitFor(() => find(page, '.btn-danger'))
  tap(page, '#delete')
  await waitFor(() => find(page, '#delete-error'))
  assert.equal(text(find(page, '#delete-error')), '删除失败：服务暂时不可用，请稍后再试')
  assert.equal(wx.storage.get(TOKEN_KEY), 'mmt1.token-0')
  assert.ok(find(page, '#delete'), 'the member may try again')
})

test('the referral and feedback parts of an export have Chinese names', async () => {
  fakeWx().reply('POST', EXPORT, 200, {member_id: 42, generated_at: '2026-12-06T04:30:00Z',
    sections: {referral_code: [{code: 'Ab3dE6gH9k'}], referrals_made: [], referred_by: [{id: 1}],
      feedback_ratings: [{id: 9, score: 9, comment: '很快'}]}})
  const page = openPage('privacy')
  tap(page, '#export')
  await waitFor(() => find(page, '#exported'))
  assert.equal(text(find(page, '#section-referral_code')), '推荐码1 条')
  assert.equal(text(find(page, '#section-referrals_made')), '我推荐的好友0 条')
  assert.equal(text(find(page, '#section-referred_by')), '推荐我的好友1 条')
  assert.equal(text(find(page, '#section-feedback_ratings')), '服务评价1 条')
})

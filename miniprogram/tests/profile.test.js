// 个人信息 (pages/profile): nickname, birthday, consents (what a switch sends) and phone binding.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap, fire, type} =
  require('./support/harness')
const fixtures = require('./support/fixtures')

const PROFILE = '/api/mp/profile'

test.afterEach(closePages)

function phoneError(page) {
  const node = find(page, '#phone-error')
  return node ? text(node) : ''
}

test('shows loading, then the nickname, birthday, phone and each consent with version and time', async () => {
  let answer
  fakeWx().route('GET', PROFILE, () => new Promise(r => { answer = r }))
  const page = openPage('profile')
  await waitFor(() => answer, 2000, 'the profile request')
  assert.equal(text(find(page, '#loading')), '加载中…')
  answer({status: 200, body: fixtures.profile()})
  await waitFor(() => find(page, '#profile'))
  assert.equal(page.instance.data.nicknameDraft, '小爱')
  assert.equal(text(find(page, '#birthday-text')), '1990-05-01')
  assert.equal(text(find(page, '#phone')), '未绑定')
  assert.equal(text(find(page, '#bind-phone')), '绑定手机号')
  assert.match(text(find(page, '#consent-marketing')), /^营销消息同意接收优惠活动/)
  assert.equal(text(find(page, '#state-marketing')), '已同意 · 文本版本 2026-01 · 2026-12-06 13:00')
  assert.equal(text(find(page, '#state-partner_sharing')), '已撤回 · 文本版本 2026-01 · 2026-12-06 13:30')
  assert.equal(text(find(page, '#state-plate_recognition')), '未同意')
  assert.match(text(find(page, '#consent-partner_sharing')), /^与合作伙伴共享数据/)
  assert.match(text(find(page, '#consent-plate_recognition')), /^车牌识别/)
})

test('turning a consent on sends that consent with the text version and shows the record', async () => {
  const wx = fakeWx().reply('GET', PROFILE, 200, fixtures.profile())
  const after = fixtures.profile()
  after.consents.plate_recognition = {granted: true, text_version: '2026-01', at: '2026-12-06T06:00:00Z'}
  wx.reply('PATCH', PROFILE, 200, after)
  const page = openPage('profile')
  await waitFor(() => find(page, '#profile'))
  fire(page, '#switch-plate_recognition', 'change', {value: true})
  await waitFor(() => wx.toasts.length)
  assert.deepEqual(wx.calls('PATCH', PROFILE).map(r => r.data),
    [{consents: {plate_recognition: {granted: true, text_version: '2026-01'}}}])
  assert.equal(text(find(page, '#state-plate_recognition')), '已同意 · 文本版本 2026-01 · 2026-12-06 14:00')
  assert.deepEqual(wx.toasts, [{title: '已同意', icon: 'success'}])
})

test('turning marketing off sends a withdrawal; a refusal turns the switch back on', async () => {
  const wx = fakeWx().reply('GET', PROFILE, 200, fixtures.profile())
  let refuse
  wx.route('PATCH', PROFILE, () => new Promise(r => { refuse = r }))
  const page = openPage('profile')
  await waitFor(() => find(page, '#profile'))
  fire(page, '#switch-marketing', 'change', {value: false})
  await waitFor(() => refuse, 2000, 'the PATCH')
  assert.equal(page.instance.data.profile.consents[0].granted, false)
  refuse({status: 503, body: {code: 'UNAVAILABLE', message: 'x'}})
  await waitFor(() => wx.toasts.length)
  assert.deepEqual(wx.calls('PATCH', PROFILE).map(r => r.data),
    [{consents: {marketing: {granted: false, text_version: '2026-01'}}}])
  assert.deepEqual(wx.toasts, [{title: '服务暂时不可用，请稍后再试', icon: 'none'}])
  assert.equal(page.instance.data.profile.consents[0].granted, true)
  assert.equal(text(find(page, '#state-marketing')), '已同意 · 文本版本 2026-01 · 2026-12-06 13:00')
})

test('the nickname and the birthday picker each send their field', async () => {
  const wx = fakeWx().reply('GET', PROFILE, 200, fixtures.profile())
  wx.route('PATCH', PROFILE, req => ({status: 200, body: fixtures.profile(req.data)}))
  const page = openPage('profile')
  await waitFor(() => find(page, '#profile'))
  type(page, '#nickname', ' 阿明 ')
  await waitFor(() => page.instance.data.nicknameDraft === ' 阿明 ')
  tap(page, '#save-nickname')
  await waitFor(() => wx.toasts.length === 1)
  fire(page, '#birthday', 'change', {value: '1988-02-29'})
  await waitFor(() => wx.toasts.length === 2)
  assert.deepEqual(wx.calls('PATCH', PROFILE).map(r => r.data),
    [{nickname: '阿明'}, {birthday: '1988-02-29'}])
  assert.equal(text(find(page, '#birthday-text')), '1988-02-29')
  assert.deepEqual(wx.toasts.map(t => t.title), ['昵称已保存', '生日已保存'])
})

test('binding the phone sends the button code and shows the masked phone', async () => {
  const wx = fakeWx().reply('GET', PROFILE, 200, fixtures.profile())
  wx.reply('POST', '/api/mp/phone', 200, {phone: '138****8000'})
  const page = openPage('profile')
  await waitFor(() => find(page, '#profile'))
  fire(page, '#bind-phone', 'getphonenumber', {errMsg: 'getPhoneNumber:ok', code: 'phone-13800138000'})
  await waitFor(() => text(find(page, '#phone')) === '138****8000')
  assert.deepEqual(wx.calls('POST', '/api/mp/phone').map(r => r.data), [{code: 'phone-13800138000'}])
  assert.equal(text(find(page, '#bind-phone')), '更换')
  assert.deepEqual(wx.toasts, [{title: '手机号已绑定', icon: 'success'}])
})

test('a phone another member holds (PHONE_TAKEN) is refused in Chinese; declining sends nothing', async () => {
  const wx = fakeWx().reply('GET', PROFILE, 200, fixtures.profile())
  wx.reply('POST', '/api/mp/phone', 409, {code: 'PHONE_TAKEN', message: 'x'})
  const page = openPage('profile')
  await waitFor(() => find(page, '#profile'))
  fire(page, '#bind-phone', 'getphonenumber', {errMsg: 'getPhoneNumber:ok', code: 'c1'})
  await waitFor(() => find(page, '#phone-error'))
  assert.equal(text(find(page, '#phone-error')), '该手机号已绑定其他会员，请联系门店处理')
  assert.equal(text(find(page, '#phone')), '未绑定')

  wx.reply('POST', '/api/mp/phone', 401, {code: 'CODE_USED', message: 'x'})
  fire(page, '#bind-phone', 'getphonenumber', {errMsg: 'getPhoneNumber:ok', code: 'c1'})
  await waitFor(() => phoneError(page) === '获取手机号失败，请重新授权')

  fire(page, '#bind-phone', 'getphonenumber', {errMsg: 'getPhoneNumber:fail user deny'})
  await waitFor(() => phoneError(page) === '未授权手机号，绑定已取消')
  assert.equal(wx.calls('POST', '/api/mp/phone').length, 2)
})

test('a failed load shows the error in Chinese and a retry that works', async () => {
  const wx = fakeWx().reply('GET', PROFILE, 404, {code: 'MEMBER_NOT_FOUND', message: 'x'})
  const page = openPage('profile')
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error')), '个人信息加载失败会员信息不存在重试')
  wx.reply('GET', PROFILE, 200, fixtures.profile({phone: '138****8000'}))
  tap(page, '#retry')
  await waitFor(() => find(page, '#profile'))
  assert.equal(text(find(page, '#phone')), '138****8000')
})

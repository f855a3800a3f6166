// utils/subscribe.js: the brand's templates read once per page, WeChat asked from the tap with
// at most 3 of them, its answer posted as it is; accepting, rejecting, cancelling, WeChat's main
// switch off and network failures, none of which rejects.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, waitFor} = require('./support/harness')
const fixtures = require('./support/fixtures')
const subscribe = require('../utils/subscribe')

const BOOKING = ['appointment.reminder', 'appointment.rescheduled', 'appointment.cancelled']

// A brand with the fixtures' templates; POST answers them with one more grant per accept, as
// the server does.
function brand(templates) {
  const items = (templates || fixtures.subscriptionTemplates()).map(t => Object.assign({}, t))
  return fakeWx()
    .route('GET', '/api/mp/subscriptions', () => ({status: 200, body: {items}}))
    .route('POST', '/api/mp/subscriptions', req => {
      for (const t of items) if (req.data[t.template_id] === 'accept') t.remaining += 1
      return {status: 200, body: {items}}
    })
}

test('accepting: WeChat asked at once with the topics\' templates, its answer posted as it is', async () => {
  const wx = brand()
  const s = subscribe.forPage()
  await s.load()
  const asked = s.ask(BOOKING)
  // Called before ask() returned: still within the tap.
  assert.deepEqual(wx.subscribeRequests, [['Tpl_reminder-1', 'Tpl_resched-2', 'Tpl_cancel-3']])
  const outcome = await asked
  assert.deepEqual(outcome, {state: 'answered', accepted: 3})
  assert.deepEqual(wx.calls('POST', '/api/mp/subscriptions').map(r => r.data), [{
    errMsg: 'requestSubscribeMessage:ok', 'Tpl_reminder-1': 'accept', 'Tpl_resched-2': 'accept',
    'Tpl_cancel-3': 'accept'}])
  assert.deepEqual(s.templates().map(t => t.remaining), [1, 1, 1, 0, 0, 0])
  assert.equal(subscribe.outcomeText(outcome), '订阅成功')
  // Read once per page: asking again reads nothing more.
  await s.ask(['maintenance.due'])
  assert.equal(wx.calls('GET', '/api/mp/subscriptions').length, 1)
  assert.deepEqual(wx.subscribeRequests[1], ['Tpl_due-5'])
})

test('at most 3 templates per call, in the order of the topics', async () => {
  const wx = brand([fixtures.subscriptionTemplate({template_id: 'a1', topic: 'appointment.cancelled'}),
    fixtures.subscriptionTemplate({template_id: 'b2', topic: 'appointment.reminder'}),
    fixtures.subscriptionTemplate({template_id: 'c3', topic: 'appointment.reminder'}),
    fixtures.subscriptionTemplate({template_id: 'd4', topic: 'appointment.rescheduled'})])
  const s = subscribe.forPage()
  await s.load()
  await s.ask(BOOKING)
  assert.deepEqual(wx.subscribeRequests, [['b2', 'c3', 'd4']])
  await s.askTemplates(['a1', 'b2', 'c3', 'd4', 'unknown'])
  assert.deepEqual(wx.subscribeRequests[1], ['a1', 'b2', 'c3'])
})

test('rejecting: the answer is posted, no grant, 未订阅', async () => {
  const wx = brand()
  wx.subscribeAnswer = ids => ({answer: {errMsg: 'requestSubscribeMessage:ok', [ids[0]]: 'reject'}})
  const s = subscribe.forPage()
  await s.load()
  const outcome = await s.ask(['maintenance.due'])
  assert.deepEqual(outcome, {state: 'answered', accepted: 0})
  assert.deepEqual(wx.calls('POST', '/api/mp/subscriptions').map(r => r.data),
    [{errMsg: 'requestSubscribeMessage:ok', 'Tpl_due-5': 'reject'}])
  assert.equal(s.templates()[4].remaining, 0)
  assert.equal(subscribe.outcomeText(outcome), '未订阅')
})

test('the member cancels the dialog: nothing posted, nothing said', async () => {
  const wx = brand()
  wx.subscribeAnswer = () => ({fail: {errMsg: 'requestSubscribeMessage:fail cancel'}})
  const s = subscribe.forPage()
  await s.load()
  const outcome = await s.ask(['maintenance.due'])
  assert.equal(outcome.state, 'failed')
  assert.equal(outcome.mainSwitchOff, false)
  assert.equal(wx.calls('POST', '/api/mp/subscriptions').length, 0)
  assert.equal(subscribe.outcomeText(outcome), '')
})

test('WeChat\'s main switch off (20004): nothing posted, the member told where to turn it on', async () => {
  const wx = brand()
  wx.subscribeAnswer = () => ({fail: {errCode: 20004,
    errMsg: 'requestSubscribeMessage:fail:The main switch is switched off'}})
  const s = subscribe.forPage()
  await s.load()
  const outcome = await s.ask(BOOKING)
  assert.deepEqual([outcome.state, outcome.errCode, outcome.mainSwitchOff], ['failed', 20004, true])
  assert.equal(wx.calls('POST', '/api/mp/subscriptions').length, 0)
  assert.equal(subscribe.outcomeText(outcome), '您已关闭订阅消息，请在小程序右上角「…」-「设置」中开启')
})

test('no template for the topics, or none read yet: WeChat is not asked', async () => {
  let wx = brand([fixtures.subscriptionTemplate({topic: 'coupon.issued'})])
  let s = subscribe.forPage()
  await s.load()
  assert.deepEqual(await s.ask(BOOKING), {state: 'skipped', accepted: 0})
  assert.deepEqual(wx.subscribeRequests, [])

  // Tapped before the templates arrived.
  let answer
  wx = brand().route('GET', '/api/mp/subscriptions', () => new Promise(r => { answer = r }))
  s = subscribe.forPage()
  const loading = s.load()
  assert.deepEqual(await s.ask(BOOKING), {state: 'skipped', accepted: 0})
  assert.deepEqual(wx.subscribeRequests, [])
  await waitFor(() => answer, 2000, 'the templates request')
  answer({status: 200, body: {items: fixtures.subscriptionTemplates()}})
  await loading
})

test('the templates cannot be read (network): no asking, the error kept, nothing rejects', async () => {
  const wx = brand().route('GET', '/api/mp/subscriptions', () => ({networkError: true}))
  const s = subscribe.forPage()
  assert.deepEqual(await s.load(), [])
  assert.equal(s.error.code, 'NETWORK_ERROR')
  assert.deepEqual(await s.ask(BOOKING), {state: 'skipped', accepted: 0})
  assert.deepEqual(wx.subscribeRequests, [])
  // reload() reads them again.
  wx.route('GET', '/api/mp/subscriptions', () => ({status: 200,
    body: {items: fixtures.subscriptionTemplates()}}))
  assert.equal((await s.reload()).length, 6)
  assert.equal(s.error, null)
})

test('the answer cannot be posted (network): unrecorded, not rejected', async () => {
  const wx = brand().route('POST', '/api/mp/subscriptions', () => ({networkError: true}))
  const s = subscribe.forPage()
  await s.load()
  const outcome = await s.ask(['maintenance.due'])
  assert.deepEqual(outcome, {state: 'unrecorded', accepted: 0, errCode: 'NETWORK_ERROR'})
  assert.equal(wx.calls('POST', '/api/mp/subscriptions').length, 1)
  assert.equal(s.templates()[4].remaining, 0)
  assert.equal(subscribe.outcomeText(outcome), '订阅未能保存，请稍后重试')
})

test('a base library without wx.requestSubscribeMessage: failed, not thrown', async () => {
  const wx = brand()
  const s = subscribe.forPage()
  await s.load()
  const saved = global.wx.requestSubscribeMessage
  global.wx.requestSubscribeMessage = undefined
  try {
    assert.deepEqual(await s.ask(BOOKING), {state: 'failed', accepted: 0})
  } finally {
    global.wx.requestSubscribeMessage = saved
  }
  assert.equal(wx.calls('POST', '/api/mp/subscriptions').length, 0)
})

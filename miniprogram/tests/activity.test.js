// 活动详情 (pages/activity): loading and error states; the activity with seats, window and tier;
// signing up seated and, when full, waitlisted with its number; cancelling only after the
// confirmation; every refusal of the routes in Chinese; no sign-up outside the window, for a
// cancelled activity or once checked in.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const fixtures = require('./support/fixtures')

const ACTIVITY = '/api/mp/activities/61'
const SIGNUPS = '/api/mp/activity-signups?page=1&page_size=200'
const SIGN_UP = '/api/mp/activities/61/signups'
const CANCEL = '/api/mp/activity-signups/71/cancel'
// Sign-up open from 2026-12-01 until 2029-12-31 (Beijing), the activity in 2030, so the text
// below is fixed.
const OPEN = {starts_at: '2030-01-12T02:00:00Z', ends_at: '2030-01-12T05:00:00Z',
  signup_opens_at: '2026-12-01T00:00:00Z', signup_closes_at: '2029-12-31T12:00:00Z'}

function page(items) {
  return {items, page: 1, page_size: 200, total: items.length}
}

// A member without a sign-up for the open activity 61 (`overrides` on it).
function member(overrides, signups) {
  return fakeWx()
    .reply('GET', ACTIVITY, 200, fixtures.activity(Object.assign({}, OPEN, overrides)))
    .reply('GET', SIGNUPS, 200, page(signups || []))
}

function open() {
  return openPage('activity', {id: '61'})
}

test.afterEach(closePages)

test('the activity with its seats, window and tier; signing up seats the member', async () => {
  let answer
  const wx = member({min_tier: 'gold'})
    .route('GET', ACTIVITY, () => new Promise(r => { answer = r }))
  const p = open()
  await waitFor(() => answer, 2000, 'the activity request')
  assert.equal(text(find(p, '#loading')), '加载中…')
  answer({status: 200, body: fixtures.activity(Object.assign({min_tier: 'gold'}, OPEN))})
  await waitFor(() => find(p, '#detail'))
  assert.equal(text(find(p, '#title')), '新春试驾日')
  assert.equal(text(find(p, '#time')), '2030-01-12 10:00-13:00')
  assert.equal(text(find(p, '#place')), '人民广场店')
  assert.equal(text(find(p, '#description')), '体验新款车型，现场有技师讲解')
  assert.equal(text(find(p, '#seats')), '剩余 2 个名额（共 30 个）')
  assert.equal(text(find(p, '#window')), '报名时间 2026-12-01 08:00 至 2029-12-31 20:00')
  assert.equal(text(find(p, '#tier')), '金卡会员及以上可报名')
  assert.equal(find(p, '#mine'), undefined)
  assert.equal(text(find(p, '#signup')), '立即报名')

  wx.route('POST', SIGN_UP, () => {
    wx.reply('GET', SIGNUPS, 200, page([fixtures.signup()]))
    wx.reply('GET', ACTIVITY, 200, fixtures.activity(Object.assign({min_tier: 'gold', seated: 29,
      remaining: 1}, OPEN)))
    return {status: 201, body: fixtures.signup()}
  })
  await p.instance.signUp()
  assert.equal(wx.calls('POST', SIGN_UP).length, 1)
  assert.equal(wx.calls('POST', SIGN_UP)[0].data, undefined)
  assert.deepEqual(wx.toasts, [{title: '报名成功', icon: 'success'}])
  assert.equal(text(find(p, '#notice')), '报名成功，活动当天到场后向工作人员出示会员码签到')
  assert.equal(text(find(p, '#mine')), '已报名活动当天到场后，向工作人员出示首页的会员码签到')
  assert.equal(text(find(p, '#seats')), '剩余 1 个名额（共 30 个）')
  assert.equal(find(p, '#signup'), undefined)
  assert.equal(text(find(p, '#cancel')), '取消报名')
})

test('full: 报名候补 puts the member on the waitlist with its number', async () => {
  const wx = member({seated: 30, remaining: 0})
  wx.route('POST', SIGN_UP, () => {
    wx.reply('GET', SIGNUPS, 200, page([fixtures.signup({state: 'waitlisted', position: 3})]))
    return {status: 201, body: fixtures.signup({state: 'waitlisted', position: 3})}
  })
  const p = open()
  await waitFor(() => find(p, '#detail'))
  assert.equal(text(find(p, '#seats')), '名额已满（共 30 个），可报名候补')
  assert.equal(text(find(p, '#signup')), '报名候补')
  tap(p, '#signup')
  await waitFor(() => find(p, '#mine'), 2000, 'the waitlisted sign-up')
  assert.equal(wx.calls('POST', SIGN_UP).length, 1)
  assert.deepEqual(wx.toasts, [{title: '已加入候补', icon: 'none'}])
  assert.equal(text(find(p, '#notice')),
    '名额已满，您已进入候补（候补号 3）。有人取消报名时，将按候补号顺序自动为您补位')
  assert.equal(text(find(p, '#mine')), '候补中 · 候补号 3有人取消报名时，将按候补号顺序自动为您补位')
  assert.equal(text(find(p, '#cancel')), '取消候补')
})

test('cancel asks first; confirmed, the sign-up is cancelled and 立即报名 is back', async () => {
  const wx = member({}, [fixtures.signup()])
  wx.route('POST', CANCEL, () => {
    wx.reply('GET', SIGNUPS, 200, page([fixtures.signup({state: 'cancelled'})]))
    return {status: 200, body: fixtures.signup({state: 'cancelled'})}
  })
  const p = open()
  await waitFor(() => find(p, '#cancel'))

  wx.modalConfirms = false
  tap(p, '#cancel')
  await waitFor(() => wx.modals.length === 1 && wx.modals[0].answered)
  assert.equal(wx.calls('POST', CANCEL).length, 0)
  assert.ok(find(p, '#mine'))

  wx.modalConfirms = true
  tap(p, '#cancel')
  await waitFor(() => find(p, '#signup'), 2000, 'the sign-up button')
  assert.equal(wx.modals[1].title, '取消报名')
  assert.equal(wx.modals[1].content, '确定取消报名「新春试驾日」吗？名额将让给候补的车主')
  assert.equal(wx.calls('POST', CANCEL).length, 1)
  assert.deepEqual(wx.toasts, [{title: '已取消', icon: 'success'}])
  assert.equal(find(p, '#mine'), undefined)
})

test('a waitlisted member cancels the waitlist place', async () => {
  const wx = member({seated: 30, remaining: 0},
    [fixtures.signup({state: 'waitlisted', position: 2})])
  wx.route('POST', CANCEL, () => {
    wx.reply('GET', SIGNUPS, 200, page([]))
    return {status: 200, body: fixtures.signup({state: 'cancelled', position: 2})}
  })
  const p = open()
  await waitFor(() => find(p, '#cancel'))
  tap(p, '#cancel')
  await waitFor(() => find(p, '#signup'), 2000, 'the sign-up button')
  assert.equal(wx.modals[0].title, '取消候补')
  assert.equal(wx.modals[0].content, '确定取消「新春试驾日」的候补吗？再次报名将排在候补最后')
  assert.equal(wx.modals[0].confirmText, '取消候补')
  assert.equal(wx.calls('POST', CANCEL).length, 1)
})

test('every refusal of a sign-up reads in Chinese, and the activity is read again', async () => {
  const cases = {
    ACTIVITY_CANCELLED: '该活动已取消',
    SIGNUP_NOT_OPEN: '报名尚未开始，请在报名时间内报名',
    SIGNUP_CLOSED: '报名已截止',
    TIER_TOO_LOW: '您的会员等级暂不能报名该活动',
    ALREADY_SIGNED_UP: '您已报名该活动',
    ACTIVITY_NOT_FOUND: '活动不存在或已下线',
    ABORTED: '报名情况刚刚发生了变化，请刷新后重试',
    MEMBER_NOT_FOUND: '会员信息不存在',
    SESSION_REVOKED: '登录已失效，请重试',
  }
  for (const [code, message] of Object.entries(cases)) {
    const status = code === 'ACTIVITY_NOT_FOUND' || code === 'MEMBER_NOT_FOUND' ? 404 : 409
    const wx = member().reply('POST', SIGN_UP, status, {code, message: 'x'})
    const p = open()
    await waitFor(() => find(p, '#signup'))
    await p.instance.signUp()
    assert.equal(text(find(p, '#notice')), message, code)
    assert.deepEqual(wx.toasts, [], code)
    assert.equal(wx.calls('GET', ACTIVITY).length, 2, code)
    closePages()
  }
})

test('refusals of a cancel read in Chinese and the sign-up stays', async () => {
  const cases = {
    ACTIVITY_STARTED: '活动已开始，不能取消报名',
    SIGNUP_CHECKED_IN: '您已签到，不能取消报名',
    SIGNUP_CANCELLED: '该报名已取消',
    SIGNUP_NOT_FOUND: '报名记录不存在，请刷新后重试',
  }
  for (const [code, message] of Object.entries(cases)) {
    const wx = member({}, [fixtures.signup()]).reply('POST', CANCEL, 409, {code, message: 'x'})
    const p = open()
    await waitFor(() => find(p, '#cancel'))
    tap(p, '#cancel')
    await waitFor(() => find(p, '#notice'), 2000, code)
    assert.equal(text(find(p, '#notice')), message, code)
    await waitFor(() => wx.calls('GET', ACTIVITY).length === 2 && !p.data.busy, 2000, code)
    assert.equal(text(find(p, '#mine-state')), '已报名', code)
    closePages()
  }
})

test('no sign-up before the window, after it, or for a cancelled activity', async () => {
  const cases = [
    [{signup_opens_at: '2029-06-01T00:00:00Z'}, '2029-06-01 08:00 开始报名'],
    [{signup_opens_at: '2026-11-01T00:00:00Z', signup_closes_at: '2026-11-30T12:00:00Z'},
      '报名已截止'],
    [{state: 'cancelled', cancelled_at: '2026-12-05T00:00:00Z'}, '活动已取消'],
  ]
  for (const [overrides, shown] of cases) {
    const wx = member(overrides)
    const p = open()
    await waitFor(() => find(p, '#detail'))
    assert.equal(text(find(p, '#closed')), shown)
    assert.equal(find(p, '#signup'), undefined)
    await p.instance.signUp()
    assert.equal(wx.calls('POST', SIGN_UP).length, 0)
    closePages()
  }
})

test('checked in: 已签到, nothing to cancel', async () => {
  const wx = member({}, [fixtures.signup({state: 'checked_in',
    checked_in_at: '2026-12-06T05:00:00Z'})])
  const p = open()
  await waitFor(() => find(p, '#mine'))
  assert.equal(text(find(p, '#mine')), '已签到已签到，欢迎参加')
  assert.equal(find(p, '#cancel'), undefined)
  assert.equal(find(p, '#signup'), undefined)
  assert.equal(find(p, '#closed'), undefined)
  p.instance.confirmCancel()
  assert.equal(wx.modals.length, 0)
})

test('an activity that cannot be loaded shows the error in Chinese and a retry', async () => {
  const wx = member().reply('GET', ACTIVITY, 404, {code: 'ACTIVITY_NOT_FOUND', message: 'x'})
  const p = open()
  await waitFor(() => find(p, '#error'))
  assert.equal(text(find(p, '#error')), '活动加载失败活动不存在或已下线重试')
  wx.reply('GET', ACTIVITY, 200, fixtures.activity(OPEN))
  tap(p, '#retry')
  await waitFor(() => find(p, '#detail'))
  assert.equal(text(find(p, '#title')), '新春试驾日')
})

// The brand's templates, the sign-up seating the member.
function subscribing(wx) {
  return wx.reply('GET', '/api/mp/subscriptions', 200, {items: fixtures.subscriptionTemplates()})
    .route('POST', '/api/mp/subscriptions', () => ({status: 200,
      body: {items: fixtures.subscriptionTemplates()}}))
    .route('POST', SIGN_UP, () => {
      wx.reply('GET', SIGNUPS, 200, page([fixtures.signup()]))
      return {status: 201, body: fixtures.signup()}
    })
}

test('立即报名 asks for the activity messages from the tap and signs up without waiting', async () => {
  const wx = subscribing(member())
  wx.subscribeAnswer = () => new Promise(() => {})  // the dialog stays open
  const p = open()
  await waitFor(() => find(p, '#signup') && p.instance.subscriber.items)
  const signedUp = p.instance.signUp()
  // Only the activity's templates the brand has (no 活动取消 template here).
  assert.deepEqual(wx.subscribeRequests, [['Tpl_promo-4']])
  await signedUp
  assert.equal(wx.calls('POST', SIGN_UP).length, 1)
  assert.equal(text(find(p, '#mine-state')), '已报名')
  assert.equal(wx.calls('POST', '/api/mp/subscriptions').length, 0)
})

test('the subscription cancelled, switched off or unsaved never stops the sign-up', async () => {
  const outcomes = [
    () => ({fail: {errMsg: 'requestSubscribeMessage:fail cancel'}}),
    () => ({fail: {errCode: 20004, errMsg: 'requestSubscribeMessage:fail'}}),
    null,  // accepted, but the answer cannot be posted
  ]
  for (const answer of outcomes) {
    const wx = subscribing(member())
    if (answer) wx.subscribeAnswer = answer
    else wx.route('POST', '/api/mp/subscriptions', () => ({networkError: true}))
    const p = open()
    await waitFor(() => find(p, '#signup') && p.instance.subscriber.items)
    await p.instance.signUp()
    await p.instance.subscribing
    assert.equal(text(find(p, '#mine-state')), '已报名')
    assert.deepEqual(wx.toasts, [{title: '报名成功', icon: 'success'}])
    closePages()
  }
})

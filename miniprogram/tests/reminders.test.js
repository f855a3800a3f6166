// 保养提醒 (pages/reminders): loading, error and empty states; the notices (overdue
// highlighted, 已逾期 N 天 / 今天到期 / 还有 N 天), 预约保养 through the stores with the vehicle, 知道了
// (and one already gone); each vehicle's next due date or the way to add a purchase date; 提醒我.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const fixtures = require('./support/fixtures')
const format = require('../utils/format')

const DAY = 86400000
const day = offset => format.beijingToday(Date.now() + offset * DAY)

// Golf overdue by 3 days, Model 3 due in 8 days, a Tesla without a purchase date.
function answer() {
  return {
    reminders: [
      fixtures.reminder({id: 13, vehicle_id: 6, model: 'Model 3', plate: '沪B·***21',
        due_date: day(8), overdue: false, reason: 'km'}),
      fixtures.reminder({id: 12, due_date: day(-3), overdue: true}),
    ],
    vehicles: [
      fixtures.reminderVehicle({next_due_date: day(-3)}),
      fixtures.reminderVehicle({vehicle_id: 6, model: 'Model 3', plate: '沪B·***21',
        next_due_date: day(8), reason: 'km'}),
      fixtures.reminderVehicle({vehicle_id: 7, model: 'Model Y', plate: '粤B·***88',
        next_due_date: null, reason: null}),
    ],
  }
}

function member(body) {
  return fakeWx().reply('GET', '/api/mp/reminders', 200, body || answer())
    .reply('GET', '/api/mp/subscriptions', 200, {items: fixtures.subscriptionTemplates()})
}

test.afterEach(closePages)

test('the notices, overdue first in red, and each vehicle\'s next service', async () => {
  let release
  const wx = member()
  wx.route('GET', '/api/mp/reminders', () => new Promise(r => { release = r }))
  const page = openPage('reminders')
  await waitFor(() => release, 2000, 'the reminders request')
  assert.equal(text(find(page, '#loading')), '加载中…')
  release({status: 200, body: answer()})
  await waitFor(() => find(page, '#page'))

  assert.equal(text(find(page, '#reminder-12')),
    `Golf 京A·***45已逾期 3 天保养到期日 ${day(-3)}按保养时间间隔预约保养知道了`)
  assert.match(find(page, '#reminder-12').dom.className, /overdue/)
  assert.match(find(page, '#due-12').dom.className, /due-over/)
  assert.equal(text(find(page, '#reminder-13')),
    `Model 3 沪B·***21还有 8 天保养到期日 ${day(8)}按保养里程间隔（按您记录的里程估算）预约保养知道了`)
  assert.doesNotMatch(find(page, '#reminder-13').dom.className, /overdue/)
  assert.equal(text(find(page, '#vehicles')), `下次保养Golf 京A·***45${day(-3)}按保养时间间隔` +
    `Model 3 沪B·***21${day(8)}按保养里程间隔（按您记录的里程估算）Model Y 粤B·***88添加购车日期后可计算 ›`)

  // A vehicle without a date opens its edit page; 预约保养 picks a store for the vehicle.
  tap(page, '#next-7')
  tap(page, '#book-12')
  await waitFor(() => wx.navigations.length === 2)
  assert.deepEqual(wx.navigations, ['/pages/vehicle/index?id=7', '/pages/stores/index?vehicle_id=5'])
})

test('a due date today and an overdue one of yesterday', async () => {
  member({reminders: [fixtures.reminder({id: 20, due_date: day(0)}),
    fixtures.reminder({id: 21, vehicle_id: 6, due_date: day(-1), overdue: true})],
  vehicles: [fixtures.reminderVehicle()]})
  const page = openPage('reminders')
  await waitFor(() => find(page, '#page'))
  assert.equal(text(find(page, '#due-20')), '今天到期')
  assert.equal(text(find(page, '#due-21')), '已逾期 1 天')
})

test('知道了 dismisses the notice; one already gone is dropped with the page read again', async () => {
  const wx = member()
  wx.reply('POST', '/api/mp/reminders/12/dismiss', 200, {id: 12, dismissed: true})
  wx.reply('POST', '/api/mp/reminders/13/dismiss', 404,
    {code: 'REMINDER_NOT_FOUND', message: 'reminder not found'})
  const page = openPage('reminders')
  await waitFor(() => find(page, '#page'))

  tap(page, '#dismiss-12')
  await waitFor(() => !find(page, '#reminder-12'))
  assert.equal(wx.calls('POST', '/api/mp/reminders/12/dismiss').length, 1)
  assert.ok(find(page, '#reminder-13'))
  assert.equal(wx.calls('GET', '/api/mp/reminders').length, 1)

  // The server no longer has 13 (its date moved): the page says so and reads the list again.
  const after = answer()
  after.reminders = []
  wx.reply('GET', '/api/mp/reminders', 200, after)
  tap(page, '#dismiss-13')
  await waitFor(() => find(page, '#no-reminders'))
  assert.deepEqual(wx.toasts, [{title: '该提醒已处理', icon: 'none'}])
  assert.equal(wx.calls('GET', '/api/mp/reminders').length, 2)
  assert.equal(text(find(page, '#no-reminders')), '暂无待处理的保养提醒')
})

test('a dismissal refused for another reason keeps the notice and says why', async () => {
  const wx = member().reply('POST', '/api/mp/reminders/12/dismiss', 503,
    {code: 'UNAVAILABLE', message: 'db down'})
  const page = openPage('reminders')
  await waitFor(() => find(page, '#page'))
  await page.instance.dismiss({currentTarget: {dataset: {id: 12}}})
  assert.deepEqual(wx.toasts, [{title: '服务暂时不可用，请稍后再试', icon: 'none'}])
  assert.ok(find(page, '#reminder-12'))
  assert.equal(page.data.dismissing, 0)
})

test('no vehicle: the empty state adds one', async () => {
  const wx = member({reminders: [], vehicles: []})
  const page = openPage('reminders')
  await waitFor(() => find(page, '#empty'))
  assert.equal(text(find(page, '#empty')), '还没有添加车辆添加车辆和购车日期后，到保养时间会提醒您添加车辆')
  tap(page, '#add-vehicle')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, ['/pages/vehicle/index'])
})

test('vehicles without notices', async () => {
  member({reminders: [], vehicles: [fixtures.reminderVehicle({next_due_date: day(40)})]})
  const page = openPage('reminders')
  await waitFor(() => find(page, '#page'))
  assert.equal(text(find(page, '#no-reminders')), '暂无待处理的保养提醒')
  assert.equal(text(find(page, '#next-5')), day(40))
})

test('a failed load shows the error in Chinese and a retry that works', async () => {
  const wx = member().reply('GET', '/api/mp/reminders', 404, {code: 'NOT_FOUND', message: 'no route'})
  const page = openPage('reminders')
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error')), '保养提醒加载失败该功能暂未开放重试')
  wx.reply('GET', '/api/mp/reminders', 200, answer())
  tap(page, '#retry')
  await waitFor(() => find(page, '#page'))
  assert.ok(find(page, '#reminder-12'))
})

test('提醒我 asks for the maintenance.due template from the tap and shows the count', async () => {
  const wx = member().route('POST', '/api/mp/subscriptions', req => ({status: 200,
    body: {items: fixtures.subscriptionTemplates().map(t =>
      Object.assign(t, {remaining: req.data[t.template_id] === 'accept' ? 1 : 0}))}}))
  const page = openPage('reminders')
  await waitFor(() => find(page, '#remind'))
  assert.equal(text(find(page, '#remind')), '保养到期时通过微信消息提醒您还可接收 0 次提醒我')
  const done = page.instance.remindMe()
  assert.deepEqual(wx.subscribeRequests, [['Tpl_due-5']])
  await done
  assert.deepEqual(wx.calls('POST', '/api/mp/subscriptions').map(r => r.data),
    [{errMsg: 'requestSubscribeMessage:ok', 'Tpl_due-5': 'accept'}])
  assert.equal(text(find(page, '#remind-remaining')), '还可接收 1 次')
  assert.deepEqual(wx.toasts, [{title: '订阅成功', icon: 'success'}])
})

test('提醒我 with WeChat\'s main switch off says where to turn it on; cancelled says nothing', async () => {
  const wx = member()
  wx.subscribeAnswer = () => ({fail: {errCode: 20004, errMsg: 'requestSubscribeMessage:fail'}})
  const page = openPage('reminders')
  await waitFor(() => find(page, '#remind'))
  await page.instance.remindMe()
  assert.equal(text(find(page, '#remind-notice')),
    '您已关闭订阅消息，请在小程序右上角「…」-「设置」中开启')
  wx.subscribeAnswer = () => ({fail: {errMsg: 'requestSubscribeMessage:fail cancel'}})
  await page.instance.remindMe()
  assert.equal(find(page, '#remind-notice'), undefined)
  assert.deepEqual(wx.toasts, [])
  assert.equal(wx.calls('POST', '/api/mp/subscriptions').length, 0)
})

test('no 提醒我 when the brand has no maintenance template or its templates cannot be read', async () => {
  member().reply('GET', '/api/mp/subscriptions', 200,
    {items: [fixtures.subscriptionTemplate()]})
  let page = openPage('reminders')
  await waitFor(() => find(page, '#page') && page.instance.subscriber.items)
  assert.equal(find(page, '#remind'), undefined)
  closePages()
  member().reply('GET', '/api/mp/subscriptions', 503, {code: 'UNAVAILABLE', message: ''})
  page = openPage('reminders')
  await waitFor(() => find(page, '#page') && page.instance.subscriber.items)
  assert.equal(find(page, '#remind'), undefined)
  assert.ok(find(page, '#reminder-12'))
})

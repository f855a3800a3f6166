// 我的预约 (pages/appointments): loading, empty and error states; upcoming and past visits with
// state, store, time, vehicle, service and coupon; cancelling after a confirmation (and not
// without it); a refused cancel in Chinese; rescheduling opens the booking page.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const fixtures = require('./support/fixtures')
const format = require('../utils/format')

const LIST = '/api/mp/appointments?page=1&page_size=50'
const DAY_MS = 86400000
// Whole hours so that the shown time is exact.
const hour = Math.floor(Date.now() / 3600000) * 3600000
const IN_3_DAYS = new Date(hour + 3 * DAY_MS).toISOString()
const IN_4_DAYS = new Date(hour + 4 * DAY_MS).toISOString()
const IN_5_DAYS = new Date(hour + 5 * DAY_MS).toISOString()
const AGO_3_DAYS = new Date(hour - 3 * DAY_MS).toISOString()

function page(o) {
  return Object.assign({page: 1, page_size: 50, total: o.items.length}, o)
}

// Newest first, as the server lists them: one booked in 5 days (with a coupon), one booked in
// 3 days, one cancelled in 3 days, one completed 3 days ago at a store no longer listed.
function member() {
  return fakeWx()
    .reply('GET', LIST, 200, page({items: [
      fixtures.appointment({id: 54, starts_at: IN_5_DAYS, service_type: 'wash', coupon_id: 43}),
      fixtures.appointment({id: 53, starts_at: IN_3_DAYS}),
      fixtures.appointment({id: 52, starts_at: IN_3_DAYS, state: 'cancelled',
        cancelled_at: '2026-12-06T04:40:00Z'}),
      fixtures.appointment({id: 51, store_id: 8, vehicle_id: 99, starts_at: AGO_3_DAYS,
        state: 'completed'}),
    ]}))
    .reply('GET', '/api/mp/stores', 200, {items: [fixtures.store({distance_m: null})]})
    .reply('GET', '/api/mp/vehicles', 200, {items: [fixtures.vehicle()]})
}

test.afterEach(closePages)

test('upcoming visits soonest first, then the past ones, each with what was booked', async () => {
  let answer
  const wx = member().route('GET', LIST, () => new Promise(r => { answer = r }))
  const list = openPage('appointments')
  await waitFor(() => answer, 2000, 'the appointments request')
  assert.equal(text(find(list, '#loading')), '加载中…')
  // 55 was booked last but is visited before 54.
  answer({status: 200, body: page({items: [
    fixtures.appointment({id: 55, starts_at: IN_4_DAYS}),
    fixtures.appointment({id: 54, starts_at: IN_5_DAYS, service_type: 'wash', coupon_id: 43}),
    fixtures.appointment({id: 53, starts_at: IN_3_DAYS}),
    fixtures.appointment({id: 52, starts_at: IN_3_DAYS, state: 'cancelled'}),
    fixtures.appointment({id: 51, store_id: 8, vehicle_id: 99, starts_at: AGO_3_DAYS,
      state: 'completed'}),
  ]})})
  await waitFor(() => find(list, '#list'))
  assert.deepEqual(list.data.upcoming.map(a => a.id), [53, 55, 54])
  assert.deepEqual(list.data.past.map(a => a.id), [52, 51])
  assert.equal(text(find(list, '#appointment-53')),
    `人民广场店已预约${format.beijing(IN_3_DAYS)} 保养京A12345 宝马 X5改约取消预约`)
  assert.equal(text(find(list, '#appointment-54')),
    `人民广场店已预约${format.beijing(IN_5_DAYS)} 洗车京A12345 宝马 X5使用兑换券改约取消预约`)
  assert.equal(text(find(list, '#appointment-52')),
    `人民广场店已取消${format.beijing(IN_3_DAYS)} 保养京A12345 宝马 X5`)
  assert.equal(text(find(list, '#appointment-51')),
    `门店 8已完成${format.beijing(AGO_3_DAYS)} 保养车辆已删除`)
  assert.equal(find(list, '#cancel-52'), undefined)
  assert.equal(find(list, '#reschedule-51'), undefined)
  assert.equal(wx.calls('GET', '/api/mp/stores').length, 1)
})

test('a checked-in visit is upcoming but can no longer be changed', async () => {
  member().reply('GET', LIST, 200, page({items: [
    fixtures.appointment({starts_at: IN_3_DAYS, state: 'checked_in'})]}))
  const list = openPage('appointments')
  await waitFor(() => find(list, '#list'))
  assert.equal(text(find(list, '#state-51')), '已到店')
  assert.equal(find(list, '#cancel-51'), undefined)
  assert.equal(find(list, '#no-upcoming'), undefined)
  assert.deepEqual(list.data.upcoming.map(a => a.id), [51])
})

test('no appointments shows the empty state with a way to book', async () => {
  const wx = member().reply('GET', LIST, 200, page({items: []}))
  const list = openPage('appointments')
  await waitFor(() => find(list, '#empty'))
  assert.equal(text(find(list, '#empty')), '还没有预约选择门店，预约保养、洗车等服务去预约')
  tap(list, '#book-first')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, ['/pages/stores/index'])
})

test('only past visits: says there is none upcoming', async () => {
  member().reply('GET', LIST, 200, page({items: [
    fixtures.appointment({starts_at: AGO_3_DAYS, state: 'completed'})]}))
  const list = openPage('appointments')
  await waitFor(() => find(list, '#list'))
  assert.equal(text(find(list, '#no-upcoming')), '暂无待到店的预约')
})

test('a failed list shows the error in Chinese and a retry that works', async () => {
  const wx = member().route('GET', LIST, () => ({networkError: true}))
  const list = openPage('appointments')
  await waitFor(() => find(list, '#error'))
  assert.equal(text(find(list, '#error')), '预约加载失败网络异常，请检查网络后重试重试')
  wx.reply('GET', LIST, 200, page({items: []}))
  tap(list, '#retry')
  await waitFor(() => find(list, '#empty'))
})

test('cancel asks first; confirmed, the visit moves to the past as 已取消', async () => {
  const wx = member()
  wx.route('POST', '/api/mp/appointments/53/cancel', () => {
    wx.reply('GET', LIST, 200, page({items: [
      fixtures.appointment({id: 53, starts_at: IN_3_DAYS, state: 'cancelled'})]}))
    return {status: 200, body: fixtures.appointment({id: 53, starts_at: IN_3_DAYS,
      state: 'cancelled'})}
  })
  const list = openPage('appointments')
  await waitFor(() => find(list, '#cancel-53'))

  // Not confirmed: nothing is sent.
  wx.modalConfirms = false
  tap(list, '#cancel-53')
  await waitFor(() => wx.modals.length === 1 && wx.modals[0].answered)
  assert.equal(wx.calls('POST', '/api/mp/appointments/53/cancel').length, 0)

  wx.modalConfirms = true
  tap(list, '#cancel-53')
  await waitFor(() => wx.toasts.length)
  assert.equal(wx.modals[1].title, '取消预约')
  assert.equal(wx.modals[1].content,
    `确定取消 ${format.beijing(IN_3_DAYS)} 在人民广场店的保养预约吗？`)
  assert.equal(wx.calls('POST', '/api/mp/appointments/53/cancel').length, 1)
  assert.deepEqual(wx.toasts, [{title: '已取消', icon: 'success'}])
  await waitFor(() => find(list, '#no-upcoming'))
  assert.equal(text(find(list, '#state-53')), '已取消')
  assert.equal(find(list, '#cancel-53'), undefined)
})

test('a cancel after the store\'s cutoff is refused in Chinese and the list stays', async () => {
  const wx = member().reply('POST', '/api/mp/appointments/53/cancel', 409,
    {code: 'CHANGE_CUTOFF_PASSED', message: 'x'})
  const list = openPage('appointments')
  await waitFor(() => find(list, '#cancel-53'))
  tap(list, '#cancel-53')
  await waitFor(() => wx.toasts.length)
  assert.deepEqual(wx.toasts, [{title: '已超过门店规定的可修改时间，请联系门店', icon: 'none'}])
  await waitFor(() => wx.calls('GET', LIST).length === 2)
  await waitFor(() => find(list, '#cancel-53'))
  assert.equal(text(find(list, '#state-53')), '已预约')
})

test('改约 opens the booking page for the same store and service', async () => {
  const wx = member()
  const list = openPage('appointments')
  await waitFor(() => find(list, '#reschedule-54'))
  tap(list, '#reschedule-54')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, [`/pages/book/index?store_id=7&store_name=` +
    `${encodeURIComponent('人民广场店')}&appointment=54&service=wash`])
})

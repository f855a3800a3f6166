// 预约保养 (pages/book): loading, error and empty states; picking a day, a slot, a service, a
// vehicle and an exchange coupon; booking; SLOT_FULL and other refusals in Chinese; moving an
// appointment to another slot.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const fixtures = require('./support/fixtures')
const format = require('../utils/format')

const SLOTS = /^\/api\/mp\/stores\/7\/slots\?/
const TODAY = format.beijingToday()
const TOMORROW = format.beijingToday(Date.now() + 86400000)
const WASH_COUPON = fixtures.coupon({id: 43, stock_id: 9, stock: fixtures.STOCK_WASH})

// A member with one vehicle, a cash and an exchange coupon, and today two slots: 10:00 with
// seats (maintenance, wash) and 11:00 full.
function member() {
  return fakeWx()
    .reply('GET', '/api/mp/vehicles', 200, {items: [fixtures.vehicle()]})
    .reply('GET', '/api/mp/coupons?state=issued&page=1&page_size=50', 200,
      {items: [fixtures.coupon(), WASH_COUPON], page: 1, page_size: 50, total: 2})
    .reply('GET', SLOTS, 200, {items: [fixtures.slot(), fixtures.slot({id: 32,
      starts_at: '2027-01-05T03:00:00Z', ends_at: '2027-01-05T04:00:00Z', booked: 2,
      remaining: 0})]})
}

function openBook(query) {
  return openPage('book', Object.assign({store_id: '7',
    store_name: encodeURIComponent('人民广场店')}, query))
}

test.afterEach(closePages)

test('books a slot with a vehicle, a service and an exchange coupon; the result page', async () => {
  let answer
  const wx = member().route('GET', '/api/mp/vehicles', () => new Promise(r => { answer = r }))
  wx.reply('POST', '/api/mp/appointments', 201, fixtures.appointment({service_type: 'wash',
    coupon_id: 43}))
  const page = openBook()
  await waitFor(() => answer, 2000, 'the vehicles request')
  assert.equal(text(find(page, '#loading')), '加载中…')
  answer({status: 200, body: {items: [fixtures.vehicle()]}})
  await waitFor(() => find(page, '#slots'))

  assert.equal(text(find(page, '#title')), '预约 · 人民广场店')
  assert.equal(page.data.days.length, 14)
  assert.equal(text(find(page, `#day-${TODAY}`)), `今天${TODAY.slice(5)}`)
  assert.equal(text(find(page, `#day-${TOMORROW}`)), `明天${TOMORROW.slice(5)}`)
  assert.deepEqual(wx.calls('GET', SLOTS).map(r => r.path),
    [`/api/mp/stores/7/slots?from=${TODAY}&to=${TODAY}`])
  assert.equal(text(find(page, '#slots')), '10:00-11:00剩余211:00-12:00已约满')
  // Only the exchange coupon can go with an appointment.
  assert.equal(text(find(page, '#coupons')), '兑换券（可选）不使用洗车券（有效期至 2027-01-04）')
  assert.equal(text(find(page, '#vehicle-12')), '京A12345 宝马 X5')

  // A full slot cannot be picked; nothing is chosen yet, so submitting asks for a slot.
  tap(page, '#slot-32')
  await page.instance.submit()
  assert.equal(text(find(page, '#form-error')), '请选择预约时段')
  assert.equal(find(page, '#services'), undefined)
  tap(page, '#slot-31')
  await waitFor(() => find(page, '#services'))
  assert.equal(text(find(page, '#services')), '服务项目保养洗车')
  tap(page, '#service-wash')
  tap(page, '#coupon-43')
  await waitFor(() => page.data.couponId === 43 && page.data.serviceType === 'wash')
  await page.instance.submit()

  assert.deepEqual(wx.calls('POST', '/api/mp/appointments').map(r => r.data),
    [{slot_id: 31, vehicle_id: 12, service_type: 'wash', coupon_id: 43}])
  assert.deepEqual(wx.toasts, [{title: '预约成功', icon: 'success'}])
  assert.equal(text(find(page, '#result')),
    '预约成功2027-01-05 10:00 洗车请按时到店，到店时出示会员码查看我的预约')
  tap(page, '#go-appointments')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, ['/pages/appointments/index'])
})

test('an exchange coupon another appointment holds is not offered', async () => {
  member().reply('GET', '/api/mp/coupons?state=issued&page=1&page_size=50', 200,
    {items: [WASH_COUPON, fixtures.coupon({id: 44, stock_id: 9, stock: fixtures.STOCK_WASH,
      reserved_for_appointment_id: 54})], page: 1, page_size: 50, total: 2})
  const page = openBook()
  await waitFor(() => find(page, '#slots'))
  assert.deepEqual(page.data.coupons.map(c => c.id), [43])
  assert.equal(find(page, '#coupon-44'), undefined)
})

test('SLOT_FULL: the message in Chinese, the slots shown again as they are now', async () => {
  const wx = member().reply('POST', '/api/mp/appointments', 409,
    {code: 'SLOT_FULL', message: 'no seat left'})
  const page = openBook()
  await waitFor(() => find(page, '#slots'))
  tap(page, '#slot-31')
  await waitFor(() => page.data.slotId === 31)
  wx.reply('GET', SLOTS, 200, {items: [fixtures.slot({booked: 2, remaining: 0})]})
  await page.instance.submit()
  assert.equal(text(find(page, '#form-error')), '该时段已约满，请选择其他时段')
  await waitFor(() => text(find(page, '#slots')) === '10:00-11:00已约满')
  assert.equal(wx.calls('GET', SLOTS).length, 2)
  assert.equal(page.data.slotId, 0)
  assert.equal(find(page, '#result'), undefined)
  assert.deepEqual(wx.toasts, [])
})

test('every refusal of the booking route reads in Chinese', async () => {
  const wx = member()
  const page = openBook()
  await waitFor(() => find(page, '#slots'))
  tap(page, '#slot-31')
  await waitFor(() => page.data.slotId === 31)
  const expected = {
    ALREADY_BOOKED: '您已预约过该时段',
    SERVICE_NOT_OFFERED: '该时段不提供所选服务',
    COUPON_RESERVED: '该券已被其他预约占用',
    WRONG_STORE: '该券不适用于此门店',
    COUPON_NOT_ATTACHABLE: '该券不能用于预约，请选择兑换券',
    STORE_INACTIVE: '该门店已暂停营业',
    SLOT_NOT_FOUND: '该时段不存在，请重新选择',
    VEHICLE_NOT_FOUND: '车辆不存在或已删除',
    INVALID_ID: '预约信息有误，请刷新后重试',
  }
  for (const [code, message] of Object.entries(expected)) {
    wx.reply('POST', '/api/mp/appointments', 409, {code, message: 'x'})
    await page.instance.submit()
    assert.equal(text(find(page, '#form-error')), message, code)
  }
})

test('a day without slots, and another day picked', async () => {
  const wx = member().reply('GET', SLOTS, 200, {items: []})
  const page = openBook()
  await waitFor(() => find(page, '#no-slots'))
  assert.equal(text(find(page, '#no-slots')), '当天没有可预约的时段')
  wx.reply('GET', SLOTS, 200, {items: [fixtures.slot()]})
  tap(page, `#day-${TOMORROW}`)
  await waitFor(() => find(page, '#slot-31'))
  assert.equal(wx.calls('GET', SLOTS).pop().path,
    `/api/mp/stores/7/slots?from=${TOMORROW}&to=${TOMORROW}`)
})

test('no vehicle: asks to add one and books nothing', async () => {
  const wx = member().reply('GET', '/api/mp/vehicles', 200, {items: []})
  const page = openBook()
  await waitFor(() => find(page, '#slots'))
  assert.equal(text(find(page, '#no-vehicle')), '还没有添加车辆添加车辆')
  tap(page, '#slot-31')
  await waitFor(() => page.data.slotId === 31)
  await page.instance.submit()
  assert.equal(text(find(page, '#form-error')), '请先添加车辆')
  assert.equal(wx.calls('POST', '/api/mp/appointments').length, 0)
  tap(page, '#add-vehicle')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, ['/pages/vehicle/index'])
})

test('a failed load shows the error in Chinese and a retry that works', async () => {
  const wx = member().route('GET', '/api/mp/vehicles', () => ({networkError: true}))
  const page = openBook()
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error')), '预约信息加载失败网络异常，请检查网络后重试重试')
  wx.reply('GET', '/api/mp/vehicles', 200, {items: [fixtures.vehicle()]})
  tap(page, '#retry')
  await waitFor(() => find(page, '#slots'))
})

test('slots of an unknown store: the message, and a retry of the slots', async () => {
  const wx = member().reply('GET', SLOTS, 404, {code: 'NOT_FOUND', message: 'x'})
  const page = openBook()
  await waitFor(() => find(page, '#slots-error'))
  assert.equal(text(find(page, '#slots-error')), '门店不存在或已停止营业重试')
  wx.reply('GET', SLOTS, 200, {items: [fixtures.slot()]})
  tap(page, '#slots-retry')
  await waitFor(() => find(page, '#slot-31'))
})

test('rescheduling: only slots with the service; moves the appointment', async () => {
  const wx = member()
    .reply('GET', SLOTS, 200, {items: [fixtures.slot({service_types: ['wash']}),
      fixtures.slot({id: 33, starts_at: '2027-01-05T06:00:00Z', ends_at: '2027-01-05T07:00:00Z'})]})
    .reply('POST', '/api/mp/appointments/51/reschedule', 200,
      fixtures.appointment({slot_id: 33, starts_at: '2027-01-05T06:00:00Z'}))
  const page = openBook({appointment: '51', service: 'maintenance'})
  await waitFor(() => find(page, '#slots'))
  assert.equal(text(find(page, '#title')), '改约 · 人民广场店')
  assert.equal(text(find(page, '#slots')), '10:00-11:00不可选14:00-15:00剩余2')
  assert.equal(find(page, '#vehicles'), undefined)
  assert.equal(wx.calls('GET', '/api/mp/vehicles').length, 0)
  tap(page, '#slot-31')
  tap(page, '#slot-33')
  await waitFor(() => page.data.slotId === 33)
  await page.instance.submit()
  assert.deepEqual(wx.calls('POST', '/api/mp/appointments/51/reschedule').map(r => r.data),
    [{slot_id: 33}])
  assert.equal(wx.calls('POST', '/api/mp/appointments').length, 0)
  assert.deepEqual(wx.toasts, [{title: '改约成功', icon: 'success'}])
  assert.match(text(find(page, '#result')), /^改约成功2027-01-05 14:00 保养/)
})

test('from 保养提醒: the vehicle and the maintenance service are preselected', async () => {
  const wx = member().reply('GET', '/api/mp/vehicles', 200, {items: [fixtures.vehicle(),
    fixtures.vehicle({id: 14, plate: '京B67890', model: 'Golf'})]})
  wx.reply('POST', '/api/mp/appointments', 201, fixtures.appointment({vehicle_id: 14}))
  const page = openBook({vehicle_id: '14', service: 'maintenance'})
  await waitFor(() => find(page, '#slots'))
  assert.equal(page.data.vehicleId, 14)
  assert.match(find(page, '#vehicle-14').dom.className, /chip-on/)
  assert.doesNotMatch(find(page, '#vehicle-12').dom.className, /chip-on/)
  tap(page, '#slot-31')
  await waitFor(() => page.data.slotId === 31)
  await page.instance.submit()
  assert.deepEqual(wx.calls('POST', '/api/mp/appointments').map(r => r.data),
    [{slot_id: 31, vehicle_id: 14, service_type: 'maintenance'}])
})

test('a vehicle_id the member does not have falls back to the first vehicle', async () => {
  member()
  const page = openBook({vehicle_id: '99'})
  await waitFor(() => find(page, '#slots'))
  assert.equal(page.data.vehicleId, 12)
})

// The brand's appointment templates, and what the booking does with the subscribe dialog.
function subscribing(wx) {
  return wx.reply('GET', '/api/mp/subscriptions', 200, {items: fixtures.subscriptionTemplates()})
    .route('POST', '/api/mp/subscriptions', () => ({status: 200,
      body: {items: fixtures.subscriptionTemplates()}}))
    .reply('POST', '/api/mp/appointments', 201, fixtures.appointment())
}

test('确认预约 asks for the appointment messages from the tap and books without waiting', async () => {
  const wx = subscribing(member())
  let close
  wx.subscribeAnswer = ids => new Promise(r => {
    close = () => r({answer: Object.assign({errMsg: 'requestSubscribeMessage:ok'},
      ...ids.map(id => ({[id]: 'accept'})))})
  })
  const page = openBook()
  await waitFor(() => find(page, '#slots') && page.instance.subscriber.items)
  tap(page, '#slot-31')
  await waitFor(() => page.data.slotId === 31)
  const booked = page.instance.submit()
  assert.deepEqual(wx.subscribeRequests, [['Tpl_reminder-1', 'Tpl_resched-2', 'Tpl_cancel-3']])
  // The dialog is still open, and the booking is done.
  await booked
  assert.ok(find(page, '#result'))
  assert.equal(wx.calls('POST', '/api/mp/appointments').length, 1)
  assert.equal(wx.calls('POST', '/api/mp/subscriptions').length, 0)
  close()
  await page.instance.subscribing
  assert.deepEqual(wx.calls('POST', '/api/mp/subscriptions').map(r => r.data), [{
    errMsg: 'requestSubscribeMessage:ok', 'Tpl_reminder-1': 'accept', 'Tpl_resched-2': 'accept',
    'Tpl_cancel-3': 'accept'}])
  // The dialog is not what the member tapped for: only the booking's toast.
  assert.deepEqual(wx.toasts, [{title: '预约成功', icon: 'success'}])
})

test('the subscription failing in every way never stops the booking', async () => {
  const outcomes = {
    cancelled: () => ({fail: {errMsg: 'requestSubscribeMessage:fail cancel'}}),
    'main switch off': () => ({fail: {errCode: 20004, errMsg: 'requestSubscribeMessage:fail'}}),
    rejected: ids => ({answer: {errMsg: 'requestSubscribeMessage:ok', [ids[0]]: 'reject'}}),
  }
  for (const [what, answer] of Object.entries(outcomes)) {
    const wx = subscribing(member())
    wx.subscribeAnswer = answer
    const page = openBook()
    await waitFor(() => find(page, '#slots') && page.instance.subscriber.items)
    tap(page, '#slot-31')
    await waitFor(() => page.data.slotId === 31)
    await page.instance.submit()
    await page.instance.subscribing
    assert.ok(find(page, '#result'), what)
    assert.equal(wx.subscribeRequests.length, 1, what)
    assert.deepEqual(wx.toasts, [{title: '预约成功', icon: 'success'}], what)
    closePages()
  }

  // The network fails for the answer and for the templates.
  let wx = subscribing(member()).route('POST', '/api/mp/subscriptions', () => ({networkError: true}))
  let page = openBook()
  await waitFor(() => find(page, '#slots') && page.instance.subscriber.items)
  tap(page, '#slot-31')
  await waitFor(() => page.data.slotId === 31)
  await page.instance.submit()
  assert.equal((await page.instance.subscribing).state, 'unrecorded')
  assert.ok(find(page, '#result'))
  closePages()
  wx = subscribing(member()).route('GET', '/api/mp/subscriptions', () => ({networkError: true}))
  page = openBook()
  await waitFor(() => find(page, '#slots') && page.instance.subscriber.items)
  tap(page, '#slot-31')
  await waitFor(() => page.data.slotId === 31)
  await page.instance.submit()
  assert.ok(find(page, '#result'))
  assert.deepEqual(wx.subscribeRequests, [])
})

test('no subscribe dialog when the form is not complete', async () => {
  const wx = subscribing(member())
  const page = openBook()
  await waitFor(() => find(page, '#slots') && page.instance.subscriber.items)
  await page.instance.submit()
  assert.equal(text(find(page, '#form-error')), '请选择预约时段')
  assert.deepEqual(wx.subscribeRequests, [])
})

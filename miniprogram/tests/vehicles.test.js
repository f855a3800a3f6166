// 我的车辆 (pages/vehicles) and the vehicle form (pages/vehicle): the list, delete with a
// confirmation, the form's checks (the server's rules) and the server's refusals in Chinese.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap, fire, type} =
  require('./support/harness')
const fixtures = require('./support/fixtures')
const format = require('../utils/format')

const LIST = '/api/mp/vehicles'

test.afterEach(closePages)

test('the list shows loading, then each vehicle; edit and add open the form', async () => {
  let answer
  const wx = fakeWx().route('GET', LIST, () => new Promise(r => { answer = r }))
  const page = openPage('vehicles')
  await waitFor(() => answer, 2000, 'the vehicles request')
  assert.equal(text(find(page, '#loading')), '加载中…')
  answer({status: 200, body: {items: [fixtures.vehicle(),
    fixtures.vehicle({id: 13, plate: '沪AD12345', vin: null, purchase_date: null, model: '比亚迪 汉',
      mileage_km: 0})]}})
  await waitFor(() => find(page, '#list'))
  assert.equal(text(find(page, '#vehicle-12')),
    '京A12345宝马 X5车架号 LVSHCAMB1CE054249购车日期 2024-05-01行驶里程 12000 公里编辑删除')
  assert.equal(text(find(page, '#vehicle-13')), '沪AD12345比亚迪 汉行驶里程 0 公里编辑删除')
  tap(page, '#edit-13')
  tap(page, '#add')
  await waitFor(() => wx.navigations.length === 2)
  assert.deepEqual(wx.navigations, ['/pages/vehicle/index?id=13', '/pages/vehicle/index'])
})

test('no vehicles shows the empty state with the way to add one', async () => {
  const wx = fakeWx().reply('GET', LIST, 200, {items: []})
  const page = openPage('vehicles')
  await waitFor(() => find(page, '#empty'))
  assert.equal(text(find(page, '#empty')), '还没有添加车辆添加爱车，享受保养提醒和专属服务添加车辆')
  tap(page, '#add-first')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, ['/pages/vehicle/index'])
})

test('a failed list shows the error in Chinese and a retry that works', async () => {
  const wx = fakeWx().reply('GET', LIST, 503, {code: 'UNAVAILABLE', message: 'x'})
  const page = openPage('vehicles')
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error')), '车辆加载失败服务暂时不可用，请稍后再试重试')
  wx.reply('GET', LIST, 200, {items: [fixtures.vehicle()]})
  tap(page, '#retry')
  await waitFor(() => find(page, '#vehicle-12'))
})

test('ten vehicles: no more can be added, and the page says so', async () => {
  const items = Array.from({length: 10}, (_, i) => fixtures.vehicle({id: i + 1, plate: `京A1234${i}`}))
  fakeWx().reply('GET', LIST, 200, {items})
  const page = openPage('vehicles')
  await waitFor(() => find(page, '#list'))
  assert.equal(find(page, '#add'), undefined)
  assert.equal(text(find(page, '#full')), '最多可添加10辆车')
})

test('delete asks first: cancelling sends nothing, confirming deletes and reloads', async () => {
  const wx = fakeWx().reply('GET', LIST, 200, {items: [fixtures.vehicle()]})
  wx.route('DELETE', '/api/mp/vehicles/12', () => {
    wx.reply('GET', LIST, 200, {items: []})
    return {status: 204, body: ''}
  })
  const page = openPage('vehicles')
  await waitFor(() => find(page, '#vehicle-12'))

  wx.modalConfirms = false
  tap(page, '#delete-12')
  await waitFor(() => wx.modals.length === 1 && wx.modals[0].answered)
  assert.equal(wx.modals[0].title, '删除车辆')
  assert.equal(wx.modals[0].content, '确定删除 京A12345（宝马 X5）吗？删除后里程记录一并删除，无法恢复。')
  // The page acts in the modal's callback, so a DELETE would have been sent by now.
  assert.equal(wx.calls('DELETE', '/api/mp/vehicles/12').length, 0)
  assert.ok(find(page, '#vehicle-12'))

  wx.modalConfirms = true
  tap(page, '#delete-12')
  await waitFor(() => find(page, '#empty'))
  assert.equal(wx.calls('DELETE', '/api/mp/vehicles/12').length, 1)
  assert.deepEqual(wx.toasts, [{title: '已删除', icon: 'success'}])
})

test('a refused delete says why in Chinese and keeps the list', async () => {
  const wx = fakeWx().reply('GET', LIST, 200, {items: [fixtures.vehicle()]})
  wx.reply('DELETE', '/api/mp/vehicles/12', 503, {code: 'UNAVAILABLE', message: 'x'})
  const page = openPage('vehicles')
  await waitFor(() => find(page, '#vehicle-12'))
  tap(page, '#delete-12')
  await waitFor(() => wx.toasts.length)
  assert.deepEqual(wx.toasts, [{title: '服务暂时不可用，请稍后再试', icon: 'none'}])
  assert.ok(find(page, '#vehicle-12'))
})

// Types each field of the vehicle form.
async function fill(page, fields) {
  for (const [selector, value] of Object.entries(fields)) type(page, selector, value)
  await waitFor(() => Object.entries(fields).every(([selector, value]) =>
    page.instance.data.form[{'#plate': 'plate', '#vin': 'vin', '#model': 'model',
      '#mileage': 'mileage', '#correction-reason': 'correctionReason'}[selector]] === value))
}

async function submit(page) {
  await page.instance.submit()
}

test('the form shows what to fix under each field and sends nothing', async () => {
  const wx = fakeWx()
  const page = openPage('vehicle')
  await waitFor(() => find(page, '#form'))
  tap(page, '#submit')
  await waitFor(() => find(page, '#error-plate'))
  assert.equal(text(find(page, '#error-plate')), '请输入车牌号')
  assert.equal(text(find(page, '#error-model')), '请输入车型')

  await fill(page, {'#plate': '学A12345', '#model': '宝马 X5', '#vin': 'LVSHCAMB2CE054249',
    '#mileage': '12x'})
  await submit(page)
  assert.equal(text(find(page, '#error-plate')), '车牌号格式不正确，例如 京A12345 或新能源 沪AD12345')
  assert.equal(text(find(page, '#error-vin')), '车架号须为17位字母或数字（不含I、O、Q），且校验位正确')
  assert.equal(text(find(page, '#error-mileage')), '行驶里程须为0到9999999之间的整数（公里）')
  assert.equal(find(page, '#error-model'), undefined)

  // A purchase date after today (Beijing) is refused too.
  const tomorrow = format.beijingToday(Date.now() + 86400000)
  fire(page, '#purchase-date', 'change', {value: tomorrow})
  await waitFor(() => page.instance.data.form.purchaseDate === tomorrow)
  await submit(page)
  assert.equal(text(find(page, '#error-purchaseDate')), '购车日期须在1950-01-01到今天之间')
  assert.equal(wx.calls('POST', LIST).length, 0)
})

test('a valid vehicle is sent normalised, then the page says so and goes back', async () => {
  const wx = fakeWx().reply('POST', LIST, 201, fixtures.vehicle())
  const page = openPage('vehicle')
  await waitFor(() => find(page, '#form'))
  await fill(page, {'#plate': '京a·12345', '#model': ' 宝马 X5 ', '#vin': 'lvshcamb1ce054249',
    '#mileage': '12000'})
  fire(page, '#purchase-date', 'change', {value: '2024-05-01'})
  await waitFor(() => page.instance.data.form.purchaseDate === '2024-05-01')
  tap(page, '#submit')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.calls('POST', LIST).map(r => r.data), [{plate: '京A12345',
    vin: 'LVSHCAMB1CE054249', model: '宝马 X5', purchase_date: '2024-05-01', mileage_km: 12000}])
  assert.deepEqual(wx.toasts, [{title: '已添加', icon: 'success'}])
  assert.deepEqual(wx.navigations, ['back'])
})

test('the server refusing a plate (VEHICLE_EXISTS) or the 11th car shows it in Chinese', async () => {
  const wx = fakeWx().reply('POST', LIST, 409, {code: 'VEHICLE_EXISTS', message: 'x'})
  const page = openPage('vehicle')
  await waitFor(() => find(page, '#form'))
  await fill(page, {'#plate': '沪AD12345', '#model': '比亚迪 汉'})
  await submit(page)
  assert.equal(text(find(page, '#error-plate')), '该车牌号已被登记')
  assert.deepEqual(wx.calls('POST', LIST).map(r => r.data), [{plate: '沪AD12345', model: '比亚迪 汉'}])

  wx.reply('POST', LIST, 409, {code: 'VEHICLE_LIMIT', message: 'x'})
  await submit(page)
  assert.equal(text(find(page, '#submit-error')), '最多可添加10辆车')
  assert.deepEqual(wx.navigations, [])
})

test('editing: a lower mileage asks for a reason, and only what changed is sent', async () => {
  const wx = fakeWx().reply('GET', LIST, 200, {items: [fixtures.vehicle()]})
  wx.reply('PATCH', '/api/mp/vehicles/12', 200, fixtures.vehicle({mileage_km: 1200}))
  const page = openPage('vehicle', {id: '12'})
  await waitFor(() => find(page, '#form'))
  assert.equal(page.instance.data.form.plate, '京A12345')
  assert.equal(find(page, '#reason-field'), undefined)

  await fill(page, {'#mileage': '1200'})
  await waitFor(() => find(page, '#reason-field'))
  await submit(page)
  assert.equal(text(find(page, '#error-correctionReason')), '里程比上次记录的12000公里少，请填写更正原因')
  assert.equal(wx.calls('PATCH', '/api/mp/vehicles/12').length, 0)

  await fill(page, {'#correction-reason': '更换仪表'})
  await submit(page)
  assert.deepEqual(wx.calls('PATCH', '/api/mp/vehicles/12').map(r => r.data),
    [{mileage_km: 1200, correction_reason: '更换仪表'}])
  assert.deepEqual(wx.toasts, [{title: '已保存', icon: 'success'}])
  assert.deepEqual(wx.navigations, ['back'])
})

test('editing: the server asking for a correction reason opens the field with its message', async () => {
  const wx = fakeWx().reply('GET', LIST, 200, {items: [fixtures.vehicle({mileage_km: 100})]})
  // Another phone raised the reading meanwhile.
  wx.reply('PATCH', '/api/mp/vehicles/12', 400, {code: 'CORRECTION_REASON_REQUIRED', message: 'x'})
  const page = openPage('vehicle', {id: '12'})
  await waitFor(() => find(page, '#form'))
  await fill(page, {'#mileage': '500'})
  await submit(page)
  assert.equal(text(find(page, '#error-correctionReason')), '里程比上次记录少，请填写更正原因')
})

test('editing a vehicle that is gone, or when the list fails', async () => {
  const wx = fakeWx().reply('GET', LIST, 200, {items: []})
  const gone = openPage('vehicle', {id: '99'})
  await waitFor(() => find(gone, '#not-found'))
  assert.match(text(find(gone, '#not-found')), /^车辆不存在或已删除/)

  wx.route('GET', LIST, () => ({networkError: true}))
  const failed = openPage('vehicle', {id: '12'})
  await waitFor(() => find(failed, '#error'))
  assert.equal(text(find(failed, '#error-message')), '网络异常，请检查网络后重试')
  wx.reply('GET', LIST, 200, {items: [fixtures.vehicle()]})
  tap(failed, '#retry')
  await waitFor(() => find(failed, '#form'))
})

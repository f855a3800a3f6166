// 门店 (pages/stores): with and without the location permission, distance text, calling a store
// and navigating to it.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const fixtures = require('./support/fixtures')

const NEAR = '/api/mp/stores?lat=31.200000&lng=121.500000'

test.afterEach(closePages)

test('with the position: nearest first with the distance in m or km; call and navigate', async () => {
  let answer
  const wx = fakeWx().route('GET', NEAR, () => new Promise(r => { answer = r }))
  const page = openPage('stores')
  await waitFor(() => answer, 2000, 'the stores request')
  assert.equal(text(find(page, '#loading')), '加载中…')
  assert.deepEqual(wx.locationRequests, [{type: 'gcj02'}])
  answer({status: 200, body: {items: [
    fixtures.store(),
    fixtures.store({id: 8, name: '虹桥店', distance_m: 12345, phone: '', hours: ''}),
    fixtures.store({id: 9, name: '浦东店', address: '', phone: '', hours: '', latitude: null,
      longitude: null, distance_m: null}),
  ]}})
  await waitFor(() => find(page, '#list'))
  assert.equal(find(page, '#no-location'), undefined)
  assert.equal(text(find(page, '#store-7')),
    '人民广场店850m上海市黄浦区人民大道 1 号营业时间 08:30-18:00电话 021-6355 1234拨打电话导航预约')
  assert.equal(text(find(page, '#distance-8')), '12.3km')
  assert.equal(text(find(page, '#store-9')), '浦东店预约')
  assert.equal(find(page, '#call-8'), undefined)
  assert.equal(find(page, '#navigate-9'), undefined)

  tap(page, '#call-7')
  tap(page, '#navigate-7')
  await waitFor(() => wx.phoneCalls.length && wx.openedLocations.length)
  assert.deepEqual(wx.phoneCalls, [{phoneNumber: '021-6355 1234'}])
  assert.deepEqual(wx.openedLocations, [{latitude: 31.230416, longitude: 121.473701,
    name: '人民广场店', address: '上海市黄浦区人民大道 1 号', scale: 16}])
})

test('location refused: the list without position or distance, and the page says why', async () => {
  const wx = fakeWx()
  wx.location = null
  wx.reply('GET', '/api/mp/stores', 200, {items: [fixtures.store({distance_m: null})]})
  const page = openPage('stores')
  await waitFor(() => find(page, '#list'))
  assert.equal(wx.calls('GET', /^\/api\/mp\/stores/).map(r => r.path).join(), '/api/mp/stores')
  assert.equal(text(find(page, '#no-location')), '未获取到您的位置，门店按名称排列，不显示距离')
  assert.equal(find(page, '#distance-7'), undefined)
  // Calling and navigating need no permission of the member's own position.
  tap(page, '#navigate-7')
  await waitFor(() => wx.openedLocations.length)
  assert.equal(wx.openedLocations[0].latitude, 31.230416)
})

test('no stores shows the empty state', async () => {
  fakeWx().reply('GET', NEAR, 200, {items: []})
  const page = openPage('stores')
  await waitFor(() => find(page, '#empty'))
  assert.equal(text(find(page, '#empty')), '暂无门店')
})

test('a failed list shows the error in Chinese and a retry that works', async () => {
  const wx = fakeWx().route('GET', NEAR, () => ({networkError: true}))
  const page = openPage('stores')
  await waitFor(() => find(page, '#error'))
  assert.equal(text(find(page, '#error')), '门店加载失败网络异常，请检查网络后重试重试')
  wx.reply('GET', NEAR, 200, {items: [fixtures.store()]})
  tap(page, '#retry')
  await waitFor(() => find(page, '#store-7'))
})

test('预约 opens the booking page for that store', async () => {
  const wx = fakeWx().reply('GET', NEAR, 200, {items: [fixtures.store()]})
  const page = openPage('stores')
  await waitFor(() => find(page, '#book-7'))
  assert.equal(find(page, '#for-vehicle'), undefined)
  tap(page, '#book-7')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations,
    [`/pages/book/index?store_id=7&store_name=${encodeURIComponent('人民广场店')}`])
})

test('from 保养提醒 (vehicle_id): the page says why, and 预约 hands the vehicle and maintenance on', async () => {
  const wx = fakeWx().reply('GET', NEAR, 200, {items: [fixtures.store()]})
  const page = openPage('stores', {vehicle_id: '5'})
  await waitFor(() => find(page, '#book-7'))
  assert.equal(text(find(page, '#for-vehicle')), '请选择预约保养的门店')
  tap(page, '#book-7')
  await waitFor(() => wx.navigations.length)
  assert.deepEqual(wx.navigations, [`/pages/book/index?store_id=7&store_name=${
    encodeURIComponent('人民广场店')}&vehicle_id=5&service=maintenance`])
})

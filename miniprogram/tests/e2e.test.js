// End to end: the mini-program's own request layer and pages, with wx.request done over real
// HTTP and wx.login giving a sandbox code, against a real `mileage serve` and `mileage sandbox
// serve` (tests/support/mileage.js). A member logs in, a forged token is replaced by one silent
// re-login, staff create and activate a stock in the console, the member claims it on the claim
// page (a second claim is refused LIMIT_REACHED), sees it on the coupons page, opens it, the QR
// drawn on the coupon page is scanned and redeemed at the counter through the console, and the
// page turns to 已核销. A second member's pages: the home card, adding a vehicle through the
// vehicle form (a second add of the plate refused in Chinese) which the card then counts, a
// sandbox payment's points in the points history, stores with the distance, phone binding and
// a consent on the profile page, and an empty 我的合作伙伴 with an unknown partner's unlink refused.
// A third member books a service slot that staff published on the booking page, a second
// member is refused SLOT_FULL for the same seat, and the first cancels it on 我的预约.
// Needs the mileage binary (MILEAGE_BIN, default build/asan/server/mileage): skipped without
// it unless MILEAGE_E2E_REQUIRED=1 (scripts/test sets it), which makes a missing binary fail.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('fs')
const {openPage, waitFor, text, find, tap, fire, type} =
  require('./support/harness')
const {withMileage, realWx, binaryPath} = require('./support/mileage')
const {rgbaContext, scan} = require('./support/canvas')
const api = require('../utils/api')
const qr = require('../utils/qr')
const timing = require('../utils/timing')
const format = require('../utils/format')
const {TOKEN_KEY} = require('../utils/request')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const skip = !required && !fs.existsSync(binaryPath()) &&
  `no mileage binary at ${binaryPath()} (build it, or set MILEAGE_BIN)`

// What the coupon page draws, as a scanner at the counter reads it.
const scanned = []
qr.drawOnCanvas = (page, selector, token) => {
  const ctx = rgbaContext(400)
  qr.draw(ctx, token, 400)
  scanned.push(scan(ctx))
}

test('a member claims a coupon, shows its QR, staff redeem it, the page says 已核销',
  {skip, timeout: 180000}, async () => {
    await withMileage(async mileage => {
      // The sandbox names a WeChat user by the code: the same user logs in each time.
      const wx = realWx(mileage, 'e2e-alice')
      timing.couponPollMs = 100

      // Login through the request layer, then a forged token: one silent re-login.
      const me = await api.me()
      assert.match(me.member.number, /^\d{12}$/)
      assert.equal(me.appid, 'wx8888888888888888')
      assert.match(wx.storage.get(TOKEN_KEY), /^mmt1\./)
      wx.storage.set(TOKEN_KEY, `mmt1.${'0'.repeat(64)}.${'0'.repeat(32)}`)
      const again = await api.me()
      assert.equal(again.member.id, me.member.id)
      assert.equal(wx.logins, 2)

      // Staff run a campaign: 50 off 300, one per member.
      await mileage.consoleLogin()
      const created = await mileage.console('POST', '/api/console/stocks', {
        node: {type: 'brand', id: mileage.brandId}, name: '满300减50', type: 'cash',
        value_fen: 5000, threshold_fen: 30000, valid_days: 30, total_quantity: 100,
        per_member_limit: 1, channels: ['claim'],
      })
      assert.equal(created.status, 201, JSON.stringify(created.body))
      const stockId = created.body.id
      const activated = await mileage.console('PATCH', `/api/console/stocks/${stockId}`,
        {state: 'active'})
      assert.equal(activated.status, 200, JSON.stringify(activated.body))

      // The claim centre lists it; claiming it says so and, at the limit, it leaves the list.
      const claim = openPage('claim')
      await waitFor(() => find(claim, `#stock-${stockId}`), 10000, 'the stock on the claim page')
      assert.match(text(find(claim, `#stock-${stockId}`)), /^¥50满300减50满300元可用领取后30天内有效/)
      tap(claim, `#claim-${stockId}`)
      await waitFor(() => find(claim, '#empty'), 10000, 'the claim page after the claim')
      assert.deepEqual(wx.toasts, [{title: '领取成功', icon: 'success'}])
      await assert.rejects(api.claim(stockId), {status: 409, code: 'LIMIT_REACHED'})

      // My coupons: it is usable.
      const coupons = openPage('coupons')
      await waitFor(() => find(coupons, '#list'), 10000, 'the coupon list')
      assert.equal(coupons.data.items.length, 1)
      const couponId = coupons.data.items[0].id
      assert.match(text(find(coupons, `#coupon-${couponId}`)), /^¥50满300减50满300元可用有效期至 .*可使用$/)

      // Its page draws the redemption QR; the counter scans it and redeems the coupon.
      const detail = openPage('coupon', {id: String(couponId)})
      await waitFor(() => scanned.length, 10000, 'the QR on the coupon page')
      assert.match(scanned[0], new RegExp(`^cq1\\.${couponId}\\.\\d+\\.[0-9a-f]{16}\\.[0-9a-f]{32}$`))
      const redeemed = await mileage.console('POST', '/api/console/redemptions', {
        qr_token: scanned[scanned.length - 1], store_id: mileage.storeId, order_amount_fen: 32000,
        request_id: 'e2e-till-0001',
      })
      assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body))
      assert.equal(redeemed.body.discount_fen, 5000)

      await waitFor(() => find(detail, '#redeemed'), 10000, 'the 已核销 state')
      assert.match(text(find(detail, '#redeemed')), /^已核销核销时间 \d{4}-\d\d-\d\d \d\d:\d\d核销码：/)
      assert.equal(find(detail, '#coupon-qr'), undefined)
      const used = await api.coupons('redeemed')
      assert.deepEqual(used.items.map(c => c.id), [couponId])
    })
  })

test('a member sees the card, adds a vehicle, sees a payment\'s points, the stores and the profile',
  {skip, timeout: 180000}, async () => {
    await withMileage(async mileage => {
      const wx = realWx(mileage, 'e2e-bob')

      // 首页: the card of a new member (silver, no vehicle), number in groups of four.
      const home = openPage('home')
      await waitFor(() => find(home, '#card') || find(home, '#error'), 10000, 'the home card')
      assert.equal(home.instance.data.errorMessage, '')
      const me = await api.me()
      assert.equal(text(find(home, '#member-number')), me.member.number.replace(/(\d{4})(?=\d)/g, '$1 '))
      assert.match(text(find(home, '#member-number')), /^\d{4} \d{4} \d{4}$/)
      assert.equal(text(find(home, '#tier')), '银卡会员')
      assert.equal(text(find(home, '#vehicles')), '0')
      assert.equal(text(find(home, '#points')), '0')

      // 我的车辆: empty; the form adds one, normalised by the server as typed here.
      const vehicles = openPage('vehicles')
      await waitFor(() => find(vehicles, '#empty'), 10000, 'the empty vehicle list')
      const form = openPage('vehicle')
      await waitFor(() => find(form, '#form'))
      type(form, '#plate', '京a·12345')
      type(form, '#model', '宝马 X5')
      type(form, '#vin', 'lvshcamb1ce054249')
      type(form, '#mileage', '12000')
      fire(form, '#purchase-date', 'change', {value: '2024-05-01'})
      await waitFor(() => form.instance.data.form.purchaseDate === '2024-05-01' &&
        form.instance.data.form.mileage === '12000')
      await form.instance.submit()
      assert.deepEqual(wx.navigations, ['back'])
      vehicles.instance.onShow()
      await waitFor(() => find(vehicles, '#list'), 10000, 'the vehicle list')
      assert.match(text(find(vehicles, '#list')),
        /^京A12345宝马 X5车架号 LVSHCAMB1CE054249购车日期 2024-05-01行驶里程 12000 公里/)

      // The same plate again: the server refuses it, shown in Chinese under the plate.
      const again = openPage('vehicle')
      await waitFor(() => find(again, '#form'))
      type(again, '#plate', '京A12345')
      type(again, '#model', '另一辆')
      await waitFor(() => again.instance.data.form.model === '另一辆')
      await again.instance.submit()
      assert.equal(text(find(again, '#error-plate')), '该车牌号已被登记')

      // Back on 首页 the card counts the vehicle.
      home.instance.onShow()
      await waitFor(() => text(find(home, '#vehicles')) === '1', 10000, 'the card with 1 vehicle')

      // A payment of 88.00 yuan at the store: 88 points (1 per yuan without an earning rule).
      await mileage.pay(8800, 'e2e-bob')
      const points = openPage('points')
      await waitFor(() => find(points, '#list'), 10000, 'the points history')
      assert.equal(points.data.items.length, 1)
      assert.match(text(find(points, '#list')), /^消费\d{4}-\d\d-\d\d \d\d:\d\d\+88没有更多了$/)
      home.instance.onShow()
      await waitFor(() => text(find(home, '#points')) === '88', 10000, 'the card with 88 points')

      // 门店: staff give the store a position; the member's is 31.2, 121.5 (the harness's).
      await mileage.consoleLogin()
      const placed = await mileage.console('PATCH', `/api/console/stores/${mileage.storeId}`,
        {latitude: 31.230416, longitude: 121.473701, phone: '021-6355 1234'})
      assert.equal(placed.status, 200, JSON.stringify(placed.body))
      const stores = openPage('stores')
      await waitFor(() => find(stores, `#store-${mileage.storeId}`), 10000, 'the store')
      // Haversine on the mean Earth radius: 4206 m.
      assert.equal(text(find(stores, `#distance-${mileage.storeId}`)), '4.2km')
      tap(stores, `#navigate-${mileage.storeId}`)
      await waitFor(() => wx.openedLocations.length)
      assert.deepEqual(wx.openedLocations[0], {latitude: 31.230416, longitude: 121.473701,
        name: 'Store 1', address: '', scale: 16})

      // 个人信息: the sandbox gives 13800138000 for this button code; a consent is recorded.
      const profile = openPage('profile')
      await waitFor(() => find(profile, '#profile'), 10000, 'the profile')
      assert.equal(text(find(profile, '#phone')), '未绑定')
      fire(profile, '#bind-phone', 'getphonenumber', {errMsg: 'getPhoneNumber:ok',
        code: 'phone-13800138000'})
      await waitFor(() => text(find(profile, '#phone')) === '138****8000', 10000, 'the bound phone')
      fire(profile, '#switch-marketing', 'change', {value: true})
      await waitFor(() => /^已同意 · 文本版本 2026-01 · \d{4}-/.test(text(find(profile, '#state-marketing'))),
        10000, 'the marketing consent')
      const stored = await api.profile()
      assert.equal(stored.phone, '138****8000')
      assert.deepEqual([stored.consents.marketing.granted, stored.consents.marketing.text_version],
        [true, '2026-01'])
      assert.equal(stored.consents.partner_sharing.granted, false)

      // 我的合作伙伴: no partner has identified this member (the partners' signed API links
      // members); unlinking a partner of the brand they never met is refused, 404.
      const partners = openPage('partners')
      await waitFor(() => find(partners, '#empty'), 10000, 'the empty partner list')
      await mileage.consoleLogin()
      const partner = await mileage.console('POST', '/api/console/partners',
        {name: '中石化', category: 'fuel'})
      assert.equal(partner.status, 201, JSON.stringify(partner.body))
      await assert.rejects(api.unlinkPartner(partner.body.partner.id),
        {status: 404, code: 'PARTNER_NOT_FOUND'})
    })
  })

test('a member books a published slot, a second is refused SLOT_FULL, the first cancels it',
  {skip, timeout: 180000}, async () => {
    await withMileage(async mileage => {
      const store = mileage.storeId

      // Staff publish tomorrow's slots (Beijing): one seat each hour, 09:00 to 18:00.
      await mileage.consoleLogin()
      const schedule = await mileage.console('PUT', `/api/console/stores/${store}/schedule`, {
        hours: Array(7).fill('09:00-18:00'), slot_minutes: 60, capacity: 1,
        service_types: ['maintenance', 'wash'], cutoff_minutes: 60,
      })
      assert.equal(schedule.status, 200, JSON.stringify(schedule.body))
      const tomorrow = format.beijingToday(Date.now() + 86400000)
      const generated = await mileage.console('POST', `/api/console/stores/${store}/slots/generate`,
        {from: tomorrow, to: tomorrow})
      assert.equal(generated.status, 200, JSON.stringify(generated.body))
      assert.equal(generated.body.created, 9)

      // 预约保养: tomorrow's first slot, 保养 (the first service), the member's vehicle.
      let wx = realWx(mileage, 'e2e-carol')
      const vehicle = await api.addVehicle({plate: '沪B67890', model: '大众 帕萨特'})
      const book = openPage('book', {store_id: String(store), store_name: 'Store%201'})
      await waitFor(() => find(book, '#slots') || find(book, '#no-slots') || find(book, '#error'),
        10000, 'the booking form')
      tap(book, `#day-${tomorrow}`)
      await waitFor(() => book.data.day === tomorrow && find(book, '#slots'), 10000,
        'tomorrow\'s slots')
      assert.equal(book.data.slots.length, 9)
      const first = book.data.slots[0]
      assert.deepEqual([first.time, first.remaining], ['09:00-10:00', 1])
      assert.equal(text(find(book, `#vehicle-${vehicle.id}`)), '沪B67890 大众 帕萨特')
      tap(book, `#slot-${first.id}`)
      await waitFor(() => book.data.slotId === first.id)
      await book.instance.submit()
      assert.equal(book.data.formError, '')
      assert.equal(text(find(book, '#result-detail')), `${tomorrow} 09:00 保养`)
      assert.deepEqual(wx.toasts, [{title: '预约成功', icon: 'success'}])
      const booked = await api.appointments()
      assert.equal(booked.items.length, 1)
      const appointment = booked.items[0]
      assert.deepEqual([appointment.slot_id, appointment.vehicle_id, appointment.service_type,
        appointment.state], [first.id, vehicle.id, 'maintenance', 'booked'])
      assert.equal((await api.slots(store, tomorrow)).items[0].remaining, 0)

      // Another member, the same seat: SLOT_FULL, nothing booked for them.
      realWx(mileage, 'e2e-dave')
      const daveVehicle = await api.addVehicle({plate: '沪C11111', model: '丰田 凯美瑞'})
      await assert.rejects(api.book({slot_id: first.id, vehicle_id: daveVehicle.id,
        service_type: 'wash'}), {status: 409, code: 'SLOT_FULL'})
      assert.deepEqual((await api.appointments()).items, [])

      // 我的预约: the visit is upcoming; cancelling (confirmed) frees the seat.
      wx = realWx(mileage, 'e2e-carol')
      const list = openPage('appointments')
      await waitFor(() => find(list, `#appointment-${appointment.id}`), 10000, 'the appointment')
      assert.equal(text(find(list, `#appointment-${appointment.id}`)),
        `Store 1已预约${tomorrow} 09:00 保养沪B67890 大众 帕萨特改约取消预约`)
      tap(list, `#cancel-${appointment.id}`)
      await waitFor(() => find(list, '#no-upcoming'), 10000, 'the cancelled appointment')
      assert.equal(text(find(list, `#state-${appointment.id}`)), '已取消')
      assert.deepEqual(wx.toasts, [{title: '已取消', icon: 'success'}])
      assert.equal((await api.appointment(appointment.id)).state, 'cancelled')
      assert.equal((await api.slots(store, tomorrow)).items[0].remaining, 1)
    })
  })

// End to end: a coupon held for an appointment, through the mini-program's pages against a real
// `mileage serve` and the sandbox (tests/support/mileage.js). Staff publish tomorrow's slots and
// a claimable exchange coupon (洗车一次); a member claims it and books a slot with it on
// 预约保养; 优惠券 and the coupon page then read 已预约占用 with no QR (the server refuses one:
// COUPON_RESERVED), and 预约保养 no longer offers it; once the member cancels the appointment on
// 我的预约 the coupon page shows its QR again. Skipped without the mileage binary unless
// MILEAGE_E2E_REQUIRED=1.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('fs')
const {openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const {withMileage, realWx, binaryPath} = require('./support/mileage')
const api = require('../utils/api')
const qr = require('../utils/qr')
const format = require('../utils/format')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const skip = !required && !fs.existsSync(binaryPath()) &&
  `no mileage binary at ${binaryPath()} (build it, or set MILEAGE_BIN)`

const drawn = []
qr.drawOnCanvas = (page, selector, token) => drawn.push(token)

test('a coupon attached to an appointment is held until the appointment is cancelled',
  {skip, timeout: 180000}, async () => {
    await withMileage(async mileage => {
      const store = mileage.storeId
      await mileage.consoleLogin()
      const schedule = await mileage.console('PUT', `/api/console/stores/${store}/schedule`, {
        hours: Array(7).fill('09:00-18:00'), slot_minutes: 60, capacity: 1,
        service_types: ['maintenance', 'wash'], cutoff_minutes: 60,
      })
      assert.equal(schedule.status, 200, JSON.stringify(schedule.body))
      const tomorrow = format.beijingToday(Date.now() + 86400000)
      const generated = await mileage.console('POST',
        `/api/console/stores/${store}/slots/generate`, {from: tomorrow, to: tomorrow})
      assert.equal(generated.status, 200, JSON.stringify(generated.body))
      const created = await mileage.console('POST', '/api/console/stocks', {
        node: {type: 'brand', id: mileage.brandId}, name: '洗车券', type: 'exchange',
        item: '洗车一次', valid_days: 30, total_quantity: 100, per_member_limit: 1,
        channels: ['claim'],
      })
      assert.equal(created.status, 201, JSON.stringify(created.body))
      const activated = await mileage.console('PATCH', `/api/console/stocks/${created.body.id}`,
        {state: 'active'})
      assert.equal(activated.status, 200, JSON.stringify(activated.body))

      const wx = realWx(mileage, 'e2e-gina')
      const coupon = await api.claim(created.body.id)
      const vehicle = await api.addVehicle({plate: '沪D22222', model: '本田 雅阁'})

      // 预约保养 with the coupon.
      let book = openPage('book', {store_id: String(store), store_name: 'Store%201'})
      await waitFor(() => find(book, '#slots') || find(book, '#no-slots') || find(book, '#error'),
        10000, 'the booking form')
      tap(book, `#day-${tomorrow}`)
      await waitFor(() => book.data.day === tomorrow && find(book, '#slots'), 10000,
        'tomorrow\'s slots')
      const first = book.data.slots[0]
      tap(book, `#slot-${first.id}`)
      tap(book, `#coupon-${coupon.id}`)
      await waitFor(() => book.data.slotId === first.id && book.data.couponId === coupon.id)
      await book.instance.submit()
      assert.equal(book.data.formError, '')
      const appointment = (await api.appointments()).items[0]
      assert.equal(appointment.coupon_id, coupon.id)
      closePages()

      // 优惠券: held, not usable at the counter; its page shows no QR.
      const coupons = openPage('coupons')
      await waitFor(() => find(coupons, `#coupon-${coupon.id}`), 10000, 'the coupon list')
      assert.equal(text(find(coupons, `#coupon-state-${coupon.id}`)), '已预约占用')
      assert.match(text(find(coupons, `#coupon-${coupon.id}`)), /已用于预约，到店服务时由门店核销/)
      let detail = openPage('coupon', {id: String(coupon.id)})
      await waitFor(() => find(detail, '#held'), 10000, 'the held coupon')
      assert.equal(find(detail, '#coupon-qr'), undefined)
      assert.equal(drawn.length, 0)
      await assert.rejects(api.couponQr(coupon.id), {status: 409, code: 'COUPON_RESERVED'})
      closePages()

      // 预约保养 does not offer it for another booking.
      book = openPage('book', {store_id: String(store), store_name: 'Store%201'})
      await waitFor(() => book.data.status === 'ready', 10000, 'the booking form')
      assert.deepEqual(book.data.coupons, [])
      closePages()

      // 我的预约: cancelled; the coupon is the counter's again.
      const list = openPage('appointments')
      await waitFor(() => find(list, `#cancel-${appointment.id}`), 10000, 'the appointment')
      tap(list, `#cancel-${appointment.id}`)
      await waitFor(() => find(list, '#no-upcoming'), 10000, 'the cancelled appointment')
      closePages()
      detail = openPage('coupon', {id: String(coupon.id)})
      await waitFor(() => drawn.length, 10000, 'the QR of the freed coupon')
      assert.match(drawn[0], new RegExp(`^cq1\\.${coupon.id}\\.`))
      assert.ok(find(detail, '#usable'))
      assert.equal((await api.coupon(coupon.id)).reserved_for_appointment_id, null)
      assert.ok(wx.toasts.length >= 2)
    })
  })

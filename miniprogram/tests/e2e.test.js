// End to end: the mini-program's own request layer and pages, with wx.request done over real
// HTTP and wx.login giving a sandbox code, against a real `mileage serve` and `mileage sandbox
// serve` (tests/support/mileage.js). A member logs in, a forged token is replaced by one silent
// re-login, staff create and activate a stock in the console, the member claims it on the claim
// page (a second claim is refused LIMIT_REACHED), sees it on the coupons page, opens it, the QR
// drawn on the coupon page is scanned and redeemed at the counter through the console, and the
// page turns to 已核销.
// Needs the mileage binary (MILEAGE_BIN, default build/asan/server/mileage): skipped without
// it unless MILEAGE_E2E_REQUIRED=1 (scripts/test sets it), which makes a missing binary fail.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('fs')
const {fakeWx, openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const {Mileage, wxRequestOverHttp, binaryPath} = require('./support/mileage')
const {rgbaContext, scan} = require('./support/canvas')
const config = require('../config')
const api = require('../utils/api')
const qr = require('../utils/qr')
const timing = require('../utils/timing')
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
    const mileage = new Mileage()
    try {
      await mileage.start()
      const wx = fakeWx()
      global.wx.request = wxRequestOverHttp
      // The sandbox names a WeChat user by the code: the same user logs in each time.
      global.wx.login = opts => {
        wx.logins += 1
        setTimeout(() => opts.success({code: 'e2e-alice', errMsg: 'login:ok'}), 0)
      }
      config.baseUrl = mileage.base
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
    } catch (err) {
      if (mileage.children) console.error(mileage.logs())
      throw err
    } finally {
      closePages()
      await mileage.stop()
    }
  })

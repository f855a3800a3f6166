// End to end, packages and orders (docs/API.md, "Packages and orders"): staff make an exchange stock that takes
// grants and a package of three of its coupons for 99.00 yuan at the store and put it on sale
// through the console API; a member sees it on 套餐, taps 购买, and WeChat's cashier
// (wx.requestPayment, faked at the boundary) is replaced by the sandbox paying the JSAPI order;
// the order page asks again until WeChat's notification has made the order paid and lists the
// three coupons; a duplicated notification grants nothing more; 我的订单 shows it 已支付.
// Like e2e.test.js it needs the mileage binary (MILEAGE_BIN); MILEAGE_E2E_REQUIRED=1 (as
// scripts/test sets it) makes a missing binary a failure instead of a skip.
const test = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('crypto')
const fs = require('fs')
const {openPage, waitFor, text, find, tap} = require('./support/harness')
const {withMileage, realWx, binaryPath, APPID} = require('./support/mileage')
const api = require('../utils/api')
const timing = require('../utils/timing')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const skip = !required && !fs.existsSync(binaryPath()) &&
  `no mileage binary at ${binaryPath()} (build it, or set MILEAGE_BIN)`

test('a member buys a package: ordered, paid through the sandbox, its coupons on the order page',
  {skip, timeout: 180000}, async () => {
    await withMileage(async mileage => {
      // The merchant's API key before the service starts (a running service sees merchant
      // changes made by `mileage admin` within 60 s).
      const wx = realWx(mileage, 'e2e-carol')
      timing.orderPollMs = 200
      timing.orderPollForMs = 20000

      // Staff: an exchange stock that takes grants, and a package of three of its coupons.
      await mileage.consoleLogin()
      const stock = await mileage.console('POST', '/api/console/stocks', {
        node: {type: 'brand', id: mileage.brandId}, name: '精洗券', type: 'exchange',
        item: '洗车一次', valid_days: 90, total_quantity: 100, per_member_limit: 10,
        channels: ['grant'],
      })
      assert.equal(stock.status, 201, JSON.stringify(stock.body))
      const activated = await mileage.console('PATCH', `/api/console/stocks/${stock.body.id}`,
        {state: 'active'})
      assert.equal(activated.status, 200, JSON.stringify(activated.body))
      const created = await mileage.console('POST', '/api/console/packages', {
        store_id: mileage.storeId, name: '洗车套餐', description: '三次精洗', price_fen: 9900,
        items: [{stock_id: stock.body.id, quantity: 3}],
      })
      assert.equal(created.status, 201, JSON.stringify(created.body))
      const pkgId = created.body.id
      const onSale = await mileage.console('PATCH', `/api/console/packages/${pkgId}`,
        {state: 'on_sale'})
      assert.equal(onSale.status, 200, JSON.stringify(onSale.body))

      // WeChat's cashier: the sandbox pays the member's newest order; the notification goes
      // out on its own (it may reach the service after requestPayment returned).
      let paid = null
      global.wx.requestPayment = opts => {
        const fields = Object.assign({}, opts)
        for (const callback of ['success', 'fail', 'complete']) delete fields[callback]
        wx.payments.push(fields)
        api.orders(1, 1)
          .then(res => mileage.payOrder(res.items[0].out_trade_no))
          .then(res => {
            paid = res
            opts.success({errMsg: 'requestPayment:ok'})
          }, err => opts.fail({errMsg: `requestPayment:fail ${err.message}`}))
      }

      // 套餐: the package as the member sees it; 购买.
      const packages = openPage('packages')
      await waitFor(() => find(packages, `#package-${pkgId}`), 10000, 'the package')
      assert.equal(text(find(packages, `#package-${pkgId}`)),
        '洗车套餐¥99.00三次精洗洗车一次 ×3领取后90天内有效门店：Store 1购买')
      tap(packages, `#buy-${pkgId}`)
      await waitFor(() => wx.navigations.length, 20000, 'the order page after paying')
      assert.deepEqual(wx.toasts, [])
      const [, orderId] = wx.navigations[0].match(/^\/pages\/order\/index\?id=(\d+)&paid=1$/)

      // What the cashier was given is signed by the merchant's key for this mini-program.
      assert.equal(wx.payments.length, 1)
      const pay = wx.payments[0]
      assert.deepEqual(Object.keys(pay).sort(),
        ['nonceStr', 'package', 'paySign', 'signType', 'timeStamp'])
      assert.match(pay.timeStamp, /^\d{10}$/)
      assert.match(pay.package, /^prepay_id=\S+$/)
      assert.equal(pay.signType, 'RSA')
      const publicKey = crypto.createPublicKey(fs.readFileSync(mileage.merchantKeyFile, 'utf8'))
      assert.ok(crypto.verify('sha256',
        Buffer.from(`${APPID}\n${pay.timeStamp}\n${pay.nonceStr}\n${pay.package}\n`), publicKey,
        Buffer.from(pay.paySign, 'base64')), 'paySign verifies with the merchant key')

      // 订单详情 as opened after the payment: paid once the notification is in, with 3 coupons.
      const order = openPage('order', {id: orderId, paid: '1'})
      await waitFor(() => find(order, '#coupons'), 25000, 'the paid order with its coupons')
      assert.equal(text(find(order, '#state')), '已支付')
      assert.equal(text(find(order, '#amount')), '¥99.00')
      assert.equal(text(find(order, '#coupons .coupons-title')), '已发放的优惠券（3 张）')
      const cards = order.querySelectorAll('.coupon-card')
      assert.equal(cards.length, 3)
      for (const card of cards) {
        assert.match(text(card), /核销码：[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]有效期至 \d{4}-\d\d-\d\d \d\d:\d\d可使用 ›$/)
      }
      const granted = order.instance.data.order.coupons.map(c => c.id).sort((a, b) => a - b)
      tap(order, `#coupon-${granted[0]}`)
      await waitFor(() => wx.navigations.length === 2)
      assert.equal(wx.navigations[1], `/pages/coupon/index?id=${granted[0]}`)

      // The member holds exactly those three, granted; the payment made points as any other.
      const mine = await api.coupons('issued')
      assert.deepEqual(mine.items.map(c => c.id).sort((a, b) => a - b), granted)
      assert.deepEqual([...new Set(mine.items.map(c => c.channel))], ['grant'])
      assert.equal((await api.card()).points.balance, 99)

      // WeChat delivers the notification again: nothing more is granted.
      await mileage.delivered(paid.delivery_id)
      await mileage.duplicate(paid.delivery_id)
      const again = await api.order(orderId)
      assert.equal(again.state, 'paid')
      assert.equal(again.coupons.length, 3)
      assert.equal((await api.coupons('issued')).total, 3)
      assert.equal((await api.card()).points.balance, 99)

      // 我的订单: the order, paid.
      const orders = openPage('orders')
      await waitFor(() => find(orders, `#order-${orderId}`), 10000, 'the order in the list')
      assert.match(text(find(orders, `#order-${orderId}`)),
        /^洗车套餐\d{4}-\d\d-\d\d \d\d:\d\d¥99\.00已支付$/)
    }, {beforeServe: m => m.addMerchantKey()})
  })

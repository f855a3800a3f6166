// 订单详情 (?id=, and paid=1 when opened right after wx.requestPayment): one order
// (GET /api/mp/orders/{id}) with its state, amount, order number and times; once paid, the
// coupons it granted, each opening its coupon page. WeChat's payment notification reaches the
// server on its own, possibly after wx.requestPayment has returned, so after a payment the page
// asks again every timing.orderPollMs while the order is pending, for timing.orderPollForMs at
// most; hidden or closed, it stops asking.
const api = require('../../utils/api')
const {messageOf} = require('../../utils/errors')
const {orderView} = require('../../utils/order_view')
const timing = require('../../utils/timing')

Component({
  data: {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    order: null,
    // pending after a payment: waiting (still asking) | late (stopped asking) | '' otherwise
    confirm: '',
  },
  lifetimes: {
    detached() {
      this.gone = true
      this.stopPolling()
    },
  },
  methods: {
    onLoad(query) {
      this.orderId = Number(query && query.id)
      this.pollUntil = query && query.paid === '1' ? Date.now() + timing.orderPollForMs : 0
      this.load()
    },
    onShow() {
      const wasHidden = this.hidden
      this.hidden = false
      if (wasHidden && this.data.status === 'ready') this.load()
    },
    onHide() {
      this.hidden = true
      this.stopPolling()
    },
    onUnload() {
      this.gone = true
      this.stopPolling()
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh())
    },
    retry() {
      this.setData({status: 'loading'})
      this.load()
    },

    load() {
      this.stopPolling()
      return api.order(this.orderId).then(order => {
        if (this.gone) return
        this.show(order)
      }).catch(err => {
        if (this.gone) return
        this.setData({status: 'error', errorMessage: messageOf(err)})
      })
    },

    // Shows the order and, while it is pending within the time after a payment, asks again.
    show(order) {
      const pending = order.state === 'pending'
      const polling = pending && this.pollUntil > 0 && Date.now() < this.pollUntil &&
        !this.inactive()
      let confirm = ''
      if (pending && this.pollUntil > 0) confirm = polling ? 'waiting' : 'late'
      this.setData({status: 'ready', order: orderView(order), confirm, errorMessage: ''})
      if (polling) this.pollTimer = setTimeout(() => this.poll(), timing.orderPollMs)
    },

    poll() {
      this.pollTimer = null
      return api.order(this.orderId).then(order => {
        if (this.inactive()) return
        this.show(order)
      }, () => {
        // A failed look is tried again at the next tick, within the same time.
        if (this.inactive()) return
        if (Date.now() < this.pollUntil) {
          this.pollTimer = setTimeout(() => this.poll(), timing.orderPollMs)
        } else {
          this.setData({confirm: 'late'})
        }
      })
    },

    // Hidden or closed: answers still in flight change nothing and start no timer.
    inactive() {
      return Boolean(this.gone || this.hidden)
    },

    stopPolling() {
      if (this.pollTimer) clearTimeout(this.pollTimer)
      this.pollTimer = null
    },

    openCoupon(e) {
      wx.navigateTo({url: `/pages/coupon/index?id=${e.currentTarget.dataset.id}`})
    },
    goPackages() {
      wx.navigateTo({url: '/pages/packages/index'})
    },
  },
})

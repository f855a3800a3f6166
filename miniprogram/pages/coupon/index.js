// 优惠券详情 (?id=): the coupon, and while it is usable its redemption QR code
// (POST /api/mp/coupons/{id}/qr, valid 60 s, replaced before it expires) with its typed code.
// While the QR is shown the page polls the coupon, so it turns to 已核销 as soon as staff
// redeem it at the counter. A coupon held for an appointment (已预约占用) has no QR: the store
// redeems it at the visit. Timers stop when the page is hidden or closed.
const api = require('../../utils/api')
const {messageOf} = require('../../utils/errors')
const {couponView, usableAtCounter} = require('../../utils/coupon_view')
const qr = require('../../utils/qr')
const timing = require('../../utils/timing')

// QR refusals that mean the coupon changed state (or was attached to an appointment): reload it
// rather than show an error.
const STATE_CODES = ['ALREADY_REDEEMED', 'COUPON_EXPIRED', 'COUPON_VOIDED', 'COUPON_RESERVED']

Component({
  data: {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    coupon: null,
    qrStatus: 'none', // none | loading | shown | error
    qrError: '',
  },
  lifetimes: {
    detached() {
      this.gone = true
      this.stopTimers()
    },
  },
  methods: {
    onLoad(query) {
      this.couponId = Number(query && query.id)
      this.load()
    },
    onShow() {
      const wasHidden = this.hidden
      this.hidden = false
      if (wasHidden && this.data.status === 'ready') this.load()
    },
    onHide() {
      this.hidden = true
      this.stopTimers()
    },
    onUnload() {
      this.gone = true
      this.stopTimers()
    },
    retry() {
      this.setData({status: 'loading'})
      this.load()
    },

    load() {
      this.stopTimers()
      return api.coupon(this.couponId).then(coupon => {
        this.showCoupon(coupon)
        if (usableAtCounter(coupon)) this.refreshQr()
      }).catch(err => {
        this.setData({status: 'error', errorMessage: messageOf(err)})
      })
    },

    showCoupon(coupon) {
      const usable = usableAtCounter(coupon)
      this.setData({
        status: 'ready',
        coupon: couponView(coupon),
        qrStatus: usable ? this.data.qrStatus : 'none',
      })
      if (!usable) this.stopTimers()
    },

    // Fetches a new QR token, draws it and schedules the next one before it expires.
    refreshQr() {
      if (this.qrTimer) clearTimeout(this.qrTimer)
      this.qrTimer = null
      if (this.data.qrStatus !== 'shown') this.setData({qrStatus: 'loading'})
      return api.couponQr(this.couponId).then(res => {
        if (this.inactive()) return
        this.setData({qrStatus: 'shown', qrError: ''}, () => {
          qr.drawOnCanvas(this, '#coupon-qr', res.qr_token)
        })
        const left = Date.parse(res.expires_at) - Date.now() - timing.qrRefreshLeadMs
        const wait = Math.min(timing.qrMaxRefreshMs, Math.max(timing.qrMinRefreshMs, left || 0))
        this.qrTimer = setTimeout(() => this.refreshQr(), wait)
        this.startPolling()
      }, err => {
        if (this.inactive()) return
        if (STATE_CODES.indexOf(err.code) >= 0) {
          this.load()
          return
        }
        this.setData({qrStatus: 'error', qrError: messageOf(err)})
      })
    },

    startPolling() {
      if (this.pollTimer) return
      this.pollTimer = setInterval(() => this.poll(), timing.couponPollMs)
    },

    // One look at the coupon: once it is no longer usable (redeemed at the counter), the QR
    // goes and the new state shows.
    poll() {
      return api.coupon(this.couponId).then(coupon => {
        if (this.inactive() || usableAtCounter(coupon)) return
        this.stopTimers()
        this.showCoupon(coupon)
      }, () => {
        // A failed poll is tried again at the next tick.
      })
    },

    // Hidden or closed: answers still in flight change nothing and start no timer.
    inactive() {
      return Boolean(this.gone || this.hidden)
    },

    stopTimers() {
      if (this.qrTimer) clearTimeout(this.qrTimer)
      if (this.pollTimer) clearInterval(this.pollTimer)
      this.qrTimer = null
      this.pollTimer = null
    },

    retryQr() {
      this.refreshQr()
    },
    goClaim() {
      wx.navigateTo({url: '/pages/claim/index'})
    },
    goAppointments() {
      wx.navigateTo({url: '/pages/appointments/index'})
    },
  },
})

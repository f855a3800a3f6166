// 首页: the owner card (GET /api/mp/card): member number, tier and the way to the next one,
// the member QR code (refreshed before it expires), points, usable coupons, quick links
// (coupons, stores, packages, orders), one line about an open maintenance reminder
// (GET /api/mp/reminders; tap: 保养提醒) and a card asking to rate the newest visit that can
// still be rated (GET /api/mp/feedback/visits; tap: 服务评价), each left out when it cannot be
// read.
// Built with Component (WeChat's "使用 Component 构造器构造页面"), so its lifecycle methods
// are plain methods that tests can call.
const api = require('../../utils/api')
const {messageOf} = require('../../utils/errors')
const format = require('../../utils/format')
const qr = require('../../utils/qr')
const reminderView = require('../../utils/reminder_view')
const timing = require('../../utils/timing')

// The feedback card's question about the newest visit (the answer is newest first) that has no
// rating and whose rateable_until has not passed on this phone's clock; '' when there is none.
function feedbackNotice(items, nowMs) {
  const now = nowMs == null ? Date.now() : nowMs
  const visit = (items || []).find(v => v && !v.rating && Date.parse(v.rateable_until) > now)
  if (!visit) return ''
  const store = visit.store && visit.store.name
  return store ? `您对最近一次在${store}的服务满意吗？` : '您对最近一次到店服务满意吗？'
}

// The card as the page shows it.
function view(card) {
  const tier = card.tier || {}
  const points = card.points || {}
  let upgrade = '已是最高等级'
  if (tier.next) {
    const ways = []
    if (tier.spend_fen_to_next != null) ways.push(`再消费¥${format.yuan(tier.spend_fen_to_next)}`)
    if (tier.visits_to_next != null) ways.push(`再到店${tier.visits_to_next}次`)
    upgrade = `${ways.join('或')}即可升级为${format.tierName(tier.next)}`
  }
  return {
    number: format.memberNumber(card.member.number),
    tierName: format.tierName(tier.current || card.member.tier),
    upgrade,
    suspended: card.member.status !== 'active',
    balance: points.balance || 0,
    expiring: points.expiring_30d || 0,
    nextExpiry: format.beijing(points.next_expiry_at, false),
    usableCoupons: (card.coupons && card.coupons.usable) || 0,
    vehicleCount: (card.vehicles || []).length,
  }
}

Component({
  data: {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    card: null,
    codeShown: false,
    reminderNotice: '',
    feedbackNotice: '',
  },
  lifetimes: {
    detached() {
      this.stopRefresh()
    },
  },
  methods: {
    onLoad() {
      this.refresh()
    },
    onShow() {
      this.hidden = false
      // Coming back (e.g. after claiming a coupon): fresh numbers and a fresh member code.
      if (this.data.status !== 'loading') this.refresh()
    },
    onHide() {
      this.hidden = true
      this.stopRefresh()
    },
    onUnload() {
      this.stopRefresh()
    },
    onPullDownRefresh() {
      this.refresh().then(() => wx.stopPullDownRefresh())
    },
    retry() {
      this.setData({status: 'loading'})
      this.refresh()
    },

    load() {
      this.stopRefresh()
      return api.card().then(card => {
        this.setData({status: 'ready', card: view(card), errorMessage: ''})
        this.showMemberCode(card.member_code)
      }).catch(err => {
        this.setData({status: 'error', errorMessage: messageOf(err)})
      })
    },

    // The card, the reminder line and the feedback card (not on each member-code refresh,
    // which reloads the card alone).
    refresh() {
      return Promise.all([this.load(), this.loadReminders(), this.loadFeedback()])
    },

    // The reminder line; a failure only leaves it out (the card is what the page is for).
    loadReminders() {
      return api.reminders().then(res => {
        this.setData({reminderNotice: reminderView.homeNotice(res.reminders)})
      }, () => {
        this.setData({reminderNotice: ''})
      })
    },

    // The feedback card; a failure only leaves it out, as for the reminder line.
    loadFeedback() {
      return api.feedbackVisits().then(res => {
        this.setData({feedbackNotice: feedbackNotice(res && res.items)})
      }, () => {
        this.setData({feedbackNotice: ''})
      })
    },

    // Draws the member code and schedules the next card load before the code expires.
    showMemberCode(code) {
      if (!code || !code.token) {
        this.setData({codeShown: false})
        return
      }
      // Drawn once the canvas is on screen.
      this.setData({codeShown: true}, () => qr.drawOnCanvas(this, '#member-qr', code.token))
      if (this.hidden) return
      const left = Date.parse(code.expires_at) - Date.now() - timing.qrRefreshLeadMs
      const wait = Math.min(timing.qrMaxRefreshMs, Math.max(timing.qrMinRefreshMs, left || 0))
      this.refreshTimer = setTimeout(() => this.load(), wait)
    },

    stopRefresh() {
      if (this.refreshTimer) clearTimeout(this.refreshTimer)
      this.refreshTimer = null
    },

    goCoupons() {
      wx.switchTab({url: '/pages/coupons/index'})
    },
    goClaim() {
      wx.navigateTo({url: '/pages/claim/index'})
    },
    goPoints() {
      wx.navigateTo({url: '/pages/points/index'})
    },
    goVehicles() {
      wx.navigateTo({url: '/pages/vehicles/index'})
    },
    goStores() {
      wx.navigateTo({url: '/pages/stores/index'})
    },
    goPackages() {
      wx.navigateTo({url: '/pages/packages/index'})
    },
    goOrders() {
      wx.navigateTo({url: '/pages/orders/index'})
    },
    goAppointments() {
      wx.navigateTo({url: '/pages/appointments/index'})
    },
    goReminders() {
      wx.navigateTo({url: '/pages/reminders/index'})
    },
    goFeedback() {
      wx.navigateTo({url: '/pages/feedback/index'})
    },
    goActivities() {
      wx.navigateTo({url: '/pages/activities/index'})
    },
  },
})

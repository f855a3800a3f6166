// 优惠券: the member's coupons by state (可使用 issued / 已使用 redeemed / 已过期 expired),
// newest first, a page of 20 at a time; the way to the claim centre.
const api = require('../../utils/api')
const {messageOf} = require('../../utils/errors')
const {couponView} = require('../../utils/coupon_view')

const PAGE_SIZE = 20
const TABS = [
  {state: 'issued', title: '可使用', empty: '暂无可使用的优惠券'},
  {state: 'redeemed', title: '已使用', empty: '暂无已使用的优惠券'},
  {state: 'expired', title: '已过期', empty: '暂无已过期的优惠券'},
]

Component({
  data: {
    tabs: TABS,
    tab: 0,
    status: 'loading', // loading | ready | error
    errorMessage: '',
    items: [],
    total: 0,
    page: 1,
    loadingMore: false,
  },
  methods: {
    onLoad() {
      this.loaded = true
      this.load()
    },
    onShow() {
      // Back from claiming or from a coupon redeemed at the counter: the lists changed.
      if (this.loaded && this.data.status !== 'loading') this.load()
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh())
    },
    onReachBottom() {
      this.loadMore()
    },
    switchTab(e) {
      const tab = Number(e.currentTarget.dataset.index)
      if (tab === this.data.tab) return
      this.setData({tab, status: 'loading', items: []})
      this.load()
    },
    retry() {
      this.setData({status: 'loading'})
      this.load()
    },

    // Loads page 1 of the current tab. Answers that arrive after a tab switch are dropped.
    load() {
      const tab = this.data.tab
      const seq = (this.seq || 0) + 1
      this.seq = seq
      return api.coupons(TABS[tab].state, 1, PAGE_SIZE).then(res => {
        if (seq !== this.seq) return
        this.setData({
          status: 'ready',
          items: res.items.map(couponView),
          total: res.total,
          page: 1,
        })
      }).catch(err => {
        if (seq !== this.seq) return
        this.setData({status: 'error', errorMessage: messageOf(err)})
      })
    },

    loadMore() {
      const {status, items, total, page, tab, loadingMore} = this.data
      if (status !== 'ready' || loadingMore || items.length >= total) return
      const seq = this.seq
      this.setData({loadingMore: true})
      api.coupons(TABS[tab].state, page + 1, PAGE_SIZE).then(res => {
        if (seq !== this.seq) return
        this.setData({
          items: items.concat(res.items.map(couponView)),
          total: res.total,
          page: page + 1,
          loadingMore: false,
        })
      }, err => {
        this.setData({loadingMore: false})
        wx.showToast({title: messageOf(err), icon: 'none'})
      })
    },

    openCoupon(e) {
      wx.navigateTo({url: `/pages/coupon/index?id=${e.currentTarget.dataset.id}`})
    },
    goClaim() {
      wx.navigateTo({url: '/pages/claim/index'})
    },
  },
})

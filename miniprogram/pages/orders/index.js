// 我的订单: the member's package orders (GET /api/mp/orders), newest first, 20 a page, the next
// page loaded on reaching the bottom. Each: the package, its state in Chinese (待支付, 已支付,
// 发放失败), the amount and when it was ordered (Beijing time); a tap opens the order.
const api = require('../../utils/api')
const {messageOf} = require('../../utils/errors')
const {orderView} = require('../../utils/order_view')

const PAGE_SIZE = 20

Component({
  data: {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    items: [],
    total: 0,
    page: 1,
    loadingMore: false,
  },
  methods: {
    onLoad() {
      this.load()
    },
    onShow() {
      // Back from an order that has been paid meanwhile: its state is fresh.
      if (this.data.status === 'ready') this.load()
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh())
    },
    onReachBottom() {
      this.loadMore()
    },
    retry() {
      this.setData({status: 'loading'})
      this.load()
    },

    load() {
      const seq = (this.seq || 0) + 1
      this.seq = seq
      return api.orders(1, PAGE_SIZE).then(res => {
        if (seq !== this.seq) return
        this.setData({status: 'ready', items: res.items.map(orderView), total: res.total, page: 1,
          errorMessage: ''})
      }).catch(err => {
        if (seq !== this.seq) return
        this.setData({status: 'error', errorMessage: messageOf(err)})
      })
    },

    loadMore() {
      const {status, items, total, page, loadingMore} = this.data
      if (status !== 'ready' || loadingMore || items.length >= total) return
      const seq = this.seq
      this.setData({loadingMore: true})
      return api.orders(page + 1, PAGE_SIZE).then(res => {
        if (seq !== this.seq) return
        // An order placed meanwhile shifts the pages: never show one twice.
        const seen = new Set(items.map(i => i.id))
        const more = res.items.map(orderView).filter(i => !seen.has(i.id))
        this.setData({items: items.concat(more), total: res.total, page: page + 1,
          loadingMore: false})
      }, err => {
        this.setData({loadingMore: false})
        wx.showToast({title: messageOf(err), icon: 'none'})
      })
    },

    openOrder(e) {
      wx.navigateTo({url: `/pages/order/index?id=${e.currentTarget.dataset.id}`})
    },
    goPackages() {
      wx.navigateTo({url: '/pages/packages/index'})
    },
  },
})

// 我的订单: the member's package orders (GET /api/mp/orders), newest first, 20 a page, the next
// page loaded on reaching the bottom. Each: the package, its state in Chinese (待支付, 已支付,
// 发放失败), the amount and when it was ordered (Beijing time); a tap opens the order.
const api = require('../../utils/api')
const {orderView} = require('../../utils/order_view')
const {pagedListData, pagedListMethods} = require('../../utils/paged_list')

Component({
  data: pagedListData(),
  methods: {
    ...pagedListMethods((page, size) => api.orders(page, size), orderView),
    onShow() {
      // Back from an order that has been paid meanwhile: its state is fresh.
      if (this.data.status === 'ready') this.load()
    },
    openOrder(e) {
      wx.navigateTo({url: `/pages/order/index?id=${e.currentTarget.dataset.id}`})
    },
    goPackages() {
      wx.navigateTo({url: '/pages/packages/index'})
    },
  },
})

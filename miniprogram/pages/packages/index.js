// 套餐: the brand's packages on sale (GET /api/mp/packages): name, description, price, what
// coupons it grants and the store selling it. 购买 creates the order (POST /api/mp/orders),
// opens WeChat's cashier with the order's payment fields and, once paid, opens the order page
// (which waits for WeChat's notification). Closing the cashier keeps the member here with a
// toast; a refusal (已下架, 已达购买上限, 已售罄, 暂不支持购买) is shown under the package and
// as a toast.
const api = require('../../utils/api')
const {listPage} = require('../../utils/list_page')
const {messageOf, PURCHASE_MESSAGES} = require('../../utils/errors')
const format = require('../../utils/format')
const {requestPayment} = require('../../utils/payment')

// One line of what a package grants: '洗车一次 ×10', with how long each coupon is valid.
function itemView(item) {
  const stock = item.stock || {}
  const name = (stock.type === 'exchange' && stock.item) || stock.name || ''
  return {
    stockId: item.stock_id,
    label: `${name} ×${item.quantity}`,
    validity: format.stockValidity(stock),
  }
}

function packageView(pkg) {
  return {
    id: pkg.id,
    name: pkg.name,
    description: pkg.description || '',
    price: format.price(pkg.price_fen),
    storeName: (pkg.store && pkg.store.name) || '',
    items: (pkg.items || []).map(itemView),
    notice: '',
    buying: false,
  }
}

Component({
  behaviors: [listPage(() => api.packages(), packageView)],
  methods: {
    // Order, pay, then the order page. One purchase at a time per package.
    buy(e) {
      const id = Number(e.currentTarget.dataset.id)
      const index = this.data.items.findIndex(p => p.id === id)
      if (index < 0 || this.data.items[index].buying) return
      this.setBuying(id, true, '')
      let orderId = 0
      return api.createOrder(id).then(res => {
        orderId = res.order.id
        return requestPayment(res.payment)
      }).then(() => {
        this.setBuying(id, false, '')
        wx.navigateTo({url: `/pages/order/index?id=${orderId}&paid=1`})
      }, err => {
        if (err && err.code === 'PAY_CANCELLED') {
          this.setBuying(id, false, '')
          wx.showToast({title: '已取消支付', icon: 'none'})
          return
        }
        const message = messageOf(err, PURCHASE_MESSAGES)
        this.setBuying(id, false, message)
        wx.showToast({title: message, icon: 'none'})
      })
    },

    // The list may have been reloaded meanwhile: find the package again.
    setBuying(id, buying, notice) {
      const index = this.data.items.findIndex(p => p.id === id)
      if (index < 0) return
      this.setData({[`items[${index}].buying`]: buying, [`items[${index}].notice`]: notice})
    },

    goOrders() {
      wx.navigateTo({url: '/pages/orders/index'})
    },
  },
})

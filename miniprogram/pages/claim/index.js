// 领券中心: the stocks the member may claim now (GET /api/mp/stocks) with a claim button.
// A claim (201) is confirmed with a toast and the list reloaded (a stock at the member's limit
// leaves it); a refusal (SOLD_OUT, LIMIT_REACHED, NOT_ELIGIBLE, NOT_ACTIVE, ...) is shown in
// Chinese under that stock and as a toast.
const api = require('../../utils/api')
const {listPage} = require('../../utils/list_page')
const {messageOf} = require('../../utils/errors')
const {stockView} = require('../../utils/coupon_view')

Component({
  behaviors: [listPage(() => api.stocks(), stockView)],
  methods: {
    claim(e) {
      const id = Number(e.currentTarget.dataset.id)
      const index = this.data.items.findIndex(s => s.id === id)
      if (index < 0 || this.data.items[index].claiming) return
      this.setData({[`items[${index}].claiming`]: true, [`items[${index}].notice`]: ''})
      return api.claim(id).then(() => {
        wx.showToast({title: '领取成功', icon: 'success'})
        return this.load()
      }, err => {
        const message = messageOf(err)
        // The list may have been reloaded meanwhile: find the stock again.
        const now = this.data.items.findIndex(s => s.id === id)
        if (now >= 0) {
          this.setData({[`items[${now}].claiming`]: false, [`items[${now}].notice`]: message})
        }
        wx.showToast({title: message, icon: 'none'})
      })
    },

    goCoupons() {
      wx.switchTab({url: '/pages/coupons/index'})
    },
  },
})

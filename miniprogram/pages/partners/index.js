// 我的合作伙伴: the partners (fuel stations, car parks, car washes, tolls) that know the member
// (GET /api/mp/partners, not paged: a member knows few partners) with the points the member
// earned at each (已获积分), and unlinking one after a
// confirmation (DELETE /api/mp/partners/{id}, 204): that partner's id of the member stops
// working, and showing the member code there again links anew under another id.
const api = require('../../utils/api')
const {listPage} = require('../../utils/list_page')
const {messageOf, PARTNER_MESSAGES} = require('../../utils/errors')
const format = require('../../utils/format')

// Category -> the badge's character and the label (docs/API.md, partner categories).
const CATEGORIES = {
  fuel: {icon: '油', label: '加油'},
  parking: {icon: '停', label: '停车'},
  carwash: {icon: '洗', label: '洗车'},
  toll: {icon: '高', label: '高速'},
  other: {icon: '其', label: '其他'},
}

function partnerView(p) {
  const category = CATEGORIES[p.category] ? p.category : 'other'
  return {
    id: p.id,
    name: p.name,
    category,
    icon: CATEGORIES[category].icon,
    label: CATEGORIES[category].label,
    linkedAt: format.beijing(p.linked_at, false),
    lastSeenAt: format.beijing(p.last_seen_at),
    // Net points earned there (earnings less reversals); absent from an older server: 0.
    pointsEarned: Number(p.points_earned) || 0,
  }
}

Component({
  behaviors: [listPage(() => api.partners(), partnerView)],
  methods: {
    confirmUnlink(e) {
      const id = Number(e.currentTarget.dataset.id)
      const partner = this.data.items.find(p => p.id === id)
      if (!partner) return
      wx.showModal({
        title: '解除关联',
        content: `确定与“${partner.name}”解除关联吗？解除后对方无法再用原会员标识识别您；` +
          '下次在该处出示会员码时将重新关联。',
        confirmText: '解除',
        confirmColor: '#b91c1c',
        success: res => {
          if (res.confirm) this.unlink(id)
        },
      })
    },

    unlink(id) {
      return api.unlinkPartner(id).then(() => {
        wx.showToast({title: '已解除关联', icon: 'success'})
        return this.load()
      }, err => {
        wx.showToast({title: messageOf(err, PARTNER_MESSAGES), icon: 'none'})
        // Unlinked elsewhere meanwhile: the list is stale.
        if (err && err.code === 'PARTNER_NOT_FOUND') return this.load()
      })
    },
  },
})

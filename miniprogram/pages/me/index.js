// 我的: who is signed in (GET /api/mp/me), entries for the member's pages, and logout
// (POST /api/mp/logout, then the token is forgotten; the next request logs in again).
const api = require('../../utils/api')
const {logout} = require('../../utils/request')
const {messageOf} = require('../../utils/errors')
const format = require('../../utils/format')

// Each entry opens pages/<key>/index.
const ENTRIES = [
  {key: 'points', title: '积分明细'},
  {key: 'vehicles', title: '我的车辆'},
  {key: 'partners', title: '我的合作伙伴'},
  {key: 'packages', title: '套餐'},
  {key: 'orders', title: '我的订单'},
  {key: 'appointments', title: '我的预约'},
  {key: 'reminders', title: '保养提醒'},
  {key: 'feedback', title: '服务评价'},
  {key: 'stores', title: '门店列表'},
  {key: 'profile', title: '个人信息'},
  {key: 'subscriptions', title: '消息订阅'},
  {key: 'referrals', title: '推荐有礼'},
  {key: 'privacy', title: '隐私与数据'},
]

Component({
  data: {
    status: 'loading', // loading | ready | error | loggedOut
    errorMessage: '',
    member: null,
    entries: ENTRIES,
  },
  methods: {
    onLoad() {
      this.load()
    },
    onShow() {
      if (this.data.status === 'error') this.load()
    },
    retry() {
      this.setData({status: 'loading'})
      this.load()
    },
    // After logout: signing in again is silent (wx.login), so this is a reload.
    relogin() {
      this.retry()
    },

    load() {
      return api.me().then(me => {
        this.setData({
          status: 'ready',
          member: {
            number: format.memberNumber(me.member.number),
            tierName: format.tierName(me.member.tier),
            enrolledAt: format.beijing(me.member.enrolled_at, false),
          },
        })
      }).catch(err => {
        this.setData({status: 'error', errorMessage: messageOf(err)})
      })
    },

    openEntry(e) {
      wx.navigateTo({url: `/pages/${e.currentTarget.dataset.key}/index`})
    },

    confirmLogout() {
      wx.showModal({
        title: '退出登录',
        content: '退出后本机不再保存登录状态，下次打开时会重新登录。',
        confirmText: '退出',
        success: res => {
          if (res.confirm) this.doLogout()
        },
      })
    },

    doLogout() {
      return logout().then(() => {
        this.setData({status: 'loggedOut', member: null})
        wx.showToast({title: '已退出登录', icon: 'none'})
      })
    },
  },
})

// 推荐有礼 (GET /api/mp/referrals, GET /api/mp/referrals/code): the brand's rule in words, the
// member's mini-program code (GET /api/mp/referrals/code/image through wx.downloadFile with the
// session, as <image> cannot send it), 分享给好友 (onShareAppMessage: the home page with the
// code's scene), the totals and the member's referrals (the friend's masked phone, the state,
// what the member got). Loading, error (with 重试) and empty states; a code image that fails
// shows its own 重试 without hiding the rest.
const api = require('../../utils/api')
const config = require('../../config')
const {getToken} = require('../../utils/request')
const {messageOf} = require('../../utils/errors')
const format = require('../../utils/format')

const STATE_NAMES = {
  pending: '待好友消费',
  rewarded: '已奖励',
  capped: '本月奖励已达上限',
  expired: '已失效',
  clawed_back: '好友退款，奖励已收回',
}

// The rule as the member reads it.
function ruleView(rule) {
  if (!rule) return null
  const gifts = (points, coupon) => {
    const parts = []
    if (points > 0) parts.push(`${points}积分`)
    if (coupon) parts.push('优惠券')
    return parts.length ? parts.join('和') : '无'
  }
  const minimum = rule.min_amount_fen > 0 ? `满¥${format.yuan(rule.min_amount_fen)}` : ''
  return {
    how: `好友扫码成为会员后${rule.window_days}天内首次消费${minimum}`,
    referrer: gifts(rule.referrer_points, rule.referrer_coupon),
    referee: gifts(rule.referee_points, rule.referee_coupon),
    cap: `每月最多奖励${rule.monthly_cap}位好友`,
  }
}

function itemView(item) {
  return {
    id: item.id,
    who: item.referee_phone || '微信好友',
    state: item.state,
    stateName: STATE_NAMES[item.state] || item.state,
    attached: format.beijing(item.attached_at, false),
    reward: item.state === 'rewarded' && item.points > 0 ? `+${item.points}积分` : '',
  }
}

Component({
  data: {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    rule: null,
    totals: null,
    items: [],
    scene: '',
    image: {status: 'loading', path: ''}, // loading | ready | error
  },
  methods: {
    onLoad() {
      return this.load()
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh())
    },
    retry() {
      this.setData({status: 'loading'})
      return this.load()
    },

    load() {
      return Promise.all([api.referrals(), api.referralCode()]).then(([mine, code]) => {
        this.setData({status: 'ready', errorMessage: '', rule: ruleView(mine.rule),
          totals: mine.totals, items: mine.items.map(itemView), scene: code.scene})
        if (mine.rule && this.data.image.status !== 'ready') return this.loadImage()
      }).catch(err => {
        this.setData({status: 'error', errorMessage: messageOf(err)})
      })
    },

    // The code image, downloaded with the session (the requests above logged in).
    loadImage() {
      this.setData({image: {status: 'loading', path: ''}})
      return new Promise(resolve => {
        wx.downloadFile({
          url: config.baseUrl + '/api/mp/referrals/code/image',
          header: {Authorization: 'Bearer ' + getToken()},
          success: res => resolve(res.statusCode === 200 ? res.tempFilePath : ''),
          fail: () => resolve(''),
        })
      }).then(path => {
        this.setData({image: {status: path ? 'ready' : 'error', path}})
      })
    },

    // 分享给好友 (the share button, or the menu's 转发): the home page with the code's scene,
    // as the code image opens it.
    onShareAppMessage() {
      return {
        title: '邀请您成为车主会员，首次消费双方有礼',
        path: `/pages/home/index?scene=${encodeURIComponent(this.data.scene)}`,
      }
    },
  },
})

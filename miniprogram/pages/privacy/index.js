// 隐私与数据: the member's rights over their data (docs/API.md, "Privacy and data").
// 导出我的数据 asks POST /api/mp/privacy/export and shows what each part holds (how many
// records), with 复制全部数据 putting the whole JSON document on the clipboard; 注销并删除数据
// needs the member to tick that they understand what is lost, then a confirmation, then POST
// /api/mp/privacy/deletion {"confirm":true}: the session ends and the token is forgotten.
const api = require('../../utils/api')
const {clearToken} = require('../../utils/request')
const {messageOf, PRIVACY_MESSAGES} = require('../../utils/errors')
const format = require('../../utils/format')

// The export's sections in Chinese, in the order the server writes them (unknown ones are
// shown by their name).
const SECTION_NAMES = {
  member: '会员信息',
  identities: '账号标识（微信、手机号）',
  profile: '个人资料',
  consents: '授权记录',
  tier_changes: '等级变化',
  activity: '月度消费',
  vehicles: '车辆',
  mileage_corrections: '里程更正',
  partner_links: '合作伙伴关联',
  point_balance: '积分账户',
  point_journals: '积分明细',
  point_lots: '积分批次',
  coupons: '优惠券',
  coupon_redemptions: '核销记录',
  package_orders: '套餐订单',
  payments: '支付记录',
  refunds: '退款记录',
  appointments: '预约',
  activity_signups: '活动报名',
  subscriptions: '消息订阅',
  subscribe_messages: '订阅消息',
  maintenance_reminders: '保养提醒',
  service_visits: '到店服务',
  care_greetings: '关怀记录',
  referral_code: '推荐码',
  referrals_made: '我推荐的好友',
  referred_by: '推荐我的好友',
  feedback_ratings: '服务评价',
}

function summaryOf(doc) {
  const sections = (doc && doc.sections) || {}
  return Object.keys(sections).map(key => ({
    key,
    name: SECTION_NAMES[key] || key,
    count: Array.isArray(sections[key]) ? sections[key].length : 0,
  }))
}

Component({
  data: {
    // ready | exporting | exported | exportError | deleting | deleted
    status: 'ready',
    errorMessage: '',
    generatedAt: '',
    sections: [],
    records: 0,
    understood: false,
    deleteError: '',
  },
  methods: {
    // Nothing is asked until the member taps: an export is counted against the hourly limit.
    onLoad() {},

    exportData() {
      if (this.data.status === 'exporting' || this.data.status === 'deleting') return
      this.setData({status: 'exporting', errorMessage: ''})
      return api.exportMyData().then(doc => {
        this.document = JSON.stringify(doc, null, 2)
        const sections = summaryOf(doc)
        this.setData({
          status: 'exported',
          generatedAt: format.beijing(doc.generated_at),
          sections,
          records: sections.reduce((sum, s) => sum + s.count, 0),
        })
      }).catch(err => {
        this.setData({status: 'exportError', errorMessage: messageOf(err, PRIVACY_MESSAGES)})
      })
    },

    copyData() {
      if (!this.document) return
      wx.setClipboardData({
        data: this.document,
        success: () => wx.showToast({title: '已复制到剪贴板', icon: 'success'}),
      })
    },

    toggleUnderstood() {
      this.setData({understood: !this.data.understood, deleteError: ''})
    },

    confirmDelete() {
      if (!this.data.understood || this.data.status === 'deleting') return
      wx.showModal({
        title: '注销并删除数据',
        content: '删除后，您的手机号、车辆、个人资料和微信账号关联将被永久清除，积分、优惠券和预约' +
          '将无法再使用，且无法恢复。确定删除吗？',
        confirmText: '确认删除',
        confirmColor: '#b91c1c',
        success: res => {
          if (res.confirm) this.deleteData()
        },
      })
    },

    deleteData() {
      this.setData({status: 'deleting', deleteError: ''})
      return api.deleteMyData().then(() => {
        clearToken()
        this.document = null
        this.setData({status: 'deleted', sections: [], records: 0})
      }).catch(err => {
        this.setData({status: 'ready', deleteError: messageOf(err, PRIVACY_MESSAGES)})
      })
    },
  },
})

// 消息订阅: the brand's subscribe-message templates (GET /api/mp/subscriptions) with their title,
// whether they are marketing (sent only with the member's marketing consent: its state from
// GET /api/mp/profile and a way to 个人信息 to give it) and how many more messages the member
// may receive ("还可接收 N 次", WeChat's one-time grants); 订阅一次 asks WeChat for one more
// (utils/subscribe.js), from the tap.
const api = require('../../utils/api')
const {messageOf} = require('../../utils/errors')
const subscribe = require('../../utils/subscribe')

function templateView(t, marketingConsent) {
  return {
    id: t.template_id,
    title: t.title,
    marketing: Boolean(t.marketing),
    needsConsent: Boolean(t.marketing) && !marketingConsent,
    remaining: t.remaining,
  }
}

Component({
  data: {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    items: [],
    marketingConsent: false,
    asking: '',
    notice: '',
  },
  methods: {
    onLoad() {
      this.subscriber = subscribe.forPage()
      return this.load(false)
    },
    onShow() {
      // Back from 个人信息: the consent may have changed.
      if (this.data.status === 'ready') this.load(true)
    },
    retry() {
      this.setData({status: 'loading'})
      return this.load(true)
    },

    // The templates, then the marketing consent when one of them is marketing.
    load(again) {
      return (again ? this.subscriber.reload() : this.subscriber.load()).then(items => {
        if (this.subscriber.error) throw this.subscriber.error
        if (!items.some(t => t.marketing)) return false
        return api.profile().then(p => Boolean(p.consents && p.consents.marketing &&
          p.consents.marketing.granted))
      }).then(consent => {
        this.setData({marketingConsent: consent, errorMessage: ''})
        this.show()
      }).catch(err => {
        this.setData({status: 'error', errorMessage: messageOf(err)})
      })
    },

    show() {
      this.setData({status: 'ready', items: this.subscriber.templates()
        .map(t => templateView(t, this.data.marketingConsent))})
    },

    // 订阅一次: a tap, so WeChat's dialog may show.
    subscribeOnce(e) {
      const id = e.currentTarget.dataset.id
      if (this.data.asking) return Promise.resolve()
      this.setData({asking: id, notice: ''})
      return this.subscriber.askTemplates([id]).then(outcome => {
        this.setData({asking: ''})
        this.show()
        const said = subscribe.outcomeText(outcome)
        if (outcome.mainSwitchOff) this.setData({notice: said})
        else if (said) wx.showToast({title: said, icon: outcome.accepted ? 'success' : 'none'})
      })
    },

    goProfile() {
      wx.navigateTo({url: '/pages/profile/index'})
    },
  },
})

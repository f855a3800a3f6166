// 活动详情 (?id=): one owner activity (GET /api/mp/activities/{id}) with its time, place,
// description, seats left, sign-up window and tier, and the member's own sign-up (from
// GET /api/mp/activity-signups). 立即报名 (报名候补 when full) signs up
// (POST /api/mp/activities/{id}/signups): seated, or waitlisted with its number; 取消报名 /
// 取消候补 cancels after a confirmation (POST /api/mp/activity-signups/{id}/cancel). Every refusal
// of the routes is shown in Chinese, and the activity is read again. The sign-up tap also asks
// for the brand's activity subscribe messages (promoted from the waitlist, cancelled;
// utils/subscribe.js), without waiting for the answer.
const api = require('../../utils/api')
const {messageOf, ACTIVITY_MESSAGES} = require('../../utils/errors')
const view = require('../../utils/activity_view')
const subscribe = require('../../utils/subscribe')

function message(err) {
  return messageOf(err, ACTIVITY_MESSAGES)
}

// What the member is told after signing up.
function signedUpNotice(signup) {
  if (signup.state === 'waitlisted') {
    return `名额已满，您已进入候补（候补号 ${signup.position}）。有人取消报名时，将按候补号顺序自动为您补位`
  }
  return '报名成功，活动当天到场后向工作人员出示会员码签到'
}

const HINTS = {
  seated: '活动当天到场后，向工作人员出示首页的会员码签到',
  waitlisted: '有人取消报名时，将按候补号顺序自动为您补位',
  checked_in: '已签到，欢迎参加',
}

Component({
  data: {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    activity: null,
    hint: '',
    notice: '',
    busy: false,
  },
  methods: {
    onLoad(query) {
      this.activityId = Number(query && query.id)
      this.subscriber = subscribe.forPage()
      this.subscriber.load()
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
      return Promise.all([api.activity(this.activityId), api.activitySignups(1, 200)])
        .then(([activity, signups]) => {
          const mine = view.liveSignups(signups.items)[activity.id]
          const shown = view.activityView(activity, mine)
          this.setData({status: 'ready', errorMessage: '', activity: shown,
            hint: shown.mine ? HINTS[shown.mine.state] || '' : ''})
        }).catch(err => {
          this.setData({status: 'error', errorMessage: message(err)})
        })
    },

    signUp() {
      const a = this.data.activity
      if (this.data.busy || !a || !a.canSignUp) return Promise.resolve()
      // Within the tap (WeChat's rule), and never waited for.
      this.subscribing = this.subscriber.ask(subscribe.TOPICS.activity)
      this.setData({busy: true, notice: ''})
      return api.signUp(a.id).then(signup => {
        wx.showToast(signup.state === 'waitlisted' ? {title: '已加入候补', icon: 'none'}
          : {title: '报名成功', icon: 'success'})
        this.setData({notice: signedUpNotice(signup)})
      }, err => {
        this.setData({notice: message(err)})
      }).then(() => this.load()).then(() => this.setData({busy: false}))
    },

    confirmCancel() {
      const a = this.data.activity
      if (this.data.busy || !a || !a.canCancel) return
      const waitlisted = a.mine.state === 'waitlisted'
      wx.showModal({
        title: waitlisted ? '取消候补' : '取消报名',
        content: waitlisted ? `确定取消「${a.title}」的候补吗？再次报名将排在候补最后`
          : `确定取消报名「${a.title}」吗？名额将让给候补的车主`,
        confirmText: waitlisted ? '取消候补' : '取消报名',
        cancelText: '再想想',
        confirmColor: '#b91c1c',
        success: res => {
          if (res.confirm) this.cancel(a.mine.id)
        },
      })
    },
    cancel(signupId) {
      this.setData({busy: true, notice: ''})
      return api.cancelSignup(signupId).then(() => {
        wx.showToast({title: '已取消', icon: 'success'})
      }, err => {
        this.setData({notice: message(err)})
      }).then(() => this.load()).then(() => this.setData({busy: false}))
    },
  },
})

// 保养提醒 (GET /api/mp/reminders): the card notices of the daily reminder job, overdue ones
// highlighted, each with how far its due date is (已逾期 N 天 / 还有 N 天), 预约保养 (pick a store,
// then 预约保养 with the vehicle and the maintenance service chosen) and 知道了
// (POST /api/mp/reminders/{id}/dismiss); then each vehicle's next due date, or a way to add the
// purchase date it needs. 提醒我 asks for the brand's maintenance.due subscribe message.
const api = require('../../utils/api')
const {messageOf, REMINDER_MESSAGES} = require('../../utils/errors')
const view = require('../../utils/reminder_view')
const subscribe = require('../../utils/subscribe')

function message(err) {
  return messageOf(err, REMINDER_MESSAGES)
}

Component({
  data: {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    reminders: [],
    vehicles: [],
    dismissing: 0,
    // The maintenance.due template, once read: {remaining} (null: the brand has none).
    remind: null,
    remindNotice: '',
  },
  methods: {
    onLoad() {
      this.subscriber = subscribe.forPage()
      this.subscriber.load().then(() => this.showRemind())
      return this.load()
    },
    onShow() {
      // Back from a vehicle's page or a booking: the dates may have moved.
      if (this.data.status === 'ready') this.load()
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh())
    },
    retry() {
      this.setData({status: 'loading'})
      return this.load()
    },

    load() {
      return api.reminders().then(res => {
        this.setData({status: 'ready', errorMessage: '',
          reminders: res.reminders.map(r => view.reminderView(r)),
          vehicles: res.vehicles.map(view.vehicleView)})
      }).catch(err => {
        this.setData({status: 'error', errorMessage: message(err)})
      })
    },

    showRemind() {
      const [template] = this.subscriber.forTopics(subscribe.TOPICS.maintenance)
      this.setData({remind: template ? {remaining: template.remaining} : null})
    },

    // 提醒我: a tap, so WeChat's dialog may show.
    remindMe() {
      this.setData({remindNotice: ''})
      return this.subscriber.ask(subscribe.TOPICS.maintenance).then(outcome => {
        this.showRemind()
        const said = subscribe.outcomeText(outcome)
        if (outcome.mainSwitchOff) this.setData({remindNotice: said})
        else if (said) wx.showToast({title: said, icon: outcome.accepted ? 'success' : 'none'})
      })
    },

    book(e) {
      wx.navigateTo({url: `/pages/stores/index?vehicle_id=${e.currentTarget.dataset.vehicle}`})
    },
    editVehicle(e) {
      wx.navigateTo({url: `/pages/vehicle/index?id=${e.currentTarget.dataset.vehicle}`})
    },
    addVehicle() {
      wx.navigateTo({url: '/pages/vehicle/index'})
    },

    // 知道了: the notice goes; one already gone (dismissed elsewhere, or its date moved) too.
    dismiss(e) {
      const id = Number(e.currentTarget.dataset.id)
      if (this.data.dismissing) return Promise.resolve()
      this.setData({dismissing: id})
      return api.dismissReminder(id).then(() => {
        this.setData({dismissing: 0, reminders: this.data.reminders.filter(r => r.id !== id)})
      }, err => {
        this.setData({dismissing: 0})
        wx.showToast({title: message(err), icon: 'none'})
        if (err && err.code === 'REMINDER_NOT_FOUND') return this.load()
      })
    },
  },
})

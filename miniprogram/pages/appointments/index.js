// 我的预约: the member's appointments (GET /api/mp/appointments), upcoming first then past,
// each with its state, store, time, vehicle, service and attached coupon; a booked one that has
// not started can be cancelled (after a confirmation) or moved to another slot of its store
// (pages/book). Store names and plates come from the stores and vehicles lists.
const api = require('../../utils/api')
const {messageOf, APPOINTMENT_MESSAGES} = require('../../utils/errors')
const view = require('../../utils/appointment_view')

function byId(items, name) {
  const out = {}
  for (const item of items) out[item.id] = name(item)
  return out
}

Component({
  data: {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    upcoming: [],
    past: [],
  },
  methods: {
    onLoad() {
      this.loaded = true
      return this.load()
    },
    onShow() {
      // Back from rescheduling one.
      if (this.loaded && this.data.status !== 'loading') this.load()
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh())
    },
    retry() {
      this.setData({status: 'loading'})
      return this.load()
    },

    load() {
      return Promise.all([api.appointments(1, 50), api.stores(), api.vehicles()])
        .then(([appointments, stores, vehicles]) => {
          const names = {stores: byId(stores.items, s => s.name),
            vehicles: byId(vehicles.items, v => `${v.plate} ${v.model}`)}
          const items = appointments.items.map(a => view.appointmentView(a, names))
          // The server lists newest first; upcoming visits read best soonest first.
          this.setData({status: 'ready', errorMessage: '',
            upcoming: items.filter(a => a.upcoming).sort((x, y) => x.startsMs - y.startsMs),
            past: items.filter(a => !a.upcoming)})
        }).catch(err => {
          this.setData({status: 'error', errorMessage: messageOf(err, APPOINTMENT_MESSAGES)})
        })
    },

    find(e) {
      const id = Number(e.currentTarget.dataset.id)
      return this.data.upcoming.find(a => a.id === id)
    },
    book() {
      wx.navigateTo({url: '/pages/stores/index'})
    },
    reschedule(e) {
      const a = this.find(e)
      if (!a || !a.changeable) return
      wx.navigateTo({url: `/pages/book/index?store_id=${a.storeId}&store_name=` +
        `${encodeURIComponent(a.storeName)}&appointment=${a.id}&service=${a.serviceType}`})
    },
    confirmCancel(e) {
      const a = this.find(e)
      if (!a || !a.changeable) return
      wx.showModal({
        title: '取消预约',
        content: `确定取消 ${a.time} 在${a.storeName}的${a.service}预约吗？`,
        confirmText: '取消预约',
        cancelText: '再想想',
        confirmColor: '#b91c1c',
        success: res => {
          if (res.confirm) this.cancel(a.id)
        },
      })
    },
    cancel(id) {
      return api.cancelAppointment(id).then(() => {
        wx.showToast({title: '已取消', icon: 'success'})
        return this.load()
      }, err => {
        wx.showToast({title: messageOf(err, APPOINTMENT_MESSAGES), icon: 'none'})
        return this.load()
      })
    },
  },
})

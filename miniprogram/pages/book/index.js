// 预约保养: book a seat at a store (query store_id, store_name; optional vehicle_id and service
// to preselect them, as 保养提醒 does), or move an appointment to another slot of its store
// (query appointment, service). The member picks a day of the next 14, a slot with seats left
// that offers the service, a vehicle and a service, and optionally one of their usable exchange
// coupons (not one another appointment holds); errors of the routes are shown in Chinese.
// The 确认 tap also asks for the brand's appointment subscribe messages (utils/subscribe.js),
// without waiting for the answer.
const api = require('../../utils/api')
const {messageOf, APPOINTMENT_MESSAGES} = require('../../utils/errors')
const view = require('../../utils/appointment_view')
const format = require('../../utils/format')
const subscribe = require('../../utils/subscribe')

const DAYS = 14

function couponView(c) {
  return {id: c.id, name: c.stock.name, item: c.stock.item || '',
    expires: format.beijing(c.expires_at, false)}
}

function message(err) {
  return messageOf(err, APPOINTMENT_MESSAGES)
}

Component({
  data: {
    status: 'loading', // loading | ready | error | done
    errorMessage: '',
    storeName: '',
    rescheduling: false,
    days: [],
    day: '',
    slotsStatus: 'loading', // loading | ready | error
    slotsError: '',
    slots: [],
    slotId: 0,
    services: [],
    serviceType: '',
    vehicles: [],
    vehicleId: 0,
    coupons: [],
    couponId: 0,
    submitting: false,
    formError: '',
    result: null,
  },
  methods: {
    onLoad(query) {
      this.storeId = Number(query.store_id)
      this.appointmentId = Number(query.appointment || 0)
      this.wantedVehicleId = Number(query.vehicle_id || 0)
      this.subscriber = subscribe.forPage()
      this.subscriber.load()
      const dayList = view.days(DAYS)
      this.setData({storeName: query.store_name ? decodeURIComponent(query.store_name) : '',
        rescheduling: Boolean(this.appointmentId), serviceType: query.service || '',
        days: dayList, day: dayList[0].day})
      return this.load()
    },
    retry() {
      this.setData({status: 'loading'})
      return this.load()
    },

    // The member's vehicles and usable exchange coupons (not needed to reschedule), then the
    // slots of the first day.
    load() {
      const own = this.appointmentId ? Promise.resolve([{items: []}, {items: []}])
        : Promise.all([api.vehicles(), api.coupons('issued', 1, 50)])
      return own.then(([vehicles, coupons]) => {
        const items = vehicles.items.map(v => ({id: v.id, name: `${v.plate} ${v.model}`}))
        this.setData({status: 'ready', errorMessage: '', vehicles: items,
          vehicleId: items.some(v => v.id === this.wantedVehicleId) ? this.wantedVehicleId
            : items.length ? items[0].id : 0,
          coupons: coupons.items.filter(c => c.stock && c.stock.type === 'exchange' &&
            c.reserved_for_appointment_id == null).map(couponView)})
        return this.loadSlots()
      }).catch(err => {
        this.setData({status: 'error', errorMessage: message(err)})
      })
    },

    loadSlots() {
      const day = this.data.day
      this.setData({slotsStatus: 'loading', slotId: 0, services: []})
      return api.slots(this.storeId, day).then(res => {
        if (day !== this.data.day) return
        const wanted = this.data.rescheduling ? this.data.serviceType : ''
        const slots = res.items.map(view.slotView).map(s => Object.assign(s, {
          bookable: !s.full && (!wanted || s.services.some(x => x.type === wanted))}))
        this.setData({slotsStatus: 'ready', slots, slotsError: ''})
      }).catch(err => {
        this.setData({slotsStatus: 'error', slotsError: message(err)})
      })
    },

    pickDay(e) {
      this.setData({day: e.currentTarget.dataset.day, formError: ''})
      return this.loadSlots()
    },
    pickSlot(e) {
      const slot = this.data.slots.find(s => s.id === Number(e.currentTarget.dataset.id))
      if (!slot || !slot.bookable) return
      const keep = slot.services.some(s => s.type === this.data.serviceType)
      this.setData({slotId: slot.id, services: slot.services, formError: '',
        serviceType: keep ? this.data.serviceType : slot.services[0].type})
    },
    pickService(e) {
      this.setData({serviceType: e.currentTarget.dataset.type})
    },
    pickVehicle(e) {
      this.setData({vehicleId: Number(e.currentTarget.dataset.id)})
    },
    pickCoupon(e) {
      this.setData({couponId: Number(e.currentTarget.dataset.id)})
    },
    addVehicle() {
      wx.navigateTo({url: '/pages/vehicle/index'})
    },

    submit() {
      if (this.data.submitting) return Promise.resolve()
      const missing = !this.data.slotId ? '请选择预约时段'
        : !this.data.rescheduling && !this.data.vehicleId ? '请先添加车辆' : ''
      if (missing) {
        this.setData({formError: missing})
        return Promise.resolve()
      }
      // Within the tap (WeChat's rule), and never waited for.
      this.subscribing = this.subscriber.ask(subscribe.TOPICS.booking)
      this.setData({submitting: true, formError: ''})
      const body = {slot_id: this.data.slotId, vehicle_id: this.data.vehicleId,
        service_type: this.data.serviceType}
      if (this.data.couponId) body.coupon_id = this.data.couponId
      const sent = this.data.rescheduling ? api.reschedule(this.appointmentId, this.data.slotId)
        : api.book(body)
      return sent.then(a => {
        wx.showToast({title: this.data.rescheduling ? '改约成功' : '预约成功', icon: 'success'})
        this.setData({submitting: false, status: 'done', result: {id: a.id,
          time: format.beijing(a.starts_at), service: view.serviceName(a.service_type)}})
      }, err => {
        this.setData({submitting: false, formError: message(err)})
        // The seats changed: show the slots as they are now.
        if (err && (err.code === 'SLOT_FULL' || err.code === 'SLOT_STARTED')) return this.loadSlots()
      })
    },

    goAppointments() {
      wx.redirectTo({url: '/pages/appointments/index'})
    },
  },
})

// 添加车辆 / 编辑车辆: the vehicle form. Opened without an id it adds a vehicle (POST
// /api/mp/vehicles), with ?id= it edits that one (PATCH, only the fields that changed). The
// server's rules are checked first (utils/vehicle_rules.js) and each problem is shown under its
// field; a lower mileage asks for a correction reason. A refusal of the server is shown in
// Chinese under the field it is about (or above the button), and nothing is left half-saved.
const api = require('../../utils/api')
const {messageOf} = require('../../utils/errors')
const rules = require('../../utils/vehicle_rules')
const {beijingToday} = require('../../utils/format')

const EMPTY_FORM = {plate: '', vin: '', model: '', purchaseDate: '', mileage: '', correctionReason: ''}

function formOf(v) {
  return {
    plate: v.plate, vin: v.vin || '', model: v.model, purchaseDate: v.purchase_date || '',
    mileage: String(v.mileage_km || 0), correctionReason: '',
  }
}

Component({
  data: {
    status: 'loading', // loading | ready | error | notFound
    errorMessage: '',
    editing: false,
    form: EMPTY_FORM,
    errors: {},
    submitError: '',
    needsReason: false,
    saving: false,
    today: '',
  },
  methods: {
    onLoad(query) {
      this.vehicleId = query && query.id ? Number(query.id) : 0
      this.previous = undefined
      this.setData({editing: Boolean(this.vehicleId), today: beijingToday()})
      wx.setNavigationBarTitle({title: this.vehicleId ? '编辑车辆' : '添加车辆'})
      if (!this.vehicleId) {
        this.setData({status: 'ready', form: Object.assign({}, EMPTY_FORM)})
        return Promise.resolve()
      }
      return this.load()
    },
    retry() {
      this.setData({status: 'loading'})
      this.load()
    },

    // The vehicle to edit, from the member's list (there is no single-vehicle GET).
    load() {
      return api.vehicles().then(res => {
        const vehicle = res.items.find(v => v.id === this.vehicleId)
        if (!vehicle) {
          this.setData({status: 'notFound'})
          return
        }
        this.previous = vehicle
        this.setData({status: 'ready', form: formOf(vehicle), errors: {}, submitError: ''})
      }).catch(err => {
        this.setData({status: 'error', errorMessage: messageOf(err)})
      })
    },

    onInput(e) {
      const field = e.currentTarget.dataset.field
      const value = e.detail.value
      const update = {[`form.${field}`]: value, [`errors.${field}`]: '', submitError: ''}
      if (field === 'mileage' && this.previous) {
        const km = /^\d+$/.test(value) ? Number(value) : NaN
        update.needsReason = km < this.previous.mileage_km
      }
      this.setData(update)
    },
    onDate(e) {
      this.setData({'form.purchaseDate': e.detail.value, 'errors.purchaseDate': ''})
    },
    clearDate() {
      this.setData({'form.purchaseDate': ''})
    },

    submit() {
      if (this.data.saving) return Promise.resolve()
      const {errors, body, needsReason} = rules.check(this.data.form, this.previous)
      this.setData({errors, needsReason, submitError: ''})
      if (Object.keys(errors).length) return Promise.resolve()
      if (this.previous && Object.keys(body).length === 0) {
        wx.showToast({title: '没有需要保存的修改', icon: 'none'})
        return Promise.resolve()
      }
      this.setData({saving: true})
      const call = this.previous ? api.updateVehicle(this.vehicleId, body) : api.addVehicle(body)
      return call.then(() => {
        this.setData({saving: false})
        wx.showToast({title: this.previous ? '已保存' : '已添加', icon: 'success'})
        wx.navigateBack()
      }, err => {
        const message = messageOf(err)
        const field = rules.FIELD_OF_CODE[err && err.code]
        const update = {saving: false}
        if (field) update[`errors.${field}`] = message
        else update.submitError = message
        if (err && err.code === 'CORRECTION_REASON_REQUIRED') update.needsReason = true
        this.setData(update)
      })
    },

    back() {
      wx.navigateBack()
    },
  },
})

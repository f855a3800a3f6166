// 我的车辆: the member's vehicles (GET /api/mp/vehicles, at most 10), the way to add one and to
// edit one (pages/vehicle), and deleting one after a confirmation (DELETE, 204).
const api = require('../../utils/api')
const {messageOf} = require('../../utils/errors')

const MAX_VEHICLES = 10

function vehicleView(v) {
  return {
    id: v.id,
    plate: v.plate,
    model: v.model,
    vin: v.vin || '',
    purchaseDate: v.purchase_date || '',
    mileage: v.mileage_km || 0,
  }
}

Component({
  data: {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    items: [],
    full: false,
    max: MAX_VEHICLES,
  },
  methods: {
    onLoad() {
      this.loaded = true
      this.load()
    },
    onShow() {
      // Back from adding or editing one.
      if (this.loaded && this.data.status !== 'loading') this.load()
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh())
    },
    retry() {
      this.setData({status: 'loading'})
      this.load()
    },

    load() {
      return api.vehicles().then(res => {
        const items = res.items.map(vehicleView)
        this.setData({status: 'ready', items, full: items.length >= MAX_VEHICLES, errorMessage: ''})
      }).catch(err => {
        this.setData({status: 'error', errorMessage: messageOf(err)})
      })
    },

    add() {
      wx.navigateTo({url: '/pages/vehicle/index'})
    },
    edit(e) {
      wx.navigateTo({url: `/pages/vehicle/index?id=${e.currentTarget.dataset.id}`})
    },

    confirmDelete(e) {
      const id = Number(e.currentTarget.dataset.id)
      const vehicle = this.data.items.find(v => v.id === id)
      if (!vehicle) return
      wx.showModal({
        title: '删除车辆',
        content: `确定删除 ${vehicle.plate}（${vehicle.model}）吗？删除后里程记录一并删除，无法恢复。`,
        confirmText: '删除',
        confirmColor: '#b91c1c',
        success: res => {
          if (res.confirm) this.remove(id)
        },
      })
    },

    remove(id) {
      return api.deleteVehicle(id).then(() => {
        wx.showToast({title: '已删除', icon: 'success'})
        return this.load()
      }, err => {
        wx.showToast({title: messageOf(err), icon: 'none'})
        // Deleted elsewhere meanwhile: the list is stale.
        if (err && err.code === 'VEHICLE_NOT_FOUND') return this.load()
      })
    },
  },
})

// 门店: the brand's active stores (GET /api/mp/stores). With the member's position
// (wx.getLocation, GCJ-02) nearest first with the distance; refused or unavailable, by name and
// without distances, saying why. Each store can be called (wx.makePhoneCall) and, when it has a
// position, navigated to (wx.openLocation). 预约 opens 预约保养 for the store; opened from
// 保养提醒 (query vehicle_id) it says so and hands that vehicle and the maintenance service on.
const api = require('../../utils/api')
const {messageOf} = require('../../utils/errors')
const format = require('../../utils/format')

function storeView(s) {
  const located = s.latitude != null && s.longitude != null
  return {
    id: s.id,
    name: s.name,
    address: s.address || '',
    phone: s.phone || '',
    hours: s.hours || '',
    distance: format.distance(s.distance_m),
    located,
    latitude: s.latitude,
    longitude: s.longitude,
  }
}

// The member's position, or null when it is refused or unavailable.
function position() {
  return new Promise(resolve => {
    wx.getLocation({
      type: 'gcj02',
      success: res => resolve({latitude: res.latitude, longitude: res.longitude}),
      fail: () => resolve(null),
    })
  })
}

Component({
  data: {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    located: false,
    items: [],
    forVehicle: false,
  },
  methods: {
    onLoad(query) {
      this.vehicleId = Number((query && query.vehicle_id) || 0)
      this.setData({forVehicle: Boolean(this.vehicleId)})
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
      return position().then(where => api.stores(where).then(res => {
        this.setData({status: 'ready', located: Boolean(where), items: res.items.map(storeView),
          errorMessage: ''})
      })).catch(err => {
        this.setData({status: 'error', errorMessage: messageOf(err)})
      })
    },

    store(e) {
      return this.data.items.find(s => s.id === Number(e.currentTarget.dataset.id))
    },
    call(e) {
      const s = this.store(e)
      if (s && s.phone) wx.makePhoneCall({phoneNumber: s.phone})
    },
    book(e) {
      const s = this.store(e)
      if (!s) return
      const forVehicle = this.vehicleId ? `&vehicle_id=${this.vehicleId}&service=maintenance` : ''
      wx.navigateTo({url: `/pages/book/index?store_id=${s.id}&store_name=${encodeURIComponent(s.name)}${forVehicle}`})
    },
    navigate(e) {
      const s = this.store(e)
      if (!s || !s.located) return
      wx.openLocation({latitude: s.latitude, longitude: s.longitude, name: s.name,
        address: s.address, scale: 16})
    },
  },
})

// The member API routes the pages use (docs/API.md, "Member API").
const {request} = require('./request')

module.exports = {
  me: () => request('GET', '/api/mp/me'),
  card: () => request('GET', '/api/mp/card'),
  points: (page, pageSize) =>
    request('GET', `/api/mp/points?page=${page || 1}&page_size=${pageSize || 20}`),
  stocks: () => request('GET', '/api/mp/stocks'),
  claim: stockId => request('POST', `/api/mp/stocks/${stockId}/claim`),
  coupons: (state, page, pageSize) =>
    request('GET', `/api/mp/coupons?state=${state}&page=${page || 1}&page_size=${pageSize || 20}`),
  coupon: id => request('GET', `/api/mp/coupons/${id}`),
  couponQr: id => request('POST', `/api/mp/coupons/${id}/qr`),
  vehicles: () => request('GET', '/api/mp/vehicles'),
  addVehicle: body => request('POST', '/api/mp/vehicles', body),
  updateVehicle: (id, body) => request('PATCH', `/api/mp/vehicles/${id}`, body),
  deleteVehicle: id => request('DELETE', `/api/mp/vehicles/${id}`),
  // 隐私与数据 (docs/API.md, "Privacy and data").
  exportMyData: () => request('POST', '/api/mp/privacy/export'),
  deleteMyData: () => request('POST', '/api/mp/privacy/deletion', {confirm: true}),
  partners: () => request('GET', '/api/mp/partners'),
  unlinkPartner: id => request('DELETE', `/api/mp/partners/${id}`),
  // lat and lng (GCJ-02 degrees) are left out when the position is unknown.
  stores: position => request('GET', position
    ? `/api/mp/stores?lat=${position.latitude.toFixed(6)}&lng=${position.longitude.toFixed(6)}`
    : '/api/mp/stores'),
  bindPhone: code => request('POST', '/api/mp/phone', {code}),
  profile: () => request('GET', '/api/mp/profile'),
  updateProfile: body => request('PATCH', '/api/mp/profile', body),
  packages: () => request('GET', '/api/mp/packages'),
  createOrder: packageId => request('POST', '/api/mp/orders', {package_id: packageId}),
  orders: (page, pageSize) =>
    request('GET', `/api/mp/orders?page=${page || 1}&page_size=${pageSize || 20}`),
  order: id => request('GET', `/api/mp/orders/${id}`),
  // Appointments (docs/API.md, "Appointments (member side)"); day is a Beijing YYYY-MM-DD.
  slots: (storeId, day) => request('GET', `/api/mp/stores/${storeId}/slots?from=${day}&to=${day}`),
  book: body => request('POST', '/api/mp/appointments', body),
  appointments: (page, pageSize) =>
    request('GET', `/api/mp/appointments?page=${page || 1}&page_size=${pageSize || 50}`),
  appointment: id => request('GET', `/api/mp/appointments/${id}`),
  reschedule: (id, slotId) =>
    request('POST', `/api/mp/appointments/${id}/reschedule`, {slot_id: slotId}),
  cancelAppointment: id => request('POST', `/api/mp/appointments/${id}/cancel`),
  // Owner activities (docs/API.md, "Activities (member side)").
  activities: (page, pageSize) =>
    request('GET', `/api/mp/activities?page=${page || 1}&page_size=${pageSize || 50}`),
  activity: id => request('GET', `/api/mp/activities/${id}`),
  signUp: id => request('POST', `/api/mp/activities/${id}/signups`),
  activitySignups: (page, pageSize) =>
    request('GET', `/api/mp/activity-signups?page=${page || 1}&page_size=${pageSize || 200}`),
  cancelSignup: id => request('POST', `/api/mp/activity-signups/${id}/cancel`),
  // Subscribe messages (docs/API.md, "Subscribe messages (member side)"); answer is
  // wx.requestSubscribeMessage's success object as WeChat gives it.
  subscriptions: () => request('GET', '/api/mp/subscriptions'),
  subscribe: answer => request('POST', '/api/mp/subscriptions', answer),
  // Maintenance reminders (docs/API.md, "Maintenance reminders (member side)").
  reminders: () => request('GET', '/api/mp/reminders'),
  dismissReminder: id => request('POST', `/api/mp/reminders/${id}/dismiss`),
  // Referrals (docs/API.md, "Referrals (member side)").
  referralCode: () => request('GET', '/api/mp/referrals/code'),
  referrals: (page, pageSize) =>
    request('GET', `/api/mp/referrals?page=${page || 1}&page_size=${pageSize || 50}`),
  attachReferral: code => request('POST', '/api/mp/referrals/attach', {code}),
  // Visit feedback (docs/API.md, "Visit feedback (member side)").
  feedbackVisits: () => request('GET', '/api/mp/feedback/visits'),
  rateVisit: body => request('POST', '/api/mp/feedback/ratings', body),
}

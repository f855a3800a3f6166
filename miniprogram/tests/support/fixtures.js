// Answers of the member API shaped as docs/API.md gives them, for the page tests.
const STOCK_CASH = {
  id: 7, name: '满300减50', description: '保养专享', type: 'cash', value_fen: 5000,
  threshold_fen: 30000, percent_off: 0, max_discount_fen: 0, item: '', valid_from: null,
  valid_until: null, valid_days: 30, per_member_limit: 2, min_tier: '', brand_id: 1,
  region_id: null, dealer_id: null, store_id: null, store_ids: [],
}

function stockListItem(overrides) {
  return Object.assign({}, STOCK_CASH, {remaining: 48, claimed: 0}, overrides)
}

function coupon(overrides) {
  return Object.assign({
    id: 42, code: '7K3M-Q9XD-2HRT-B6WN-P', stock_id: 7, state: 'issued', channel: 'claim',
    issued_at: '2026-12-06T04:30:00Z', valid_from: '2026-12-06T04:30:00Z',
    expires_at: '2027-01-04T15:59:59Z', redeemed_at: null, reserved_for_appointment_id: null,
    stock: STOCK_CASH,
  }, overrides)
}

function card(overrides) {
  return Object.assign({
    member: {id: 1, brand_id: 1, number: '600123456786', tier: 'gold', status: 'active',
      enrolled_at: '2026-11-01T02:00:00Z'},
    tier: {current: 'gold', next: 'platinum', spend_fen_to_next: 1234500, visits_to_next: 20},
    points: {balance: 3260, expiring_30d: 120, next_expiry_at: '2026-12-31T15:59:59Z'},
    coupons: {usable: 3},
    vehicles: [],
    member_code: {token: 'mc2.first', expires_at: new Date(Date.now() + 120000).toISOString()},
  }, overrides)
}

// A VEHICLE (its VIN carries a valid check digit).
function vehicle(overrides) {
  return Object.assign({
    id: 12, plate: '京A12345', vin: 'LVSHCAMB1CE054249', model: '宝马 X5',
    purchase_date: '2024-05-01', mileage_km: 12000,
    created_at: '2026-12-06T04:30:00Z', updated_at: '2026-12-06T04:30:00Z',
  }, overrides)
}

// A LINKED_PARTNER of GET /api/mp/partners.
function partner(overrides) {
  return Object.assign({
    id: 3, name: '中石化京通加油站', category: 'fuel',
    linked_at: '2026-11-02T01:00:00Z', last_seen_at: '2026-12-06T04:30:00Z',
    points_earned: 1260,
  }, overrides)
}

function profile(overrides) {
  return Object.assign({
    nickname: '小爱', birthday: '1990-05-01', phone: null,
    consents: {
      marketing: {granted: true, text_version: '2026-01', at: '2026-12-06T05:00:00Z'},
      partner_sharing: {granted: false, text_version: '2026-01', at: '2026-12-06T05:30:00Z'},
      plate_recognition: {granted: false, text_version: null, at: null},
    },
  }, overrides)
}

function store(overrides) {
  return Object.assign({
    id: 7, name: '人民广场店', address: '上海市黄浦区人民大道 1 号', phone: '021-6355 1234',
    hours: '08:30-18:00', latitude: 31.230416, longitude: 121.473701, distance_m: 850,
  }, overrides)
}

// An exchange stock as a package item carries it (MEMBER_STOCK).
const STOCK_WASH = Object.assign({}, STOCK_CASH, {
  id: 9, name: '洗车券', description: '', type: 'exchange', value_fen: 0, threshold_fen: 0,
  item: '洗车一次', valid_days: 90, per_member_limit: 10,
})

// A PACKAGE of docs/API.md, "Packages and orders": ten car washes and a 50-off-300 coupon for 199 yuan.
function pkg(overrides) {
  return Object.assign({
    id: 3, name: '洗车年卡', description: '全年洗车无忧', price_fen: 19900,
    store: {id: 7, name: '人民广场店'},
    items: [{stock_id: 9, quantity: 10, stock: STOCK_WASH},
      {stock_id: 7, quantity: 1, stock: STOCK_CASH}],
  }, overrides)
}

// An ORDER of docs/API.md, "Packages and orders", pending (coupons come once paid).
function order(overrides) {
  return Object.assign({
    id: 21, package_id: 3, package_name: '洗车年卡', amount_fen: 19900, state: 'pending',
    out_trade_no: 'PKG21X7Q2M', created_at: '2026-12-06T04:30:00Z', paid_at: null, coupons: [],
  }, overrides)
}

// What POST /api/mp/orders answers: the order and what wx.requestPayment takes.
function orderCreated(overrides) {
  return {
    order: order(overrides),
    payment: {appId: 'wx8888888888888888', timeStamp: '1796531400', nonceStr: '5K8264ILTKCH16CQ',
      package: 'prepay_id=wx06123000abc', signType: 'RSA', paySign: 'c2lnbmF0dXJl'},
  }
}

// A SLOT of docs/API.md, "Appointments (console)": 10:00-11:00 Beijing on 2027-01-05.
function slot(overrides) {
  return Object.assign({
    id: 31, store_id: 7, starts_at: '2027-01-05T02:00:00Z', ends_at: '2027-01-05T03:00:00Z',
    capacity: 2, booked: 0, remaining: 2, service_types: ['maintenance', 'wash'],
  }, overrides)
}

// An APPOINTMENT, booked for 10:00 Beijing on 2027-01-05.
function appointment(overrides) {
  return Object.assign({
    id: 51, store_id: 7, slot_id: 31, starts_at: '2027-01-05T02:00:00Z', member_id: 1,
    vehicle_id: 12, service_type: 'maintenance', coupon_id: null, state: 'booked',
    redemption_id: null, reminded_at: null, created_at: '2026-12-06T04:30:00Z',
    updated_at: '2026-12-06T04:30:00Z', checked_in_at: null, completed_at: null,
    cancelled_at: null,
  }, overrides)
}

// An ACTIVITY of docs/API.md, "Activities (console)": a test-drive day of the brand, 09:00-12:00
// Beijing on 2027-01-09, 30 seats of which 28 taken, sign-up open 2026-12-01 08:00 until
// 2027-01-08 20:00 Beijing. Tests move the times around now where the window matters.
function activity(overrides) {
  return Object.assign({
    id: 61, brand_id: 1, node: {type: 'brand', id: 1}, title: '新春试驾日',
    description: '体验新款车型，现场有技师讲解', place: '人民广场店',
    starts_at: '2027-01-09T01:00:00Z', ends_at: '2027-01-09T04:00:00Z', capacity: 30,
    seated: 28, remaining: 2, signup_opens_at: '2026-12-01T00:00:00Z',
    signup_closes_at: '2027-01-08T12:00:00Z', min_tier: null, state: 'open',
    created_at: '2026-11-30T02:00:00Z', cancelled_at: null,
  }, overrides)
}

// A SIGNUP of the member (id 1) for activity 61, seated at once.
function signup(overrides) {
  return Object.assign({
    id: 71, activity_id: 61, member_id: 1, state: 'seated', position: null,
    created_at: '2026-12-06T04:30:00Z', promoted_at: null, checked_in_at: null, cancelled_at: null,
  }, overrides)
}

module.exports = {STOCK_CASH, STOCK_WASH, stockListItem, coupon, card, vehicle, profile, store,
  pkg, order, orderCreated, partner, slot, appointment, activity, signup}

// Templates of GET /api/mp/subscriptions (docs/API.md, "Subscribe messages (member side)"): the
// brand's appointment, activity, maintenance and a marketing one, none granted yet.
function subscriptionTemplate(overrides) {
  return Object.assign({template_id: 'Tpl_reminder-1', title: '预约到店提醒',
    topic: 'appointment.reminder', marketing: false, remaining: 0}, overrides)
}

function subscriptionTemplates() {
  return [
    subscriptionTemplate(),
    subscriptionTemplate({template_id: 'Tpl_resched-2', title: '预约变更通知',
      topic: 'appointment.rescheduled'}),
    subscriptionTemplate({template_id: 'Tpl_cancel-3', title: '预约取消通知',
      topic: 'appointment.cancelled'}),
    subscriptionTemplate({template_id: 'Tpl_promo-4', title: '候补成功通知', topic: 'activity.promoted'}),
    subscriptionTemplate({template_id: 'Tpl_due-5', title: '保养到期提醒', topic: 'maintenance.due'}),
    subscriptionTemplate({template_id: 'Tpl_coupon-6', title: '优惠券到账提醒', topic: 'coupon.issued',
      marketing: true}),
  ]
}

// A reminder and a vehicle of GET /api/mp/reminders (docs/API.md, "Maintenance reminders
// (member side)"); due_date and next_due_date are YYYY-MM-DD.
function reminder(overrides) {
  return Object.assign({id: 12, vehicle_id: 5, model: 'Golf', plate: '京A·***45',
    due_date: '2030-01-15', overdue: false, reason: 'months', created_at: '2030-01-07T00:00:00Z'},
  overrides)
}

function reminderVehicle(overrides) {
  return Object.assign({vehicle_id: 5, model: 'Golf', plate: '京A·***45',
    next_due_date: '2030-01-15', reason: 'months'}, overrides)
}

Object.assign(module.exports, {subscriptionTemplate, subscriptionTemplates, reminder,
  reminderVehicle})

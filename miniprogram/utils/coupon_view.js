// A member coupon (MEMBER_COUPON + stock) or a stock as the coupon cards show it.
const format = require('./format')

const STATE_NAMES = {issued: '可使用', redeemed: '已核销', expired: '已过期', voided: '已作废',
  held: '已预约占用'}

// Held for an appointment (reserved_for_appointment_id): still `issued`, but redeemed by the
// store at the visit, not at the counter (docs/API.md, MEMBER_COUPON).
function isHeld(coupon) {
  return coupon.state === 'issued' && coupon.reserved_for_appointment_id != null
}

// Whether the member can show the coupon at the counter (its QR code).
function usableAtCounter(coupon) {
  return coupon.state === 'issued' && !isHeld(coupon)
}

function couponView(coupon) {
  const stock = coupon.stock || {}
  const state = isHeld(coupon) ? 'held' : coupon.state
  return {
    id: coupon.id,
    // issued (usable at the counter), held, redeemed, expired or voided.
    state,
    stateName: STATE_NAMES[state] || state,
    appointmentId: coupon.reserved_for_appointment_id || 0,
    name: stock.name || '',
    description: stock.description || '',
    value: format.couponValue(stock),
    terms: format.couponTerms(stock),
    code: coupon.code,
    expiresAt: format.beijing(coupon.expires_at),
    redeemedAt: format.beijing(coupon.redeemed_at),
  }
}

function stockView(stock) {
  return {
    id: stock.id,
    name: stock.name,
    description: stock.description || '',
    value: format.couponValue(stock),
    terms: format.couponTerms(stock),
    validity: format.stockValidity(stock),
    claimed: stock.claimed || 0,
    limit: stock.per_member_limit,
    remaining: stock.remaining,
    notice: '',
    claiming: false,
  }
}

module.exports = {couponView, stockView, isHeld, usableAtCounter, STATE_NAMES}

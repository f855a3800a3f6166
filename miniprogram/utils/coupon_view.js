// A member coupon (MEMBER_COUPON + stock) or a stock as the coupon cards show it.
const format = require('./format')

const STATE_NAMES = {issued: '可使用', redeemed: '已核销', expired: '已过期', voided: '已作废'}

function couponView(coupon) {
  const stock = coupon.stock || {}
  return {
    id: coupon.id,
    state: coupon.state,
    stateName: STATE_NAMES[coupon.state] || coupon.state,
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

module.exports = {couponView, stockView, STATE_NAMES}

// An ORDER (POST/GET /api/mp/orders) as the order list and the order page show it.
const format = require('./format')
const {couponView} = require('./coupon_view')

const ORDER_STATE_NAMES = {
  pending: '待支付', paid: '已支付', grant_failed: '发放失败', refunded: '已退款',
}

// A granted coupon: MEMBER_COUPON with its stock (the names fall back for a stock gone).
function orderCouponView(coupon) {
  const view = couponView(coupon)
  if (!view.name) view.name = '优惠券'
  if (!view.value) view.value = '券'
  return view
}

function orderView(order) {
  return {
    id: order.id,
    packageName: order.package_name,
    amount: format.price(order.amount_fen),
    state: order.state,
    stateName: ORDER_STATE_NAMES[order.state] || order.state,
    outTradeNo: order.out_trade_no,
    createdAt: format.beijing(order.created_at),
    paidAt: format.beijing(order.paid_at),
    coupons: (order.coupons || []).map(orderCouponView),
  }
}

module.exports = {orderView, ORDER_STATE_NAMES}

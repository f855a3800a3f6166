// The member API routes the pages use (docs/API.md, "Member API").
const {request} = require('./request')

module.exports = {
  me: () => request('GET', '/api/mp/me'),
  card: () => request('GET', '/api/mp/card'),
  stocks: () => request('GET', '/api/mp/stocks'),
  claim: stockId => request('POST', `/api/mp/stocks/${stockId}/claim`),
  coupons: (state, page, pageSize) =>
    request('GET', `/api/mp/coupons?state=${state}&page=${page || 1}&page_size=${pageSize || 20}`),
  coupon: id => request('GET', `/api/mp/coupons/${id}`),
  couponQr: id => request('POST', `/api/mp/coupons/${id}/qr`),
}

// Timers of the pages that refresh on their own. One object, so a test can shorten them.
module.exports = {
  // How often the coupon page asks whether staff have redeemed the coupon shown as a QR.
  couponPollMs: 3000,
  // Right after wx.requestPayment succeeds the order may still read pending (WeChat's
  // notification comes on its own): the order page asks again this often, for this long.
  orderPollMs: 1500,
  orderPollForMs: 10000,
  // A QR token (coupon: 60 s; member code: its expires_at) is replaced this long before it
  // expires, so the code on screen never scans as expired.
  qrRefreshLeadMs: 10000,
  // Never refresh more often than this, whatever a skewed phone clock says.
  qrMinRefreshMs: 5000,
  // Never wait longer than this between refreshes.
  qrMaxRefreshMs: 10 * 60 * 1000,
}

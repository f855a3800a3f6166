// wx.requestPayment as a Promise, given the `payment` object of POST /api/mp/orders: exactly
// its five signed fields are passed (appId is the mini-program's own and not a parameter).
// Resolves on success; rejects {code: 'PAY_CANCELLED'} when the member closed the cashier and
// {code: 'PAY_FAILED', message} on any other failure. Success only means WeChat took the
// payment: the order turns paid when WeChat's notification reaches the server.
function requestPayment(payment) {
  return new Promise((resolve, reject) => {
    wx.requestPayment({
      timeStamp: payment.timeStamp,
      nonceStr: payment.nonceStr,
      package: payment.package,
      signType: payment.signType,
      paySign: payment.paySign,
      success: res => resolve(res),
      fail: err => {
        const errMsg = (err && err.errMsg) || ''
        if (/cancel/.test(errMsg)) reject({code: 'PAY_CANCELLED', message: errMsg})
        else reject({code: 'PAY_FAILED', message: errMsg})
      },
    })
  })
}

module.exports = {requestPayment}

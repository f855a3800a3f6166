// The mini-program. Pages log in on their first request (utils/request.js); showing the app
// keeps the referral code it was opened with, if any, and attaches the member to it
// (utils/referral.js).
const referral = require('./utils/referral')

App({
  onShow(options) {
    referral.remember(options)
    referral.attachPending()
  },
})

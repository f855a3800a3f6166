// The mini-program. Pages log in on their first request (utils/request.js), so launch does
// nothing but start.
App({})

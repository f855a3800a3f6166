// 推荐有礼 on the way in: the referral code the mini-program was opened with (a wxacode's scene
// "r=<code>", which WeChat passes percent-encoded as query.scene, or a share card's
// ?scene=r%3D<code>) is kept in storage and posted once (POST /api/mp/referrals/attach, which
// logs in silently first). The server's refusal (a 4xx: not a new owner, already referred, an
// unknown code...) forgets the code; a network failure or a 5xx keeps it for the next launch.
// Never shown to the member: opening a friend's code must not get in the way.
const api = require('./api')

const PENDING_KEY = 'mileage.referral_code'
const CODE = /^[0-9A-Za-z]{1,16}$/

// The referral code in App.onShow's (or a page's) options, or ''.
function codeOf(options) {
  const query = (options && options.query) || {}
  let scene = query.scene
  if (typeof scene !== 'string' || !scene) return ''
  try {
    scene = decodeURIComponent(scene)
  } catch (e) {
    return ''
  }
  for (const part of scene.split('&')) {
    const at = part.indexOf('=')
    if (at > 0 && part.slice(0, at) === 'r' && CODE.test(part.slice(at + 1))) {
      return part.slice(at + 1)
    }
  }
  return ''
}

// Keeps the options' code (the latest one opened wins) and returns it ('' when none).
function remember(options) {
  const code = codeOf(options)
  if (code) wx.setStorageSync(PENDING_KEY, code)
  return code
}

let inFlight = null

// Posts the kept code, once at a time. Resolves {attached, code?} and never rejects.
function attachPending() {
  if (inFlight) return inFlight
  const code = wx.getStorageSync(PENDING_KEY)
  if (!code) return Promise.resolve({attached: false})
  inFlight = api.attachReferral(code).then(() => {
    wx.removeStorageSync(PENDING_KEY)
    return {attached: true}
  }, err => {
    const status = (err && err.status) || 0
    if (status >= 400 && status < 500) wx.removeStorageSync(PENDING_KEY)
    return {attached: false, code: (err && err.code) || ''}
  }).then(outcome => {
    inFlight = null
    return outcome
  })
  return inFlight
}

module.exports = {codeOf, remember, attachPending, PENDING_KEY}

// The request layer: every call to the Mileage member API goes through request().
// Login is silent: wx.login gives a one-time code, POST /api/mp/login exchanges it for a member
// token kept in storage, and each request sends it as `Authorization: Bearer`. A 401 (expired,
// revoked or foreign token) clears the token, logs in once more and retries the request once;
// a second 401 is surfaced, never looped on. A 401 about a one-time WeChat code the route was
// given (POST /api/mp/phone: INVALID_CODE, CODE_USED) is the route's answer, not the session's:
// it is surfaced as it is, since retrying would send the spent code again. Failures reject with {status, code, message}:
// the server's own {"code","message"} when it sent one, NETWORK_ERROR when no answer came.
const config = require('../config')

const TOKEN_KEY = 'mileage.member_token'
const CODE_REFUSALS = new Set(['INVALID_CODE', 'CODE_USED'])

function getToken() {
  return wx.getStorageSync(TOKEN_KEY) || ''
}

function clearToken() {
  wx.removeStorageSync(TOKEN_KEY)
}

function appId() {
  try {
    const info = wx.getAccountInfoSync()
    if (info && info.miniProgram && info.miniProgram.appId) return info.miniProgram.appId
  } catch (e) {
    // Older base libraries lack getAccountInfoSync: use the configured appid.
  }
  return config.fallbackAppid
}

function toError(status, body) {
  if (body && typeof body === 'object' && typeof body.code === 'string') {
    return {status, code: body.code, message: body.message || ''}
  }
  return {status, code: 'HTTP_' + status, message: ''}
}

// One HTTP exchange: resolves {status, data} for any HTTP answer, rejects NETWORK_ERROR.
function send(method, path, data, token) {
  return new Promise((resolve, reject) => {
    const header = {'Content-Type': 'application/json'}
    if (token) header.Authorization = 'Bearer ' + token
    wx.request({
      url: config.baseUrl + path,
      method,
      data,
      header,
      dataType: 'json',
      timeout: config.timeoutMs,
      success: res => resolve({status: res.statusCode, data: res.data}),
      fail: err => reject({
        status: 0,
        code: 'NETWORK_ERROR',
        message: (err && err.errMsg) || 'request failed',
      }),
    })
  })
}

function wxLoginCode() {
  return new Promise((resolve, reject) => {
    wx.login({
      success: res => (res && res.code ? resolve(res.code)
        : reject({status: 0, code: 'WX_LOGIN_FAILED', message: 'wx.login gave no code'})),
      fail: err => reject({
        status: 0,
        code: 'WX_LOGIN_FAILED',
        message: (err && err.errMsg) || 'wx.login failed',
      }),
    })
  })
}

let loginInFlight = null

// Logs in with a fresh wx.login code (a code is single-use) and stores the token. Concurrent
// callers share one login. Resolves the login answer {token, expires_at, member}.
function login() {
  if (!loginInFlight) {
    loginInFlight = wxLoginCode()
      .then(code => send('POST', '/api/mp/login', {appid: appId(), code}))
      .then(res => {
        if (res.status !== 200 || !res.data || !res.data.token) throw toError(res.status, res.data)
        wx.setStorageSync(TOKEN_KEY, res.data.token)
        return res.data
      })
    const done = () => { loginInFlight = null }
    loginInFlight.then(done, done)
  }
  return loginInFlight
}

// request('GET', '/api/mp/me') -> the response body of a 2xx; data is the JSON body of a POST
// (or undefined for none). Query strings are part of the path.
async function request(method, path, data) {
  let token = getToken()
  if (!token) token = (await login()).token
  let res = await send(method, path, data, token)
  if (res.status === 401 && !(res.data && CODE_REFUSALS.has(res.data.code))) {
    clearToken()
    token = (await login()).token
    res = await send(method, path, data, token)
  }
  if (res.status >= 200 && res.status < 300) return res.data
  throw toError(res.status, res.data)
}

// Ends the session on the server (best effort: a gone session is as good) and forgets it.
async function logout() {
  const token = getToken()
  clearToken()
  if (!token) return
  try {
    await send('POST', '/api/mp/logout', undefined, token)
  } catch (e) {
    // Offline: the token is forgotten here and expires on the server on its own.
  }
}

module.exports = {request, login, logout, getToken, clearToken, TOKEN_KEY}

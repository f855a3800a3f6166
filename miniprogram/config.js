// The one place a developer sets where the mini-program finds the Mileage server.
// scripts/serve listens on 127.0.0.1:8080; a phone needs the server's LAN or public https
// address instead (and, outside DevTools' "不校验合法域名", a domain registered in the
// mini-program's admin console).
module.exports = {
  baseUrl: 'http://127.0.0.1:8080',
  // The appid sent to POST /api/mp/login when wx.getAccountInfoSync() cannot tell it
  // (DevTools and WeChat always can); the sandbox's mini-program by default.
  fallbackAppid: 'wx8888888888888888',
  // wx.request timeout.
  timeoutMs: 10000,
}

// The request layer (utils/request.js) against a fake wx.login / wx.request / storage.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx} = require('./support/harness')
const request = require('../utils/request')

const ME = {member: {id: 1, number: '600123456786', tier: 'silver', status: 'active'}}

test('the first request logs in with a wx.login code and sends the token it got', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/me', 200, ME)
  const body = await request.request('GET', '/api/mp/me')
  assert.deepEqual(body, ME)
  const login = wx.calls('POST', '/api/mp/login')
  assert.equal(login.length, 1)
  assert.deepEqual(login[0].data, {appid: 'wx8888888888888888', code: 'code-1'})
  assert.equal(wx.calls('GET', '/api/mp/me')[0].token, 'mmt1.token-1')
  assert.equal(wx.storage.get(request.TOKEN_KEY), 'mmt1.token-1')
})

test('a stored token is used without logging in', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/me', 200, ME)
  wx.storage.set(request.TOKEN_KEY, 'mmt1.kept')
  await request.request('GET', '/api/mp/me')
  assert.equal(wx.logins, 0)
  assert.equal(wx.calls('GET', '/api/mp/me')[0].token, 'mmt1.kept')
})

test('a 401 logs in again once and retries the request with the new token', async () => {
  const wx = fakeWx()
  wx.storage.set(request.TOKEN_KEY, 'mmt1.stale')
  wx.route('GET', '/api/mp/me', req => (req.token === 'mmt1.stale'
    ? {status: 401, body: {code: 'SESSION_EXPIRED', message: 'session expired'}}
    : {status: 200, body: ME}))
  const body = await request.request('GET', '/api/mp/me')
  assert.deepEqual(body, ME)
  assert.equal(wx.logins, 1)
  assert.deepEqual(wx.requests.map(r => `${r.method} ${r.path} ${r.token}`), [
    'GET /api/mp/me mmt1.stale',
    'POST /api/mp/login ',
    'GET /api/mp/me mmt1.token-1',
  ])
  assert.equal(wx.storage.get(request.TOKEN_KEY), 'mmt1.token-1')
})

test('a second 401 is surfaced, not looped on', async () => {
  const wx = fakeWx()
  wx.storage.set(request.TOKEN_KEY, 'mmt1.stale')
  wx.reply('GET', '/api/mp/me', 401, {code: 'SESSION_REVOKED', message: 'session revoked'})
  await assert.rejects(request.request('GET', '/api/mp/me'),
    {status: 401, code: 'SESSION_REVOKED', message: 'session revoked'})
  assert.equal(wx.calls('GET', '/api/mp/me').length, 2)
  assert.equal(wx.logins, 1)
})

test("a refusal is surfaced as the server's {code, message}", async () => {
  const wx = fakeWx().reply('POST', '/api/mp/stocks/7/claim', 409,
    {code: 'SOLD_OUT', message: 'nothing left'})
  wx.storage.set(request.TOKEN_KEY, 'mmt1.kept')
  await assert.rejects(request.request('POST', '/api/mp/stocks/7/claim'),
    {status: 409, code: 'SOLD_OUT', message: 'nothing left'})
  assert.equal(wx.logins, 0)
})

test('an answer without a JSON error body becomes HTTP_<status>', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/me', 502, '<html>Bad Gateway</html>')
  wx.storage.set(request.TOKEN_KEY, 'mmt1.kept')
  await assert.rejects(request.request('GET', '/api/mp/me'), {status: 502, code: 'HTTP_502'})
})

test('no answer at all is NETWORK_ERROR', async () => {
  const wx = fakeWx().route('GET', '/api/mp/me', () => ({networkError: true}))
  wx.storage.set(request.TOKEN_KEY, 'mmt1.kept')
  await assert.rejects(request.request('GET', '/api/mp/me'), {status: 0, code: 'NETWORK_ERROR'})
})

test('a refused login is surfaced and stores no token', async () => {
  const wx = fakeWx().reply('POST', '/api/mp/login', 403,
    {code: 'MEMBER_SUSPENDED', message: 'suspended'})
  wx.reply('GET', '/api/mp/me', 200, ME)
  await assert.rejects(request.request('GET', '/api/mp/me'), {status: 403, code: 'MEMBER_SUSPENDED'})
  assert.equal(wx.calls('GET', '/api/mp/me').length, 0)
  assert.equal(wx.storage.has(request.TOKEN_KEY), false)
})

test('concurrent first requests share one login', async () => {
  const wx = fakeWx().reply('GET', '/api/mp/me', 200, ME).reply('GET', '/api/mp/stocks', 200, {items: []})
  await Promise.all([request.request('GET', '/api/mp/me'), request.request('GET', '/api/mp/stocks')])
  assert.equal(wx.logins, 1)
  assert.deepEqual(wx.requests.filter(r => r.method === 'GET').map(r => r.token),
    ['mmt1.token-1', 'mmt1.token-1'])
})

test('logout ends the session on the server and forgets the token', async () => {
  const wx = fakeWx().reply('POST', '/api/mp/logout', 204, '')
  wx.storage.set(request.TOKEN_KEY, 'mmt1.kept')
  await request.logout()
  assert.equal(wx.calls('POST', '/api/mp/logout')[0].token, 'mmt1.kept')
  assert.equal(wx.storage.has(request.TOKEN_KEY), false)
})

test('a 401 refusing the code a route was given is surfaced without a re-login or retry', async () => {
  const wx = fakeWx().reply('POST', '/api/mp/phone', 401, {code: 'CODE_USED', message: 'used'})
  await assert.rejects(request.request('POST', '/api/mp/phone', {code: 'c1'}),
    {status: 401, code: 'CODE_USED', message: 'used'})
  assert.equal(wx.calls('POST', '/api/mp/phone').length, 1)
  assert.equal(wx.logins, 1)
  assert.equal(wx.storage.get(request.TOKEN_KEY), 'mmt1.token-1')
})

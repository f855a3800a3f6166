// utils/referral.js: the code of a wxacode's or share card's scene is kept and attached once
// logged in; a refusal forgets it, a network failure keeps it; other scenes are ignored.
const test = require('node:test')
const assert = require('node:assert/strict')
const {fakeWx, waitFor} = require('./support/harness')
const referral = require('../utils/referral')

test('the scene a wxacode or a share card gives, and nothing else', () => {
  fakeWx()
  assert.equal(referral.codeOf({query: {scene: 'r%3DAb3dE6gH9k'}}), 'Ab3dE6gH9k')
  assert.equal(referral.codeOf({query: {scene: 'r=Ab3dE6gH9k'}}), 'Ab3dE6gH9k')
  assert.equal(referral.codeOf({query: {scene: 'store%3D42%26r%3Dabc'}}), 'abc')
  for (const options of [{}, {query: {}}, {query: {scene: 'store%3D42'}},
    {query: {scene: 'r%3D'}}, {query: {scene: 'r%3Dab-cd'}}, {query: {scene: '%E0%A4%A'}},
    {query: {scene: 'r%3D' + 'a'.repeat(17)}}, {query: {scene: 12}}]) {
    assert.equal(referral.codeOf(options), '', JSON.stringify(options))
  }
})

test('opening a code attaches the member once, logging in first', async () => {
  const wx = fakeWx().reply('POST', '/api/mp/referrals/attach', 201,
    {id: 9, state: 'pending', attached_at: '2026-12-06T00:00:00Z',
      expires_at: '2027-01-05T00:00:00Z'})
  assert.equal(referral.remember({query: {scene: 'r%3DAb3dE6gH9k'}}), 'Ab3dE6gH9k')
  const [first, second] = await Promise.all([referral.attachPending(), referral.attachPending()])
  assert.deepEqual(first, {attached: true})
  assert.deepEqual(second, {attached: true})  // the same post, not a second one
  const posts = wx.calls('POST', '/api/mp/referrals/attach')
  assert.equal(posts.length, 1)
  assert.deepEqual(posts[0].data, {code: 'Ab3dE6gH9k'})
  assert.equal(posts[0].token, 'mmt1.token-1')
  assert.equal(wx.storage.has(referral.PENDING_KEY), false)
  assert.deepEqual(await referral.attachPending(), {attached: false})  // nothing kept
})

test('a refusal forgets the code; a network failure keeps it for the next launch', async () => {
  const wx = fakeWx().reply('POST', '/api/mp/referrals/attach', 409,
    {code: 'NOT_NEW_OWNER', message: 'only a new owner may be referred'})
  referral.remember({query: {scene: 'r%3Dabc'}})
  assert.deepEqual(await referral.attachPending(), {attached: false, code: 'NOT_NEW_OWNER'})
  assert.equal(wx.storage.has(referral.PENDING_KEY), false)

  wx.route('POST', '/api/mp/referrals/attach', () => ({networkError: true}))
  referral.remember({query: {scene: 'r%3Ddef'}})
  assert.deepEqual(await referral.attachPending(), {attached: false, code: 'NETWORK_ERROR'})
  assert.equal(wx.storage.get(referral.PENDING_KEY), 'def')
  wx.reply('POST', '/api/mp/referrals/attach', 200, {id: 9, state: 'pending'})
  assert.deepEqual(await referral.attachPending(), {attached: true})
  assert.equal(wx.storage.has(referral.PENDING_KEY), false)
  await waitFor(() => wx.calls('POST', '/api/mp/referrals/attach').length === 3)
})

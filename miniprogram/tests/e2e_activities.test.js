// End to end: owner activities on the mini-program's pages and request layer, with wx.request
// over real HTTP against `mileage serve` and the sandbox (tests/support/mileage.js). Staff
// create a one-seat activity and a gold-only one in the console; a member sees the first on
// 车主活动 and signs up on its page (已报名); a second member finds it full, signs up for the
// waitlist (候补号 1) and is refused the gold-only one (TIER_TOO_LOW, in Chinese); the first
// cancels after the confirmation, and the second is seated in their place, on their list and
// in the console. Skipped without the mileage binary unless MILEAGE_E2E_REQUIRED=1.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('fs')
const {openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const {withMileage, realWx, binaryPath} = require('./support/mileage')
const api = require('../utils/api')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const skip = !required && !fs.existsSync(binaryPath()) &&
  `no mileage binary at ${binaryPath()} (build it, or set MILEAGE_BIN)`

const HOUR = 3600000
// RFC 3339 UTC without milliseconds, at whole minutes.
const rfc3339 = ms => new Date(Math.floor(ms / 60000) * 60000).toISOString().replace('.000Z', 'Z')

test('members sign up for an activity, the waitlist moves up when one cancels',
  {skip, timeout: 180000}, async () => {
    await withMileage(async mileage => {
      await mileage.consoleLogin()
      const now = Date.now()
      const times = {starts_at: rfc3339(now + 72 * HOUR), ends_at: rfc3339(now + 75 * HOUR),
        signup_opens_at: rfc3339(now - HOUR), signup_closes_at: rfc3339(now + 48 * HOUR)}
      const created = await mileage.console('POST', '/api/console/activities', Object.assign({
        node: {type: 'brand', id: mileage.brandId}, title: '新春试驾日', place: 'Store 1 展厅',
        description: '体验新款车型', capacity: 1}, times))
      assert.equal(created.status, 201, JSON.stringify(created.body))
      const id = created.body.id
      const gold = await mileage.console('POST', '/api/console/activities', Object.assign({
        node: {type: 'brand', id: mileage.brandId}, title: '金卡品鉴会', place: 'Store 1',
        capacity: 5, min_tier: 'gold'}, times))
      assert.equal(gold.status, 201, JSON.stringify(gold.body))

      // 车主活动: the one-seat activity (a silver member does not see the gold one).
      let wx = realWx(mileage, 'e2e-erin')
      const list = openPage('activities')
      await waitFor(() => find(list, '#list') || find(list, '#error'), 10000, 'the activities')
      assert.deepEqual(list.data.items.map(a => a.id), [id])
      assert.equal(text(find(list, `#badge-${id}`)), '报名中')
      assert.equal(text(find(list, `#seats-${id}`)), '剩余 1 个名额（共 1 个）')
      closePages()

      // Its page: 立即报名 seats her.
      let detail = openPage('activity', {id: String(id)})
      await waitFor(() => find(detail, '#signup'), 10000, 'the sign-up button')
      assert.equal(text(find(detail, '#signup')), '立即报名')
      await detail.instance.signUp()
      assert.deepEqual(wx.toasts, [{title: '报名成功', icon: 'success'}])
      assert.equal(text(find(detail, '#mine-state')), '已报名')
      assert.equal(text(find(detail, '#seats')), '名额已满（共 1 个），可报名候补')
      const erinSignup = (await api.activitySignups()).items[0]
      assert.deepEqual([erinSignup.activity_id, erinSignup.state], [id, 'seated'])
      closePages()

      // A second member: full, so the waitlist; the gold-only activity refuses him.
      wx = realWx(mileage, 'e2e-frank')
      detail = openPage('activity', {id: String(id)})
      await waitFor(() => find(detail, '#signup'), 10000, 'the sign-up button')
      assert.equal(text(find(detail, '#signup')), '报名候补')
      await detail.instance.signUp()
      assert.deepEqual(wx.toasts, [{title: '已加入候补', icon: 'none'}])
      assert.equal(text(find(detail, '#mine-state')), '候补中 · 候补号 1')
      closePages()
      const goldPage = openPage('activity', {id: String(gold.body.id)})
      await waitFor(() => find(goldPage, '#signup'), 10000, 'the gold activity')
      await goldPage.instance.signUp()
      assert.equal(text(find(goldPage, '#notice')), '您的会员等级暂不能报名该活动')
      assert.equal(find(goldPage, '#mine'), undefined)
      closePages()

      // The first member cancels on the page, after the confirmation.
      wx = realWx(mileage, 'e2e-erin')
      detail = openPage('activity', {id: String(id)})
      await waitFor(() => find(detail, '#cancel'), 10000, 'the cancel button')
      tap(detail, '#cancel')
      await waitFor(() => find(detail, '#signup'), 10000, 'the sign-up button again')
      assert.equal(wx.modals[0].title, '取消报名')
      assert.deepEqual(wx.toasts, [{title: '已取消', icon: 'success'}])
      assert.equal(text(find(detail, '#signup')), '报名候补')
      assert.equal((await api.activitySignups()).items[0].state, 'cancelled')
      closePages()

      // The second member was seated in her place: his list says so, and so does the console.
      realWx(mileage, 'e2e-frank')
      const his = openPage('activities')
      await waitFor(() => find(his, '#list'), 10000, 'his activities')
      assert.equal(text(find(his, `#badge-${id}`)), '已报名')
      const signups = await mileage.console('GET', `/api/console/activities/${id}/signups`)
      assert.equal(signups.status, 200, JSON.stringify(signups.body))
      assert.deepEqual(signups.body.items.map(s => [s.state, s.position]),
        [['cancelled', null], ['seated', 1]])
      const activity = await mileage.console('GET', `/api/console/activities/${id}`)
      assert.deepEqual([activity.body.seated, activity.body.remaining], [1, 0])
    })
  })

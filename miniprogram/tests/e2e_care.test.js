// End to end: subscribe messages and maintenance reminders on the mini-program's pages and
// request layer, with wx.request over real HTTP against `mileage serve` and the sandbox
// (tests/support/mileage.js); only WeChat's subscribe dialog is the harness's (it accepts).
// 1. 消息订阅 lists the templates a brand admin made in the console (the marketing one asking
//    for the consent); 订阅一次 adds a grant (还可接收 0 -> 1 次), a rejection adds none, an
//    unknown template is refused (SUBSCRIBE_TEMPLATE_NOT_FOUND) with nothing written.
// 2. A member's car bought 6 months ago is due 3 months after purchase (the built-in first
//    service): 保养提醒 shows the date before the job; 提醒我 grants the maintenance.due template;
//    `mileage jobs` writes the reminder, the page and 首页 show it overdue, the relay sends the
//    WeChat message with the grant (the sandbox records it); 知道了 dismisses it, and the
//    dismiss route's refusals (unknown, another member's, a bad id).
// Skipped without the mileage binary unless MILEAGE_E2E_REQUIRED=1.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('fs')
const {execFileSync} = require('child_process')
const {openPage, closePages, waitFor, text, find, tap} = require('./support/harness')
const {withMileage, poll, realWx, binaryPath, APPID} = require('./support/mileage')
const api = require('../utils/api')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const skip = !required && !fs.existsSync(binaryPath()) &&
  `no mileage binary at ${binaryPath()} (build it, or set MILEAGE_BIN)`

const DAY = 86400000
// Beijing's date of ms as {y, m (1..12), d}, and back to YYYY-MM-DD.
function beijingParts(ms) {
  const d = new Date(ms + 8 * 3600000)
  return {y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate()}
}
function ymd({y, m, d}) {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}
function addMonths({y, m, d}, n) {
  const months = y * 12 + (m - 1) + n
  return {y: Math.floor(months / 12), m: (months % 12) + 1, d}
}

function template(body) {
  return Object.assign({marketing: false, page: 'pages/reminders/index'}, body)
}

async function openReady(name, selector, what) {
  const page = openPage(name)
  await waitFor(() => find(page, selector) || find(page, '#error'), 10000, what)
  if (find(page, '#error')) throw new Error(`${name}: ${text(find(page, '#error'))}`)
  return page
}

test('subscribe messages and maintenance reminders against the real server',
  {skip, timeout: 240000}, async t => {
    await withMileage(async mileage => {
      await mileage.consoleLogin()
      const made = []
      for (const body of [
        template({topic: 'appointment.reminder', template_id: 'E2e_visit-1', title: '预约到店提醒',
          fields: {thing1: 'store_name', time2: 'starts_at'}}),
        template({topic: 'coupon.issued', template_id: 'E2e_coupon-2', title: '优惠券到账提醒',
          marketing: true, fields: {thing1: 'stock_name'}}),
        template({topic: 'maintenance.due', template_id: 'E2e_due-3', title: '保养到期提醒',
          fields: {thing1: 'model', date2: 'due_date'}}),
      ]) {
        const res = await mileage.console('POST', '/api/console/subscribe-templates', body)
        assert.equal(res.status, 201, JSON.stringify(res.body))
        made.push(res.body)
      }

      await t.test('消息订阅: the console\'s templates; 订阅一次 adds a grant', async () => {
        const wx = realWx(mileage, 'e2e-gina')
        const page = await openReady('subscriptions', '#list', 'the templates')
        assert.deepEqual(page.data.items.map(i => i.id), ['E2e_visit-1', 'E2e_coupon-2', 'E2e_due-3'])
        assert.equal(text(find(page, '#template-E2e_visit-1')), '预约到店提醒还可接收 0 次订阅一次')
        // A new member has not consented to marketing: the marketing template says so.
        assert.equal(text(find(page, '#template-E2e_coupon-2')),
          '优惠券到账提醒营销类还可接收 0 次需先在个人信息中同意接收营销消息，才会收到此类消息 ›订阅一次')

        await page.instance.subscribeOnce({currentTarget: {dataset: {id: 'E2e_visit-1'}}})
        assert.deepEqual(wx.subscribeRequests, [['E2e_visit-1']])
        assert.equal(text(find(page, '#remaining-E2e_visit-1')), '还可接收 1 次')
        assert.deepEqual(wx.toasts, [{title: '订阅成功', icon: 'success'}])
        // The server's own answer, read again.
        let mine = (await api.subscriptions()).items
        assert.deepEqual(mine.map(i => [i.template_id, i.remaining]),
          [['E2e_visit-1', 1], ['E2e_coupon-2', 0], ['E2e_due-3', 0]])

        // Rejected: posted, nothing added.
        wx.subscribeAnswer = ids => ({answer: {errMsg: 'requestSubscribeMessage:ok', [ids[0]]: 'reject'}})
        await page.instance.subscribeOnce({currentTarget: {dataset: {id: 'E2e_visit-1'}}})
        assert.equal(text(find(page, '#remaining-E2e_visit-1')), '还可接收 1 次')
        assert.deepEqual(wx.toasts[1], {title: '未订阅', icon: 'none'})

        // A template the brand does not have: refused, nothing written (not even the valid one).
        await assert.rejects(api.subscribe({'E2e_visit-1': 'accept', No_such: 'accept',
          errMsg: 'requestSubscribeMessage:ok'}), err => err.code === 'SUBSCRIBE_TEMPLATE_NOT_FOUND')
        mine = (await api.subscriptions()).items
        assert.equal(mine[0].remaining, 1)
        closePages()
      })

      await t.test('保养提醒: next due date, 提醒我, the job, the WeChat message, 知道了', async () => {
        const wx = realWx(mileage, 'e2e-hank')
        const today = beijingParts(Date.now())
        const bought = addMonths({y: today.y, m: today.m, d: Math.min(today.d, 28)}, -6)
        const due = ymd(addMonths(bought, 3))
        const overdueDays = Math.round((Date.parse(`${ymd(today)}T00:00:00Z`) -
          Date.parse(`${due}T00:00:00Z`)) / DAY)
        const golf = await api.addVehicle({plate: '京A54321', model: 'Golf',
          purchase_date: ymd(bought)})
        const other = await api.addVehicle({plate: '沪B13579', model: 'Model 3'})

        // Before the job: the date, no notice; the car without a purchase date says what it needs.
        let page = await openReady('reminders', '#page', 'the reminders')
        assert.equal(text(find(page, '#no-reminders')), '暂无待处理的保养提醒')
        assert.equal(text(find(page, `#next-${golf.id}`)), due)
        assert.equal(text(find(page, `#next-${other.id}`)), '添加购车日期后可计算 ›')
        await waitFor(() => find(page, '#remind'), 10000, '提醒我')
        assert.equal(text(find(page, '#remind-remaining')), '还可接收 0 次')
        await page.instance.remindMe()
        assert.deepEqual(wx.subscribeRequests, [['E2e_due-3']])
        assert.equal(text(find(page, '#remind-remaining')), '还可接收 1 次')
        closePages()
        // What WeChat's client records when the member accepts (the sandbox plays WeChat).
        const session = await mileage.sandboxCall('GET', `/sns/jscode2session?appid=${APPID}` +
          '&secret=sandbox-secret&js_code=e2e-hank&grant_type=authorization_code')
        const openid = session.body.openid
        assert.ok(openid, JSON.stringify(session.body))
        const granted = await mileage.sandboxCall('POST', `/sandbox/mini-programs/${APPID}/subscriptions`,
          {openid, template_id: 'E2e_due-3'})
        assert.equal(granted.status, 200, JSON.stringify(granted.body))

        // The daily job, run once by hand.
        execFileSync(mileage.bin, ['jobs', '--config', mileage.config],
          {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
        const listed = await api.reminders()
        assert.equal(listed.reminders.length, 1)
        const reminder = listed.reminders[0]
        assert.deepEqual([reminder.vehicle_id, reminder.due_date, reminder.overdue, reminder.reason],
          [golf.id, due, true, 'months'])
        page = await openReady('reminders', '#page', 'the reminders')
        assert.equal(text(find(page, `#due-${reminder.id}`)), `已逾期 ${overdueDays} 天`)
        assert.match(text(find(page, `#reminder-${reminder.id}`)), new RegExp(`^Golf 京A·`))
        closePages()
        const home = openPage('home')
        await waitFor(() => find(home, '#reminder-notice'), 10000, 'the home reminder line')
        assert.match(text(find(home, '#reminder-notice')),
          new RegExp(`^保养提醒：Golf 京A·\\S+ 保养已逾期 ${overdueDays} 天›$`))
        closePages()

        // The relay sent the WeChat message with the member's grant.
        const [y, m, d] = due.split('-').map(Number)
        const message = await poll(async () => {
          const state = await mileage.sandboxCall('GET', `/sandbox/mini-programs/${APPID}`)
          return (state.body.messages || []).find(x => x.body.template_id === 'E2e_due-3')
        }, 30000, 'the maintenance message')
        assert.equal(message.body.touser, openid)
        assert.deepEqual(message.body.data, {thing1: {value: 'Golf'}, date2: {value: `${y}年${m}月${d}日`}})
        assert.equal(message.body.page, 'pages/reminders/index')
        assert.equal((await api.subscriptions()).items[2].remaining, 0)

        // 知道了.
        page = await openReady('reminders', '#page', 'the reminders')
        tap(page, `#dismiss-${reminder.id}`)
        await waitFor(() => find(page, '#no-reminders'), 10000, 'the notice gone')
        assert.deepEqual((await api.reminders()).reminders, [])
        assert.deepEqual(await api.dismissReminder(reminder.id), {id: reminder.id, dismissed: true})
        await assert.rejects(api.dismissReminder(reminder.id + 1000),
          err => err.code === 'REMINDER_NOT_FOUND' && err.status === 404)
        await assert.rejects(api.dismissReminder('abc'), err => err.code === 'INVALID_ID')
        closePages()
        // Another member cannot dismiss it (nor see it).
        realWx(mileage, 'e2e-ivy')
        await assert.rejects(api.dismissReminder(reminder.id),
          err => err.code === 'REMINDER_NOT_FOUND')
        assert.deepEqual(await api.reminders(), {reminders: [], vehicles: []})
      })
    })
  })

// 预约时段 and 预约 in a real browser against a real `mileage serve` with the sandbox, as
// console.test.js starts them. The tests run in order and share the server: the brand admin
// sets the store's schedule and generates today's slots; members book through the mini-program
// API; a store clerk checks one in with the member's code and completes it (redeeming the held
// coupon), cancels another, meets the refusals in Chinese, and sees no schedule edit controls.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'
import { assertNoErrors, brandAdminToken, call, chromiumPath, dist, loginThroughForm, openPage, shot, startServingConsole } from './support/browser.js'

const require = createRequire(import.meta.url)
const { Mileage, binaryPath, APPID } = require('../../miniprogram/tests/support/mileage.js')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const missing = [binaryPath(), path.join(dist, 'index.html'), chromiumPath].filter((f) => !fs.existsSync(f))
const skip = missing.length && !required ? `missing ${missing.join(', ')}` : false

const CLERK_PASSWORD = 'clerk-appt-password-1'
const SLOT_MINUTES = 30
const CAPACITY = 2
let mileage
let browser
let adminToken
const ids = {}

const api = (method, urlPath, body, bearer = adminToken) => call(mileage.base, method, urlPath, body, bearer)

// Today's Beijing day, and the starts (ms) of today's SLOT_MINUTES grid after `now`: what a
// schedule open 00:00-24:00 generates for today.
const beijingDay = (ms) => new Date(ms + 8 * 3600e3).toISOString().slice(0, 10)
function gridAfter(now) {
  const midnight = Date.parse(`${beijingDay(now)}T00:00:00+08:00`)
  const starts = []
  for (let t = midnight; t < midnight + 86400e3; t += SLOT_MINUTES * 60e3) if (t > now) starts.push(t)
  return starts
}

async function signedIn(urlPath, username, password) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 800 } })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console${urlPath}`)
  await loginThroughForm(page, username, password)
  await page.waitForURL(new RegExp(`/console${urlPath}$`))
  return { context, page }
}

// A member (by wx.login code) with a vehicle, and optionally a claimed coupon of the stock.
async function member(wxCode, plate, claimStock) {
  const login = await api('POST', '/api/mp/login', { appid: APPID, code: wxCode }, null)
  assert.equal(login.status, 200, JSON.stringify(login.body))
  const token = login.body.token
  const vehicle = await api('POST', '/api/mp/vehicles', { plate, model: '宝马 X5', mileage_km: 1000 }, token)
  assert.equal(vehicle.status, 201, JSON.stringify(vehicle.body))
  const m = { token, id: login.body.member.id, number: login.body.member.number, vehicleId: vehicle.body.id }
  if (claimStock) {
    const claimed = await api('POST', `/api/mp/stocks/${claimStock}/claim`, undefined, token)
    assert.equal(claimed.status, 201, JSON.stringify(claimed.body))
    m.coupon = claimed.body
  }
  return m
}

async function book(m, slotId, serviceType, couponId) {
  const body = { slot_id: slotId, vehicle_id: m.vehicleId, service_type: serviceType }
  if (couponId) body.coupon_id = couponId
  const res = await api('POST', '/api/mp/appointments', body, m.token)
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body
}

async function memberCode(m) {
  const card = await api('GET', '/api/mp/card', undefined, m.token)
  assert.equal(card.status, 200, JSON.stringify(card.body))
  return card.body.member_code.token
}

async function appointment(m, id) {
  const res = await api('GET', `/api/mp/appointments/${id}`, undefined, m.token)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body
}

const row = (id) => `#appt-table tr:has(.appt-id:text-is("${id}"))`

before(async () => {
  if (skip) return
  mileage = await startServingConsole(new Mileage(), (m) => {
    const clerkFile = path.join(m.dir, 'clerk-password')
    fs.writeFileSync(clerkFile, `${CLERK_PASSWORD}\n`, { mode: 0o600 })
    m.admin('create-user', '--username', 'clerk-appt', '--role', 'store_clerk',
      '--scope-type', 'store', '--scope-id', String(m.storeId), '--password-file', clerkFile)
  })
  adminToken = await brandAdminToken(mileage)
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true })
})

after(async () => {
  if (browser) await browser.close()
  if (mileage) await mileage.stop()
})

test('the brand admin sets the schedule on 预约时段 and generates today\'s slots', { skip }, async () => {
  const scheduleUrl = `/api/console/stores/${mileage.storeId}/schedule`
  const { context, page } = await signedIn('/schedule', 'ops', mileage.staffPassword)
  await page.waitForSelector('#sched-none')
  await page.waitForSelector('#sched-form')

  for (let i = 0; i < 7; i += 1) await page.fill(`#sched-hours-${i}`, '00:00-24:00')
  await page.fill('#sched-capacity', String(CAPACITY))
  await page.fill('#sched-services', 'maintenance, wash')
  // The form refuses what the API would refuse, before any request: nothing is written.
  await page.fill('#sched-slot-minutes', '5')
  await page.press('#sched-slot-minutes', 'Enter')
  await page.waitForSelector('#sched-form-error:has-text("时段长度需为 10 到 480 分钟")')
  await page.fill('#sched-hours-6', '18:00-09:00')
  await page.fill('#sched-slot-minutes', String(SLOT_MINUTES))
  await page.press('#sched-slot-minutes', 'Enter')
  await page.waitForSelector('#sched-form-error:has-text("周日的营业时间需为 HH:MM-HH:MM，开始早于结束")')
  assert.equal((await api('GET', scheduleUrl)).body.code, 'SCHEDULE_NOT_FOUND')

  await page.fill('#sched-hours-6', '00:00-24:00')
  await page.fill('#sched-holidays', '2099-01-01')
  // No cutoff: members may still cancel the slot starting within the half hour.
  await page.fill('#sched-cutoff', '0')
  await page.press('#sched-cutoff', 'Enter')
  await page.waitForSelector('#sched-saved')
  const saved = await api('GET', scheduleUrl)
  assert.equal(saved.status, 200, JSON.stringify(saved.body))
  assert.deepEqual(saved.body.hours, Array(7).fill('00:00-24:00'))
  assert.equal(saved.body.slot_minutes, SLOT_MINUTES)
  assert.equal(saved.body.capacity, CAPACITY)
  assert.deepEqual(saved.body.service_types, ['maintenance', 'wash'])
  assert.equal(saved.body.cutoff_minutes, 0)
  assert.deepEqual(saved.body.holidays, ['2099-01-01'])

  // Today only: the slots of today's grid that start after now.
  const today = beijingDay(Date.now())
  await page.fill('#gen-from', today)
  await page.fill('#gen-to', today)
  await page.fill('#slots-from', today)
  await page.fill('#slots-to', today)
  const before = gridAfter(Date.now()).length
  await page.click('#gen-submit')
  await page.waitForSelector('#gen-result')
  const after = gridAfter(Date.now()).length
  const created = Number(/已生成 (\d+) 个时段/.exec(await page.textContent('#gen-result'))[1])
  assert.ok(created <= before && created >= after, `created ${created}, expected ${after}..${before}`)
  assert.ok(created > 0, 'no slot left today (the test runs in the last half hour of the Beijing day)')

  const slots = await api('GET', `/api/console/stores/${mileage.storeId}/slots?from=${today}`)
  assert.equal(slots.body.items.length, created)
  ids.slots = slots.body.items
  await page.waitForFunction((n) => document.querySelectorAll('#slots-table .slot-seats').length === n, created)
  assert.equal((await page.textContent('#slots-table .slot-seats')).trim(), `0 / ${CAPACITY}`)
  await shot(page, 'schedule')

  // Generating again creates nothing.
  await page.click('#gen-submit')
  await page.waitForSelector('#gen-result:has-text("已生成 0 个时段")')
  assert.equal((await api('GET', `/api/console/stores/${mileage.storeId}/slots?from=${today}`)).body.items.length, created)
  assertNoErrors(page)
  await context.close()
})

test('a booking with a coupon shows on 预约; the clerk checks it in by member code and completion redeems the coupon', { skip }, async () => {
  const stock = await api('POST', '/api/console/stocks', {
    node: { type: 'store', id: mileage.storeId }, name: '预约洗车券', type: 'exchange', item: '洗车一次',
    valid_days: 30, total_quantity: 10, per_member_limit: 1, channels: ['claim'],
  })
  assert.equal(stock.status, 201, JSON.stringify(stock.body))
  assert.equal((await api('PATCH', `/api/console/stocks/${stock.body.id}`, { state: 'active' })).status, 200)
  const alice = await member('appt-alice', '京A12341', stock.body.id)
  const bob = await member('appt-bob', '京A12342')
  const slot = ids.slots[0]
  const booked = await book(alice, slot.id, 'wash', alice.coupon.id)
  const bobs = await book(bob, slot.id, 'maintenance')

  const { context, page } = await signedIn('/counter', 'clerk-appt', CLERK_PASSWORD)
  // The held coupon is refused at the counter until the visit completes.
  await page.waitForFunction(() => document.activeElement?.id === 'scan-input')
  await page.keyboard.type(alice.coupon.code)
  await page.keyboard.press('Enter')
  await page.waitForSelector('#confirm-redeem:focus')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#scan-error:has-text("该券已用于会员的预约，将在预约完成时核销")')
  await page.click('nav a[href$="/appointments"]')
  await page.waitForSelector(row(booked.id))
  // The member by card number, the vehicle by masked plate and model, the coupon by its campaign.
  assert.match(await page.textContent(row(booked.id)), new RegExp(`会员号 ${alice.number}.*洗车.*京A·\\*\\*\\*41 宝马 X5.*预约洗车券.*已预约`, 's'))
  assert.match(await page.textContent(row(bobs.id)), new RegExp(`会员号 ${bob.number}.*保养.*京A·\\*\\*\\*42 宝马 X5.*无.*已预约`, 's'))
  assert.equal((await page.textContent('#appt-table')).includes('12341'), false, 'never the full plate')
  await shot(page, 'appointments')

  // By keyboard: 到店 opens the code box with the focus in it; Enter submits.
  await page.focus(`${row(booked.id)} .checkin-btn`)
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => document.activeElement?.id === 'checkin-code')
  await page.keyboard.type('not-a-member-code')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#appt-action-error:has-text("会员码无效，请重新扫码")')
  await page.fill('#checkin-code', await memberCode(bob))
  await page.press('#checkin-code', 'Enter')
  await page.waitForSelector('#appt-action-error:has-text("会员码不属于该预约的会员")')
  assert.equal((await appointment(alice, booked.id)).state, 'booked')

  await page.fill('#checkin-code', await memberCode(alice))
  await page.press('#checkin-code', 'Enter')
  await page.waitForSelector(`${row(booked.id)} .appt-state:has-text("已到店")`)
  assert.equal((await appointment(alice, booked.id)).state, 'checked_in')
  assert.equal(await page.$('#checkin-panel'), null)

  await page.focus(`${row(booked.id)} .complete-btn`)
  await page.keyboard.press('Enter')
  await page.waitForSelector('#appt-outcome')
  const done = await appointment(alice, booked.id)
  assert.equal(done.state, 'completed')
  assert.ok(done.redemption_id, JSON.stringify(done))
  assert.match(await page.textContent('#appt-outcome'),
    new RegExp(`已核销优惠券 #${alice.coupon.id}，核销编号 ${done.redemption_id}`))
  assert.match(await page.textContent(row(booked.id)), new RegExp(`已核销，核销编号 ${done.redemption_id}.*已完成`, 's'))
  const coupon = await api('GET', `/api/mp/coupons/${alice.coupon.id}`, undefined, alice.token)
  assert.equal(coupon.body.state, 'redeemed', JSON.stringify(coupon.body))
  await shot(page, 'appointments-completed')

  // Bob cancels in the mini-program while the page still shows his booking: 到店 answers in Chinese.
  const cancelled = await api('POST', `/api/mp/appointments/${bobs.id}/cancel`, undefined, bob.token)
  assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body))
  await page.click(`${row(bobs.id)} .checkin-btn`)
  await page.fill('#checkin-code', await memberCode(bob))
  await page.press('#checkin-code', 'Enter')
  await page.waitForSelector('#appt-action-error:has-text("该预约已取消")')
  assert.equal((await appointment(bob, bobs.id)).state, 'cancelled')
  await page.click('#appt-refresh')
  await page.waitForSelector(`${row(bobs.id)} .appt-state:has-text("已取消")`)
  assert.equal(await page.$(`${row(bobs.id)} .checkin-btn`), null)
  assertNoErrors(page)
  await context.close()
})

test('the clerk cancels a booking on 预约: the seat is free again', { skip }, async () => {
  const carol = await member('appt-carol', '京A12343')
  const slot = ids.slots[0]
  const booked = await book(carol, slot.id, 'wash')
  const seats = async () => (await api('GET', `/api/console/stores/${mileage.storeId}/slots?from=${beijingDay(Date.now())}`))
    .body.items.find((s) => s.id === slot.id).booked
  // Alice's completed booking keeps its seat; Bob's cancelled one freed his.
  assert.equal(await seats(), 2)

  const { context, page } = await signedIn('/appointments', 'clerk-appt', CLERK_PASSWORD)
  await page.waitForSelector(row(booked.id))
  await page.click(`${row(booked.id)} .cancel-btn`)
  await page.click('.el-message-box__btns button:has-text("确定取消")')
  await page.waitForSelector(`${row(booked.id)} .appt-state:has-text("已取消")`)
  assert.equal((await appointment(carol, booked.id)).state, 'cancelled')
  assert.equal(await seats(), 1)

  // Another day without bookings: the empty state.
  await page.fill('#appt-day', '2099-01-02')
  await page.dispatchEvent('#appt-day', 'change')
  await page.waitForSelector('#appt-empty:has-text("2099-01-02 暂无预约")')
  assertNoErrors(page)
  await context.close()
})

test('a store clerk reads 预约时段 without the edit controls', { skip }, async () => {
  const { context, page } = await signedIn('/schedule', 'clerk-appt', CLERK_PASSWORD)
  await page.waitForSelector('#sched-view')
  assert.match(await page.textContent('#sched-view'), new RegExp(`周一\\s*00:00-24:00.*${SLOT_MINUTES} 分钟.*保养、洗车`, 's'))
  assert.equal(await page.$('#sched-form'), null)
  assert.equal(await page.$('#gen-form'), null)
  assert.equal(await page.$('#sched-save'), null)
  await page.waitForSelector('#slots-table')
  // Both pages are in the clerk's navigation.
  assert.ok(await page.$('nav a:has-text("预约时段")'))
  assert.ok(await page.$('nav a[href$="/appointments"]'))
  // The API refuses the clerk anyway.
  const login = await call(mileage.base, 'POST', '/api/console/login', { username: 'clerk-appt', password: CLERK_PASSWORD })
  const put = await api('PUT', `/api/console/stores/${mileage.storeId}/schedule`, {
    hours: Array(7).fill('09:00-10:00'), slot_minutes: 60, capacity: 1, service_types: ['wash'],
  }, login.body.token)
  assert.equal(put.status, 403)
  assert.equal((await api('GET', `/api/console/stores/${mileage.storeId}/schedule`)).body.slot_minutes, SLOT_MINUTES)
  await shot(page, 'schedule-clerk')
  assertNoErrors(page)
  await context.close()
})

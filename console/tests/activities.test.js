// 车主活动 in a real browser against a real `mileage serve` with the sandbox. The tests run in
// order and share the server: the brand admin creates an activity by keyboard (starting in a
// few minutes, sign-up open now, one seat), members sign up through the mini-program API (one
// seated, two waitlisted), the admin cancels the seated member's sign-up on the page (the first
// waitlisted takes the seat), checks a member in by member code, meets the refusals in Chinese
// and cancels the activity; a store clerk sees the empty state of the store.
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

const CLERK_PASSWORD = 'clerk-act-password-1'
let mileage
let browser
let adminToken
const ids = {}

const api = (method, urlPath, body, bearer = adminToken) => call(mileage.base, method, urlPath, body, bearer)

// A Beijing wall time "YYYY-MM-DDTHH:mm" (what a datetime-local input takes) `minutes` from `base`.
const wall = (base, minutes) => new Date(base + minutes * 60e3 + 8 * 3600e3).toISOString().slice(0, 16)

async function signedIn(urlPath, username, password) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console${urlPath}`)
  await loginThroughForm(page, username, password)
  await page.waitForURL(new RegExp(`/console${urlPath}$`))
  return { context, page }
}

async function member(wxCode) {
  const login = await api('POST', '/api/mp/login', { appid: APPID, code: wxCode }, null)
  assert.equal(login.status, 200, JSON.stringify(login.body))
  return { token: login.body.token, id: login.body.member.id }
}

async function signUp(m, activityId) {
  const res = await api('POST', `/api/mp/activities/${activityId}/signups`, undefined, m.token)
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body
}

async function signupState(m, signupId) {
  const res = await api('GET', `/api/mp/activity-signups/${signupId}`, undefined, m.token)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body.state
}

async function memberCode(m) {
  const card = await api('GET', '/api/mp/card', undefined, m.token)
  assert.equal(card.status, 200, JSON.stringify(card.body))
  return card.body.member_code.token
}

const waitForFocus = (page, id) => page.waitForFunction((want) => document.activeElement?.id === want, id)
const confirmBox = (page, button) => page.click(`.el-message-box__btns button:has-text("${button}")`)
const signupRow = (id) => `#signups-table tr:has(.signup-id:text-is("${id}"))`

before(async () => {
  if (skip) return
  mileage = await startServingConsole(new Mileage(), (m) => {
    const clerkFile = path.join(m.dir, 'clerk-password')
    fs.writeFileSync(clerkFile, `${CLERK_PASSWORD}\n`, { mode: 0o600 })
    m.admin('create-user', '--username', 'clerk-act', '--role', 'store_clerk',
      '--scope-type', 'store', '--scope-id', String(m.storeId), '--password-file', clerkFile)
  })
  adminToken = await brandAdminToken(mileage)
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true })
})

after(async () => {
  if (browser) await browser.close()
  if (mileage) await mileage.stop()
})

test('the brand admin creates an activity by keyboard; the form and the server refuse bad times in Chinese', { skip }, async () => {
  const { context, page } = await signedIn('/activities', 'ops', mileage.staffPassword)
  await page.waitForSelector('#act-empty')
  assert.ok(await page.$('nav a[href$="/activities"]:has-text("车主活动")'))

  await page.focus('#new-activity')
  await page.keyboard.press('Enter')
  await waitForFocus(page, 'act-title')
  await page.keyboard.type('新车试驾日')
  await page.fill('#act-description', '到店试驾新款车型')
  await page.fill('#act-place', '一号门店展厅')
  await page.fill('#act-capacity', '1')
  // Checked on the page: sign-up must close by the start.
  const base = Math.floor(Date.now() / 60e3) * 60e3
  await page.fill('#act-starts', wall(base, 10))
  await page.fill('#act-ends', wall(base, 180))
  await page.fill('#act-opens', wall(base, -60))
  await page.fill('#act-closes', wall(base, 20))
  await page.press('#act-capacity', 'Enter')
  await page.waitForSelector('#act-form-error:has-text("报名需在活动开始前截止")')
  // Refused by the server: an activity that ended already.
  await page.fill('#act-starts', '2020-01-04T10:00')
  await page.fill('#act-ends', '2020-01-04T16:00')
  await page.fill('#act-opens', '2020-01-01T08:00')
  await page.fill('#act-closes', '2020-01-03T20:00')
  await page.press('#act-place', 'Enter')
  await page.waitForSelector('#act-form-error:has-text("时间有误")')
  assert.equal((await api('GET', `/api/console/activities?node_type=brand&node_id=${mileage.brandId}`)).body.total, 0)

  await page.fill('#act-starts', wall(base, 10))
  await page.fill('#act-ends', wall(base, 180))
  await page.fill('#act-opens', wall(base, -60))
  await page.fill('#act-closes', wall(base, 8))
  await page.press('#act-place', 'Enter')
  await page.waitForSelector('#act-outcome:has-text("「新车试驾日」已创建")')
  const listed = await api('GET', `/api/console/activities?node_type=brand&node_id=${mileage.brandId}`)
  assert.equal(listed.body.total, 1, JSON.stringify(listed.body))
  const a = listed.body.items[0]
  assert.equal(a.title, '新车试驾日')
  assert.equal(a.capacity, 1)
  assert.equal(a.state, 'open')
  assert.equal(Date.parse(a.starts_at), base + 10 * 60e3)
  assert.equal(Date.parse(a.signup_closes_at), base + 8 * 60e3)
  assert.equal(a.min_tier, null)
  ids.activity = a.id
  await page.waitForSelector('#act-table .act-seats:has-text("0 / 1")')
  assertNoErrors(page)
  await context.close()
})

test('sign-ups and the waitlist: the admin cancels one on the page, the waitlist moves up, check-in by member code', { skip }, async () => {
  const alice = await member('act-alice')
  const bob = await member('act-bob')
  const carol = await member('act-carol')
  const aliceSignup = await signUp(alice, ids.activity)
  const bobSignup = await signUp(bob, ids.activity)
  const carolSignup = await signUp(carol, ids.activity)
  assert.equal(aliceSignup.state, 'seated')
  assert.equal(bobSignup.position, 1)
  assert.equal(carolSignup.position, 2)

  const { context, page } = await signedIn('/activities', 'ops', mileage.staffPassword)
  await page.waitForSelector('#act-table .act-seats:has-text("1 / 1")')
  await page.click('.signups-btn')
  await page.waitForSelector('#signups-summary:has-text("已报名 1 · 候补 2 · 已签到 0")')

  await page.click(`${signupRow(aliceSignup.id)} .cancel-signup-btn`)
  await confirmBox(page, '确定取消')
  await page.waitForSelector(`#act-outcome:has-text("已取消会员 #${alice.id} 的报名")`)
  await page.waitForSelector(`${signupRow(bobSignup.id)} .signup-state:has-text("已报名")`)
  assert.equal(await signupState(alice, aliceSignup.id), 'cancelled')
  assert.equal(await signupState(bob, bobSignup.id), 'seated')
  assert.equal(await signupState(carol, carolSignup.id), 'waitlisted')
  await page.waitForSelector('#signups-summary:has-text("已报名 1 · 候补 1 · 已签到 0")')
  assert.equal(await page.$(`${signupRow(aliceSignup.id)} .cancel-signup-btn`), null)

  // Check-in by keyboard: the code box takes the focus; refusals in Chinese, then Bob.
  await page.focus('.checkin-btn')
  await page.keyboard.press('Enter')
  await waitForFocus(page, 'act-checkin-code')
  await page.keyboard.type('not-a-member-code')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#act-action-error:has-text("会员码无效，请重新扫码")')
  await page.fill('#act-checkin-code', await memberCode(carol))
  await page.press('#act-checkin-code', 'Enter')
  await page.waitForSelector('#act-action-error:has-text("该会员仍在候补名单中，不能签到")')
  assert.equal(await signupState(carol, carolSignup.id), 'waitlisted')
  await page.fill('#act-checkin-code', await memberCode(bob))
  await page.press('#act-checkin-code', 'Enter')
  await page.waitForSelector(`#act-outcome:has-text("会员 #${bob.id} 已签到")`)
  assert.equal(await signupState(bob, bobSignup.id), 'checked_in')
  await page.waitForSelector('#signups-summary:has-text("已报名 0 · 候补 1 · 已签到 1")')
  await waitForFocus(page, 'act-checkin-code')
  await page.fill('#act-checkin-code', await memberCode(bob))
  await page.press('#act-checkin-code', 'Enter')
  await page.waitForSelector('#act-action-error:has-text("该会员已签到")')
  await shot(page, 'activities')

  // Cancelling the activity cancels the live sign-ups.
  await page.click('.cancel-act-btn')
  await confirmBox(page, '确定取消')
  await page.waitForSelector('#act-table .act-state:has-text("已取消")')
  assert.equal((await api('GET', `/api/console/activities/${ids.activity}`)).body.state, 'cancelled')
  assert.equal(await signupState(carol, carolSignup.id), 'cancelled')
  assert.equal(await page.$('#act-checkin-panel'), null)
  assert.equal(await page.$('.checkin-btn'), null)
  assertNoErrors(page)
  await context.close()
})

test('a store clerk sees the store\'s empty list; a failed list shows the reason and retries', { skip }, async () => {
  const { context, page } = await signedIn('/activities', 'clerk-act', CLERK_PASSWORD)
  await page.waitForSelector('#act-empty')
  assert.match(await page.textContent('#act-store-name'), /Store 1/)
  assert.ok(await page.$('#new-activity'))
  assert.equal(await page.$('nav a[href$="/webhooks"]'), null)

  // The server goes away: the list says so in Chinese with a retry.
  await page.route('**/api/console/activities?*', (route) => route.abort())
  await page.click('#act-refresh')
  await page.waitForSelector('#act-list-error:has-text("网络连接失败")')
  await page.unroute('**/api/console/activities?*')
  await page.click('#act-list-error button:has-text("重试")')
  await page.waitForSelector('#act-empty')
  await shot(page, 'activities-clerk-empty')
  page.errors = page.errors.filter((e) => !e.includes('ERR_FAILED'))
  assertNoErrors(page)
  await context.close()
})

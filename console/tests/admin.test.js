// The administration pages (员工, 审计日志, 商户, 合作伙伴) in a real browser against a real
// `mileage serve` with the sandbox, as console.test.js starts them. The tests run in order and
// share the server: the brand admin manages a clerk on the staff page while the clerk works in
// a second browser context, and each change ends the clerk's session at their next request.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'
import { assertNoErrors, brandAdminToken, call, chromiumPath, dist, loginThroughForm, openPage, shot, startServingConsole } from './support/browser.js'

const require = createRequire(import.meta.url)
const { Mileage, binaryPath } = require('../../miniprogram/tests/support/mileage.js')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const missing = [binaryPath(), path.join(dist, 'index.html'), chromiumPath].filter((f) => !fs.existsSync(f))
const skip = missing.length && !required ? `missing ${missing.join(', ')}` : false

const PASSWORD = 'clerk-c-password-1'
const NEW_PASSWORD = 'clerk-c-password-2'
let mileage
let browser
let adminToken
const ids = {}

const api = (method, urlPath, body, bearer = adminToken) => call(mileage.base, method, urlPath, body, bearer)

async function staffNamed(username) {
  const res = await api('GET', '/api/console/staff?page_size=200')
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body.items.find((s) => s.username === username)
}

async function createStaff(username, role, scope) {
  const res = await api('POST', '/api/console/staff', { username, password: PASSWORD, role, scope })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  return res.body
}

// A second browser context: the clerk signed in through the form, on the counter of their store.
async function clerkAtCounter(username, password) {
  const context = await browser.newContext({ locale: 'zh-CN' })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console/counter`)
  await loginThroughForm(page, username, password)
  await page.waitForURL(/\/console\/counter$/)
  await page.waitForSelector('#today-empty')
  return { context, page }
}

// The clerk's next request finds the session ended: opening 活动 (which loads the campaigns), or
// a request of the counter's own that was still on its way, which sends the clerk to login first.
async function expectSentToLogin(page, reason, text) {
  // The link is gone when the counter's request got there first; the login page is checked below.
  await page.locator('a.nav-link[href$="/campaigns"]').click({ timeout: 5000 }).catch(() => {})
  await page.waitForURL(new RegExp(`/console/login\\?redirect=(%2F|/)(campaigns|counter)&reason=${reason}`))
  assert.match(await page.textContent('.el-alert'), text)
}

async function adminPage(urlPath) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 800 } })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console${urlPath}`)
  await loginThroughForm(page, 'ops', mileage.staffPassword)
  await page.waitForURL(new RegExp(`/console${urlPath}$`))
  return { context, page }
}

async function confirmBox(page, button) {
  await page.click(`.el-message-box__btns button:has-text("${button}")`)
}

before(async () => {
  if (skip) return
  mileage = await startServingConsole(new Mileage())
  adminToken = await brandAdminToken(mileage)
  const store = await api('GET', `/api/console/stores/${mileage.storeId}`)
  ids.dealer = store.body.dealer_id
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true })
})

after(async () => {
  if (browser) await browser.close()
  if (mileage) await mileage.stop()
})

test('the brand admin creates a clerk on the staff page; a password reset and a role change end the clerk\'s session', { skip }, async () => {
  const { context, page } = await adminPage('/staff')
  await page.waitForSelector('#staff-table')
  assert.match(await page.textContent('#staff-table'), /ops/)
  assert.match(await page.textContent('#staff-table'), /本人/)

  await page.click('#new-staff')
  await page.waitForSelector('#staff-form')
  await page.fill('#staff-username', 'clerk-c')
  await page.fill('#staff-password', 'short')
  await page.press('#staff-password', 'Enter')
  await page.waitForSelector('#staff-form :text("密码至少 8 个字符")')
  await page.fill('#staff-password', PASSWORD)
  await page.click('.el-select__wrapper:has(#staff-scope)')
  await page.click('.el-select-dropdown__item:has-text("门店：Store 1")')
  await shot(page, 'staff-create')
  await page.press('#staff-username', 'Enter')
  await page.waitForSelector('#staff-table tr:has-text("clerk-c")')
  const created = await staffNamed('clerk-c')
  assert.deepEqual([created.role, created.scope, created.active], ['store_clerk', { type: 'store', id: mileage.storeId }, true])

  // The same username again: the API's 409 in Chinese, and nothing more is made.
  await page.click('#new-staff')
  await page.fill('#staff-username', 'CLERK-C')
  await page.fill('#staff-password', PASSWORD)
  await page.click('.el-select__wrapper:has(#staff-scope)')
  await page.click('.el-select-dropdown__item:has-text("门店：Store 1")')
  await page.click('#staff-save')
  await page.waitForSelector('#staff-form-error')
  assert.match(await page.textContent('#staff-form-error'), /该用户名已被使用/)
  await page.keyboard.press('Escape')
  await page.waitForSelector('#staff-form', { state: 'detached' })
  assert.equal((await api('GET', '/api/console/staff?page_size=200')).body.total, 2)

  // The clerk works at the counter; the admin resets the password: the next request is refused.
  const clerk = await clerkAtCounter('clerk-c', PASSWORD)
  await page.click('#staff-table tr:has-text("clerk-c") .reset-btn')
  await page.fill('.el-message-box__input input', NEW_PASSWORD)
  await confirmBox(page, '重置密码')
  await page.waitForSelector('.el-message--success')
  await expectSentToLogin(clerk.page, 'CREDENTIALS_CHANGED', /密码、角色或范围已变更/)
  await shot(clerk.page, 'staff-clerk-sent-to-login')
  assert.equal((await call(mileage.base, 'POST', '/api/console/login', { username: 'clerk-c', password: PASSWORD })).status, 401)
  await loginThroughForm(clerk.page, 'clerk-c', NEW_PASSWORD)
  await clerk.page.waitForURL(/\/console\/campaigns$/)

  // A role change (to analyst, same store) through the dialog ends the new session too.
  await page.click('#staff-table tr:has-text("clerk-c") .edit-btn')
  await page.waitForSelector('#staff-form')
  await page.click('.el-select__wrapper:has(#staff-role)')
  await page.click('.el-select-dropdown__item:has-text("分析员")')
  await page.click('#staff-save')
  await page.waitForSelector('#staff-table tr:has-text("clerk-c"):has-text("分析员")')
  assert.equal((await staffNamed('clerk-c')).role, 'analyst')
  await clerk.page.click('a.nav-link:has-text("会员")')
  await clerk.page.fill('#member-q', '600000000000')
  await clerk.page.press('#member-q', 'Enter')
  await clerk.page.waitForURL(/\/console\/login\?redirect=(%2F|\/)members&reason=CREDENTIALS_CHANGED/)
  assertNoErrors(clerk.page)
  await clerk.context.close()

  // Deactivate and reactivate, each after a confirmation.
  await page.click('#staff-table tr:has-text("clerk-c") .deactivate-btn')
  await confirmBox(page, '停用')
  await page.waitForSelector('#staff-table tr:has-text("clerk-c") .staff-state:has-text("已停用")')
  assert.equal((await staffNamed('clerk-c')).active, false)
  await page.click('#staff-table tr:has-text("clerk-c") .reactivate-btn')
  await confirmBox(page, '启用')
  await page.waitForSelector('#staff-table tr:has-text("clerk-c") .staff-state:has-text("启用")')
  assert.equal((await staffNamed('clerk-c')).active, true)
  await page.reload()
  await page.waitForSelector('#staff-table tr:has-text("clerk-c")')
  assert.match(await page.textContent('.el-pagination'), /共 2 条/)
  await shot(page, 'staff')
  assertNoErrors(page)
  await context.close()
})

test('deactivating a clerk\'s store through the API returns the clerk to login', { skip }, async () => {
  const store = await api('POST', '/api/console/stores', { dealer_id: ids.dealer, name: 'Store D' })
  assert.equal(store.status, 201, JSON.stringify(store.body))
  ids.storeD = store.body.id
  await createStaff('clerk-d', 'store_clerk', { type: 'store', id: ids.storeD })
  const clerk = await clerkAtCounter('clerk-d', PASSWORD)
  const off = await api('POST', `/api/console/stores/${ids.storeD}/deactivate`)
  assert.equal(off.status, 200, JSON.stringify(off.body))
  assert.equal(off.body.active, false)
  await expectSentToLogin(clerk.page, 'STAFF_DEACTIVATED', /已停用/)
  await loginThroughForm(clerk.page, 'clerk-d', PASSWORD)
  await clerk.page.waitForSelector('#login-error')
  assert.match(await clerk.page.textContent('#login-error'), /用户名或密码错误/)
  assertNoErrors(clerk.page)
  await clerk.context.close()
})

test('the audit log lists those actions', { skip }, async () => {
  const { context, page } = await adminPage('/audit')
  await page.waitForSelector('#audit-table')
  const text = await page.textContent('#audit-table')
  for (const action of ['staff.create', 'staff.password_reset', 'staff.update', 'staff.deactivate',
    'staff.reactivate', 'store.create', 'store.deactivate', 'session.login']) {
    assert.ok(text.includes(action), `${action} in the audit page`)
  }
  assert.match(text, /员工·重置密码/)
  await shot(page, 'audit')

  // Filtering by action (typed, Enter applies): the first test reset clerk-c's password once,
  // so one row, about clerk-c; the filter lands in the URL.
  const clerk = await staffNamed('clerk-c')
  await page.fill('#audit-action', 'staff.password_reset')
  await page.press('#audit-action', 'Enter')
  await page.waitForURL(/\/console\/audit\?action=staff\.password_reset$/)
  await page.waitForFunction(() => document.querySelectorAll('#audit-table tbody tr').length === 1)
  const reset = await page.textContent('#audit-table tbody')
  assert.match(reset, /员工·重置密码（staff\.password_reset）/)
  assert.ok(reset.includes(`员工 #${clerk.id}`), reset)

  // A prefix: every staff.* action this file did and nothing else.
  await page.fill('#audit-action', 'staff.')
  await page.press('#audit-action', 'Enter')
  await page.waitForURL(/\?action=staff\.$/)
  // The previous answer (one staff.password_reset row) has no store.create either: wait for
  // the staff.* answer itself, which has the five kinds of staff action below.
  await page.waitForFunction(() => document.querySelectorAll('#audit-table tbody tr').length >= 5)
  const staffRows = await page.$$eval('#audit-table tbody tr .audit-action', (cells) => cells.map((c) => c.textContent))
  assert.ok(staffRows.length >= 5, staffRows.join('\n'))
  assert.ok(staffRows.every((a) => /（staff\.[a-z_]+）$/.test(a)), staffRows.join('\n'))
  for (const action of ['staff.create', 'staff.password_reset', 'staff.update', 'staff.deactivate', 'staff.reactivate']) {
    assert.ok(staffRows.some((a) => a.includes(`（${action}）`)), `${action} under staff.`)
  }

  // The bookmarked URL opens filtered; a day with nothing shows the empty state.
  await page.goto(`${mileage.base}/console/audit?action=staff.password_reset`)
  await page.waitForFunction(() => document.querySelectorAll('#audit-table tbody tr').length === 1)
  assert.equal(await page.inputValue('#audit-action'), 'staff.password_reset')
  await page.goto(`${mileage.base}/console/audit?action=staff.password_reset&from=2000-01-01&to=2000-01-02`)
  await page.waitForSelector('#audit-empty:has-text("没有符合筛选条件")')
  // A malformed filter shows the server's refusal, not a table.
  await page.goto(`${mileage.base}/console/audit?action=Staff`)
  await page.waitForSelector('#audit-error')
  assert.ok(!(await page.$('#audit-table')))
  await page.click('#audit-clear')
  await page.waitForURL(/\/console\/audit$/)
  await page.waitForSelector('#audit-table')
  assertNoErrors(page)
  await context.close()
})

test('merchants and partners show serials and key ids, never secrets; only the brand admin sees write buttons', { skip }, async () => {
  const partner = await api('POST', '/api/console/partners', { name: '壳牌加油', category: 'fuel' })
  assert.equal(partner.status, 201, JSON.stringify(partner.body))
  const merchant = (await api('GET', '/api/console/merchants')).body.items[0]
  assert.ok(merchant, 'the sandbox merchant is registered')
  const serial = merchant.platform_keys[0].serial

  const { context, page } = await adminPage('/merchants')
  await page.waitForSelector('#merchants-table')
  assert.ok(await page.$('#merchants-table .deactivate-btn'))
  await page.click('#merchants-table .detail-btn')
  await page.waitForSelector('#merchant-detail')
  assert.ok((await page.textContent('.el-drawer')).includes(serial))
  await shot(page, 'merchants')
  await page.keyboard.press('Escape')
  await page.click('a.nav-link:has-text("合作伙伴")')
  await page.waitForSelector('#partners-table')
  const partners = await page.textContent('#partners-table')
  assert.ok(partners.includes(partner.body.partner.api_key_id))
  assert.ok(!(await page.content()).includes(partner.body.secret), 'the partner secret is never shown')
  await page.click('#partners-table .deactivate-btn')
  await confirmBox(page, '停用')
  await page.waitForSelector('#partners-table :text("已停用")')
  assert.equal((await api('GET', `/api/console/partners/${partner.body.partner.id}`)).body.active, false)
  await shot(page, 'partners')
  assertNoErrors(page)
  await context.close()

  // A dealer manager: 员工 and 商户 in the nav, no audit or partners; merchants read only.
  await createStaff('dm-1', 'dealer_manager', { type: 'dealer', id: ids.dealer })
  const dm = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 800 } })
  const dmPage = await openPage(dm)
  await dmPage.goto(`${mileage.base}/console/merchants`)
  await loginThroughForm(dmPage, 'dm-1', PASSWORD)
  await dmPage.waitForSelector('#merchants-table')
  const nav = await dmPage.textContent('nav')
  assert.match(nav, /员工/)
  assert.match(nav, /商户/)
  assert.doesNotMatch(nav, /审计日志|合作伙伴/)
  assert.equal(await dmPage.$('#merchants-table .deactivate-btn'), null)
  assert.equal(await dmPage.$('#merchants-table .reactivate-btn'), null)
  await dmPage.click('#merchants-table .detail-btn')
  assert.ok((await dmPage.textContent('.el-drawer')).includes(serial))
  await shot(dmPage, 'merchants-dealer-manager')
  await dmPage.keyboard.press('Escape')
  await dmPage.click('a.nav-link:has-text("员工")')
  await dmPage.waitForSelector('#staff-table tr:has-text("clerk-d")')
  assert.doesNotMatch(await dmPage.textContent('#staff-table'), /\bops\b/)
  assert.ok(await dmPage.$('#staff-table tr:has-text("clerk-d") .reset-btn'))
  await shot(dmPage, 'staff-dealer-manager')
  // The audit page by URL: the API's 403 in Chinese.
  await dmPage.goto(`${mileage.base}/console/audit`)
  await dmPage.waitForSelector('#audit-error')
  assert.match(await dmPage.textContent('#audit-error'), /无权/)
  assertNoErrors(dmPage)
  await dm.close()
})

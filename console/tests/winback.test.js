// 流失预警 in a real browser against a real `mileage serve` with the sandbox. Two owners pay at
// the store through the sandbox; their last visits are then moved 70 and 65 days back in the
// database (the fake-clock tests of the thresholds are the C++ contract tests). The brand admin
// sees them drifting, pages with 加载更多, sets the win-back rule by keyboard (a bad value
// refused in Chinese), `mileage jobs` wins them back and the come-back report counts them; a
// dealer manager reads without the rule's controls; a store clerk has no page.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'
import { assertNoErrors, brandAdminToken, call, chromiumPath, createStaff, dist, loginThroughForm, openPage, shot, startServingConsole } from './support/browser.js'

const require = createRequire(import.meta.url)
const { Mileage, binaryPath } = require('../../miniprogram/tests/support/mileage.js')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const missing = [binaryPath(), path.join(dist, 'index.html'), chromiumPath, '/usr/bin/sqlite3'].filter((f) => !fs.existsSync(f))
const skip = missing.length && !required ? `missing ${missing.join(', ')}` : false

const CLERK_PASSWORD = 'clerk-winback-password-1'
const MANAGER_PASSWORD = 'manager-winback-password-1'
let mileage
let browser
let adminToken
const members = []

const api = (method, urlPath, body, bearer = adminToken) => call(mileage.base, method, urlPath, body, bearer)
const waitForFocus = (page, id) => page.waitForFunction((want) => document.activeElement?.id === want, id)

function sql(statement) {
  return execFileSync('/usr/bin/sqlite3', [path.join(mileage.dir, 'mileage.db'), statement], { encoding: 'utf8' }).trim()
}

async function signedIn(username, password) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console/winback`)
  await loginThroughForm(page, username, password)
  await page.waitForURL(/\/console\/winback$/)
  return { context, page }
}

before(async () => {
  if (skip) return
  mileage = await startServingConsole(new Mileage(), (m) => {
    const store = JSON.parse(execFileSync('/usr/bin/sqlite3', ['-json', path.join(m.dir, 'mileage.db'),
      `SELECT dealer_id FROM stores WHERE id = ${m.storeId}`], { encoding: 'utf8' }))[0]
    createStaff(m, [
      ['clerk-winback', 'store_clerk', 'store', m.storeId, CLERK_PASSWORD],
      ['manager-winback', 'dealer_manager', 'dealer', store.dealer_id, MANAGER_PASSWORD],
    ])
  })
  adminToken = await brandAdminToken(mileage)
  // Two owners pay at the store, then their last visits move 70 and 65 days back.
  await mileage.pay(12300, 'winback-alice')
  await mileage.pay(4500, 'winback-bob')
  const ids = sql('SELECT id FROM members ORDER BY id').split('\n').map(Number)
  assert.equal(ids.length, 2)
  sql(`UPDATE members SET last_visit_at = last_visit_at - ${70 * 86400} WHERE id = ${ids[0]}`)
  sql(`UPDATE members SET last_visit_at = last_visit_at - ${65 * 86400} WHERE id = ${ids[1]}`)
  members.push(...ids)
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true })
})

after(async () => {
  if (browser) await browser.close()
  if (mileage) await mileage.stop()
})

test('the brand admin sees the drifting owners per dealer and pages with 加载更多', { skip }, async () => {
  const { context, page } = await signedIn('ops', mileage.staffPassword)
  assert.ok(await page.$('nav a[href$="/winback"]'))
  await page.waitForSelector('#drift-table')
  await page.waitForSelector('#drift-total:has-text("共 2 位流失车主")')
  const rows = await page.$$eval('#drift-table tbody tr', (trs) => trs.map((tr) => tr.textContent))
  assert.equal(rows.length, 2)
  assert.match(rows[0], /70 天/)
  assert.match(rows[0], /¥123\.00/)
  assert.match(rows[0], /Store 1/)
  assert.match(rows[0], /Dealer 1/)
  assert.match(rows[1], /65 天/)
  assert.ok(await page.$('#drift-end'))

  // One a page (the requests' limit set to 1): the second comes with 加载更多, by keyboard.
  await page.route('**/api/console/winback/drifting?*', (route) => {
    const url = new URL(route.request().url())
    url.searchParams.set('limit', '1')
    route.continue({ url: url.toString() })
  })
  await page.click('#drift-refresh')
  await page.waitForSelector('#drift-more')
  assert.equal((await page.$$('#drift-table tbody tr')).length, 1)
  await page.focus('#drift-more')
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => document.querySelectorAll('#drift-table tbody tr').length === 2)
  await page.waitForSelector('#drift-end')
  await page.unroute('**/api/console/winback/drifting?*')
  await shot(page, 'winback-drifting')
  assertNoErrors(page)
  await context.close()
})

test('the brand admin sets the rule by keyboard, the job wins back and the report counts it', { skip }, async () => {
  const { context, page } = await signedIn('ops', mileage.staffPassword)
  await page.click('#tab-rule')
  await page.waitForSelector('#rule-form')
  // A bad pair first: the post-warranty threshold below the drift threshold.
  await page.fill('#rule-drift-days', '90')
  await page.fill('#rule-post-days', '80')
  await page.focus('#rule-cooldown')
  await page.click('#rule-save')
  await page.waitForSelector('#rule-save-error:has-text("保修期后的流失天数不能少于流失天数")')
  assert.equal(sql('SELECT COUNT(*) FROM winback_settings'), '0')

  await page.fill('#rule-drift-days', '60')
  await page.fill('#rule-post-days', '120')
  await page.click('.el-switch:has(#rule-enabled)')
  await page.focus('#rule-save')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#rule-saved')
  const settings = await api('GET', '/api/console/winback/settings')
  assert.deepEqual([settings.body.enabled, settings.body.drift_days, settings.body.post_warranty_days, settings.body.stock_id],
    [true, 60, 120, null])

  execFileSync(mileage.bin, ['jobs', '--config', mileage.config], { stdio: ['ignore', 'pipe', 'pipe'] })
  assert.equal(sql('SELECT COUNT(*) FROM winback_grants'), '2')

  await page.click('#tab-report')
  await page.click('#report-refresh')
  await page.waitForSelector('#report-table')
  const row = await page.textContent('#report-table tbody tr')
  assert.match(row, /Dealer 1/)
  assert.match(row, /0%/)
  const report = await api('GET', `/api/console/winback/report?from=${new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7)}&to=${new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7)}`)
  assert.equal(report.status, 200, JSON.stringify(report.body))
  assert.deepEqual(report.body.items.map((r) => [r.granted, r.returned, r.waiting]), [[2, 0, 2]])
  await shot(page, 'winback-report')
  assertNoErrors(page)
  await context.close()
})

test('a dealer manager reads the list and the rule without its controls', { skip }, async () => {
  const { context, page } = await signedIn('manager-winback', MANAGER_PASSWORD)
  await page.waitForSelector('#drift-table')
  assert.equal((await page.$$('#drift-table tbody tr')).length, 2)
  await page.click('#tab-rule')
  await page.waitForSelector('#rule-readonly')
  assert.equal(await page.$('#rule-save'), null)
  assert.ok(await page.$eval('#rule-drift-days', (el) => el.disabled))
  const login = await call(mileage.base, 'POST', '/api/console/login', { username: 'manager-winback', password: MANAGER_PASSWORD })
  const res = await api('PATCH', '/api/console/winback/settings', { enabled: false }, login.body.token)
  assert.deepEqual([res.status, res.body.code], [403, 'PERMISSION_DENIED'])
  assertNoErrors(page)
  await context.close()
})

test('a store clerk has no 流失预警 in the navigation and the API refuses', { skip }, async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console/counter`)
  await loginThroughForm(page, 'clerk-winback', CLERK_PASSWORD)
  await page.waitForURL(/\/console\/counter$/)
  assert.equal(await page.$('nav a[href$="/winback"]'), null)
  const login = await call(mileage.base, 'POST', '/api/console/login', { username: 'clerk-winback', password: CLERK_PASSWORD })
  for (const urlPath of ['/api/console/winback/drifting', '/api/console/winback/settings', '/api/console/winback/dealers']) {
    const res = await api('GET', urlPath, undefined, login.body.token)
    assert.deepEqual([res.status, res.body.code], [403, 'PERMISSION_DENIED'], urlPath)
  }
  assertNoErrors(page)
  await context.close()
})

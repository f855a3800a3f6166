// 推荐有礼 in a real browser against a real `mileage serve` with the sandbox. The tests run in
// order and share the server: the brand admin sets the referral rule by keyboard (a refusal in
// Chinese first), a member refers a new owner through the member API and the sandbox's payment
// rewards both, and the list shows it (filtered by state); an analyst reads without the write
// control; a store clerk has no page and the API refuses.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'
import { assertNoErrors, brandAdminToken, call, chromiumPath, createStaff, dist, loginThroughForm, openPage, shot, startServingConsole } from './support/browser.js'

const require = createRequire(import.meta.url)
const { Mileage, binaryPath, APPID } = require('../../miniprogram/tests/support/mileage.js')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const missing = [binaryPath(), path.join(dist, 'index.html'), chromiumPath].filter((f) => !fs.existsSync(f))
const skip = missing.length && !required ? `missing ${missing.join(', ')}` : false

const CLERK_PASSWORD = 'clerk-ref-password-1'
const ANALYST_PASSWORD = 'analyst-ref-password-1'
let mileage
let browser
let adminToken

const api = (method, urlPath, body, bearer = adminToken) => call(mileage.base, method, urlPath, body, bearer)

async function memberToken(code) {
  const res = await call(mileage.base, 'POST', '/api/mp/login', { appid: APPID, code })
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body
}

async function signedIn(username, password) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console/referrals`)
  await loginThroughForm(page, username, password)
  await page.waitForURL(/\/console\/referrals$/)
  return { context, page }
}

const waitForFocus = (page, id) => page.waitForFunction((want) => document.activeElement?.id === want, id)
const fill = async (page, id, value) => {
  await page.fill(`#${id}`, value)
}

before(async () => {
  if (skip) return
  mileage = await startServingConsole(new Mileage(), (m) => {
    createStaff(m, [
      ['clerk-ref', 'store_clerk', 'store', m.storeId, CLERK_PASSWORD],
      ['analyst-ref', 'analyst', 'brand', m.brandId, ANALYST_PASSWORD],
    ])
  })
  adminToken = await brandAdminToken(mileage)
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true })
})

after(async () => {
  if (browser) await browser.close()
  if (mileage) await mileage.stop()
})

test('the brand admin sets the rule by keyboard, and a referred first payment shows in the list', { skip }, async () => {
  const { context, page } = await signedIn('ops', mileage.staffPassword)
  await page.waitForSelector('#rule-empty')
  await page.waitForSelector('#referrals-empty')
  assert.ok(await page.$('nav a[href$="/referrals"]'))

  await page.focus('#edit-rule')
  await page.keyboard.press('Enter')
  await waitForFocus(page, 'rule-window-input')
  await page.keyboard.press('Control+A')
  await page.keyboard.type('30')
  await fill(page, 'rule-min-input', '100')
  await fill(page, 'rule-referrer-points', '500')
  await fill(page, 'rule-referee-points', '200')
  await fill(page, 'rule-cap-input', '0')
  await page.focus('#rule-cap-input')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#rule-form-error:has-text("每月上限需为 1–1000 位")')
  // The server's own refusal in Chinese: nothing to give while enabled.
  await fill(page, 'rule-cap-input', '5')
  await fill(page, 'rule-referrer-points', '0')
  await fill(page, 'rule-referee-points', '0')
  await page.click('#rule-save')
  await page.waitForSelector('#rule-form-error:has-text("启用的规则至少要给一方积分或券")')
  assert.equal((await api('GET', '/api/console/referral-rule')).status, 404)
  await fill(page, 'rule-referrer-points', '500')
  await fill(page, 'rule-referee-points', '200')
  await page.focus('#rule-cap-input')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#rule')
  assert.match(await page.textContent('#rule'), /进行中.*扫码后 30 天内.*满 ¥100\.00.*每位推荐人 5 位.*500 积分.*200 积分/s)
  const rule = await api('GET', '/api/console/referral-rule')
  assert.deepEqual([rule.body.window_days, rule.body.min_amount_fen, rule.body.referrer_points, rule.body.referee_points,
    rule.body.monthly_cap, rule.body.enabled, rule.body.referee_stock_id], [30, 10000, 500, 200, 5, true, null])

  // Alice refers Bob (a new owner), who pays 120 yuan through the sandbox.
  const alice = await memberToken('ref-alice')
  const bob = await memberToken('ref-bob')
  const code = await call(mileage.base, 'GET', '/api/mp/referrals/code', undefined, alice.token)
  assert.equal(code.status, 200)
  const attached = await call(mileage.base, 'POST', '/api/mp/referrals/attach', { code: code.body.code }, bob.token)
  assert.equal(attached.status, 201, JSON.stringify(attached.body))
  await mileage.pay(12000, 'ref-bob')

  await page.click('#referrals-refresh')
  await page.waitForSelector('#referrals-table')
  const row = await page.textContent('#referrals-table .el-table__body')
  assert.match(row, new RegExp(`会员 ${alice.member.id}.*会员 ${bob.member.id}.*已奖励.*¥120\\.00.*500 积分.*200 积分`, 's'))
  // Filtered by state: none pending.
  await page.click('.el-select__wrapper:has(#referral-state)')
  await page.click('.el-select-dropdown:visible .el-select-dropdown__item:has-text("待首次消费")')
  await page.waitForSelector('#referrals-empty')
  await page.click('.el-select__wrapper:has(#referral-state)')
  await page.click('.el-select-dropdown:visible .el-select-dropdown__item:has-text("已奖励")')
  await page.waitForSelector('#referrals-table')
  await shot(page, 'referrals-admin')
  assertNoErrors(page)
  await context.close()
})

test('an analyst reads the rule and the referrals without the write control', { skip }, async () => {
  const { context, page } = await signedIn('analyst-ref', ANALYST_PASSWORD)
  await page.waitForSelector('#rule')
  await page.waitForSelector('#referrals-table')
  assert.equal(await page.$('#edit-rule'), null)
  assertNoErrors(page)
  await context.close()
})

test('a store clerk has no 推荐有礼 in the navigation, the page refuses and so does the API', { skip }, async () => {
  const { context, page } = await signedIn('clerk-ref', CLERK_PASSWORD)
  await page.waitForSelector('#referrals-denied:has-text("您的角色无权执行此操作")')
  assert.equal(await page.$('nav a[href$="/referrals"]'), null)
  const login = await call(mileage.base, 'POST', '/api/console/login', { username: 'clerk-ref', password: CLERK_PASSWORD })
  for (const [method, urlPath, body] of [['GET', '/api/console/referral-rule'], ['GET', '/api/console/referrals'],
    ['PUT', '/api/console/referral-rule', { window_days: 1, min_amount_fen: 1, monthly_cap: 1, referee_points: 1 }]]) {
    const res = await api(method, urlPath, body, login.body.token)
    assert.deepEqual([res.status, res.body.code], [403, 'PERMISSION_DENIED'], `${method} ${urlPath}`)
  }
  assertNoErrors(page)
  await context.close()
})

// A campaign's page (活动 -> a campaign) in a real browser against a real `mileage serve`, as
// console.test.js starts it: the numbers the API counts, the settings, and the state moves.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'
import { assertNoErrors, call, chromiumPath, dist, loginThroughForm, openPage, shot, startServingConsole } from './support/browser.js'

const require = createRequire(import.meta.url)
const { Mileage, binaryPath, APPID } = require('../../miniprogram/tests/support/mileage.js')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const missing = [binaryPath(), path.join(dist, 'index.html'), chromiumPath].filter((f) => !fs.existsSync(f))
const skip = missing.length && !required ? `missing ${missing.join(', ')}` : false

const PASSWORD = 'campaign-clerk-password-1'
let mileage
let browser
let adminToken
let stockId

const api = (method, urlPath, body, bearer = adminToken) => call(mileage.base, method, urlPath, body, bearer)

async function claim(wxCode, n) {
  const login = await api('POST', '/api/mp/login', { appid: APPID, code: wxCode }, null)
  assert.equal(login.status, 200, JSON.stringify(login.body))
  const codes = []
  for (let i = 0; i < n; i += 1) {
    const res = await api('POST', `/api/mp/stocks/${stockId}/claim`, undefined, login.body.token)
    assert.equal(res.status, 201, JSON.stringify(res.body))
    codes.push(res.body.code)
  }
  return codes
}

async function numbers(page) {
  const out = {}
  for (const key of ['issued', 'redeemed', 'expired', 'voided', 'remaining']) {
    out[key] = Number((await page.textContent(`#campaign-${key}`)).trim().replace(/,/g, ''))
  }
  return out
}

// The rows of the per-day table under the chart: { date: { issued, issued_claim, ... } }.
async function dailyRows(page) {
  return page.$$eval('#campaign-daily-table tbody tr', (rows) => Object.fromEntries(rows.map((tr) => [
    tr.dataset.date,
    Object.fromEntries([...tr.querySelectorAll('td[data-key]')].map((td) => [td.dataset.key, td.textContent.trim()])),
  ])))
}

// Today in Beijing (the report's days are Beijing days).
const beijingToday = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10)

async function pickRange(page, label, days) {
  await page.click(`#campaign-range label:has-text("${label}")`)
  await page.waitForFunction((n) => document.querySelectorAll('#campaign-daily-table tbody tr').length === n, days)
}

before(async () => {
  if (skip) return
  mileage = await startServingConsole(new Mileage(), (m) => {
    const file = path.join(m.dir, 'clerk-password')
    fs.writeFileSync(file, `${PASSWORD}\n`, { mode: 0o600 })
    m.admin('create-user', '--username', 'campaign-clerk', '--role', 'store_clerk',
      '--scope-type', 'store', '--scope-id', String(m.storeId), '--password-file', file)
  })
  const login = await api('POST', '/api/console/login', { username: 'ops', password: mileage.staffPassword }, null)
  assert.equal(login.status, 200, JSON.stringify(login.body))
  adminToken = login.body.token
  const created = await api('POST', '/api/console/stocks', {
    node: { type: 'store', id: mileage.storeId }, name: '保养满500减80', description: '春季保养', type: 'cash',
    value_fen: 8000, threshold_fen: 50000, valid_days: 14, total_quantity: 10, per_member_limit: 2,
    daily_quantity: 6, channels: ['claim', 'grant'],
  })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  stockId = created.body.id
  assert.equal((await api('PATCH', `/api/console/stocks/${stockId}`, { state: 'active' })).status, 200)
  // Three coupons issued, one of them redeemed at the store.
  const codes = [...await claim('campaign-alice', 2), ...await claim('campaign-bob', 1)]
  const redeemed = await api('POST', '/api/console/redemptions', {
    store_id: mileage.storeId, code: codes[0], order_amount_fen: 60000, request_id: 'campaign-page-1',
  })
  assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body))
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true })
})

after(async () => {
  if (browser) await browser.close()
  if (mileage) await mileage.stop()
})

test('a campaign\'s page shows its numbers and settings; 暂停, 恢复 and 结束 move it', { skip }, async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console/campaigns`)
  await loginThroughForm(page, 'ops', mileage.staffPassword)
  await page.waitForSelector('#campaigns-table')
  await page.click('#campaigns-table a.campaign-link:has-text("保养满500减80")')
  await page.waitForURL(new RegExp(`/console/campaigns/${stockId}$`))
  await page.waitForSelector('#campaign-numbers')
  assert.deepEqual(await numbers(page), { issued: 3, redeemed: 1, expired: 0, voided: 0, remaining: 7 })
  const settings = await page.textContent('#campaign-settings')
  for (const text of ['满减券', '满¥500.00 减¥80.00', '领取后 14 天', '小程序领取、员工发放', '春季保养', '范围内全部门店']) {
    assert.ok(settings.includes(text), `settings show ${text}: ${settings}`)
  }
  assert.match(await page.textContent('#campaign-state'), /进行中/)
  // The chart's days (its table): 30 by default, today with the 3 claims and the redemption.
  await page.waitForSelector('#campaign-chart canvas')
  let rows = await dailyRows(page)
  assert.equal(Object.keys(rows).length, 30)
  assert.equal(Object.keys(rows).at(-1), beijingToday())
  assert.deepEqual(rows[beijingToday()], {
    issued: '3', issued_claim: '3', issued_payment: '0', issued_grant: '0', redeemed: '1', reversed: '0', discount_fen: '¥80.00',
  })
  await shot(page, 'campaign')
  await pickRange(page, '近7天', 7)
  rows = await dailyRows(page)
  assert.equal(rows[beijingToday()].issued, '3')
  await pickRange(page, '近90天', 90)
  await pickRange(page, '近30天', 30)

  for (const [verb, state, label] of [['暂停', 'paused', '已暂停'], ['恢复', 'active', '进行中'], ['结束', 'ended', '已结束']]) {
    await page.click(`.actions button:has-text("${verb}")`)
    await page.click(`.el-message-box__btns button:has-text("${verb}")`)
    await page.waitForFunction((want) => document.querySelector('#campaign-state')?.textContent.includes(want), label)
    const res = await api('GET', `/api/console/stocks/${stockId}`)
    assert.equal(res.body.state, state)
  }
  assert.equal(await page.$('.actions button'), null, 'an ended campaign offers no moves')
  assert.deepEqual(await numbers(page), { issued: 3, redeemed: 1, expired: 0, voided: 0, remaining: 7 })

  await page.goto(`${mileage.base}/console/campaigns/999999`)
  await page.waitForSelector('#campaign-error')
  assert.match(await page.textContent('#campaign-error'), /未找到/)
  assertNoErrors(page)
  await context.close()
})

test('a campaign\'s chart follows a claim, a redemption and its reversal; empty and error states', { skip }, async () => {
  const created = await api('POST', '/api/console/stocks', {
    node: { type: 'store', id: mileage.storeId }, name: '洗车满20减10', type: 'cash', value_fen: 1000,
    threshold_fen: 2000, valid_days: 7, total_quantity: 5, channels: ['claim'],
  })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  const carWash = created.body.id
  assert.equal((await api('PATCH', `/api/console/stocks/${carWash}`, { state: 'active' })).status, 200)
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console/campaigns/${carWash}`)
  await loginThroughForm(page, 'ops', mileage.staffPassword)
  await page.waitForSelector('#campaign-daily-empty')
  assert.match(await page.textContent('#campaign-daily-empty'), /近30天没有发券、核销或撤销/)

  // A claim and its redemption, then the redemption reversed: today counts each once, and the
  // reversal takes the day's ¥10.00 discount back.
  const login = await api('POST', '/api/mp/login', { appid: APPID, code: 'campaign-dave' }, null)
  assert.equal(login.status, 200, JSON.stringify(login.body))
  const claimed = await api('POST', `/api/mp/stocks/${carWash}/claim`, undefined, login.body.token)
  assert.equal(claimed.status, 201, JSON.stringify(claimed.body))
  const redeemed = await api('POST', '/api/console/redemptions', {
    store_id: mileage.storeId, code: claimed.body.code, order_amount_fen: 5000, request_id: 'campaign-chart-1',
  })
  assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body))
  await pickRange(page, '近7天', 7)
  await page.waitForSelector('#campaign-chart canvas')
  assert.deepEqual((await dailyRows(page))[beijingToday()], {
    issued: '1', issued_claim: '1', issued_payment: '0', issued_grant: '0', redeemed: '1', reversed: '0', discount_fen: '¥10.00',
  })
  const reversed = await api('POST', `/api/console/redemptions/${redeemed.body.redemption.id}/reverse`, { reason: '误核销' })
  assert.equal(reversed.status, 200, JSON.stringify(reversed.body))
  await pickRange(page, '近90天', 90)
  assert.deepEqual((await dailyRows(page))[beijingToday()], {
    issued: '1', issued_claim: '1', issued_payment: '0', issued_grant: '0', redeemed: '1', reversed: '1', discount_fen: '¥0.00',
  })

  // A failed report shows its error and 重试 loads it again.
  await page.route('**/api/console/reports/stocks/*/daily*', (route) => route.fulfill({
    status: 503, contentType: 'application/json', body: '{"code":"UNAVAILABLE","message":"down"}',
  }))
  await page.click('#campaign-range label:has-text("近30天")')
  await page.waitForSelector('#campaign-daily-error')
  await page.unroute('**/api/console/reports/stocks/*/daily*')
  await page.click('#campaign-daily-error button:has-text("重试")')
  await page.waitForFunction(() => document.querySelectorAll('#campaign-daily-table tbody tr').length === 30)
  assert.equal((await dailyRows(page))[beijingToday()].reversed, '1')
  assertNoErrors(page)
  await context.close()
})

test('a clerk reads a campaign\'s page without its buttons', { skip }, async () => {
  const context = await browser.newContext({ locale: 'zh-CN' })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console/campaigns/${stockId}`)
  await loginThroughForm(page, 'campaign-clerk', PASSWORD)
  await page.waitForURL(new RegExp(`/console/campaigns/${stockId}$`))
  await page.waitForSelector('#campaign-numbers')
  assert.equal(await page.textContent('#campaign-redeemed'), '1')
  assert.equal(await page.$('.actions'), null)
  assertNoErrors(page)
  await context.close()
})

// A partner's earning rule on its page and the 结算 page, in a real browser against a real
// `mileage serve` (the sandbox demo, as admin.test.js starts it). Activity is made through the
// signed partner API (docs/API.md "Partner API", signed here from the document), and every figure
// the page shows is checked against what this test computes by hand from its own requests. The
// clock is live, so the activity falls in the current Beijing month: its figures are the open
// (live) ones, and closing it is refused with PERIOD_NOT_ENDED. The tests run in order and share
// the server.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
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

const PASSWORD = 'settlement-pw-1'
const PAYMENT_FEN = 12345
const EARNING_FEN = 23456
let mileage
let browser
let adminToken
let brandId
// Two partners: a fuel station where the member earns, a car park where they redeem.
let fuel
let parking
// What the test did, for the hand-computed figures.
const done = {}

const api = (method, urlPath, body, bearer = adminToken) => call(mileage.base, method, urlPath, body, bearer)

// Beijing months as YYYY-MM: the current one and the one before.
function beijingMonth(deltaMonths = 0) {
  const now = new Date(Date.now() + 8 * 3600 * 1000)
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + deltaMonths, 1))
  return d.toISOString().slice(0, 7)
}

// A request to the partner API signed as docs/API.md "Signing a request" says.
async function signed(partner, method, urlPath, body) {
  const raw = body === undefined ? '' : JSON.stringify(body)
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = crypto.randomBytes(16).toString('hex')
  const signature = crypto.createHmac('sha256', partner.secret)
    .update(`${method}\n${urlPath}\n${timestamp}\n${nonce}\n${raw}`).digest('hex')
  const headers = {
    'Mileage-Partner-Key': partner.api_key_id, 'Mileage-Timestamp': timestamp,
    'Mileage-Nonce': nonce, 'Mileage-Signature': signature,
  }
  if (raw) headers['Content-Type'] = 'application/json'
  const res = await fetch(mileage.base + urlPath, { method, headers, body: raw || undefined })
  return { status: res.status, body: await res.json() }
}

async function memberCard(token) {
  const card = await api('GET', '/api/mp/card', undefined, token)
  assert.equal(card.status, 200, JSON.stringify(card.body))
  return card.body
}

async function registerPartner(name, category) {
  const made = await api('POST', '/api/console/partners', { name, category })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  return { ...made.body.partner, secret: made.body.secret }
}

async function createStaff(username, role, scope) {
  const res = await api('POST', '/api/console/staff', { username, password: PASSWORD, role, scope })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  const login = await call(mileage.base, 'POST', '/api/console/login', { username, password: PASSWORD })
  assert.equal(login.status, 200, JSON.stringify(login.body))
  return login.body.token
}

async function signedIn(url, username, password) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 }, acceptDownloads: true })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console${url}`)
  await loginThroughForm(page, username, password)
  await page.waitForURL((u) => u.pathname === `/console${url.split('?')[0]}`)
  return { context, page }
}

async function waitForFocus(page, id) {
  await page.waitForFunction((want) => document.activeElement?.id === want, id)
}

// The parties table as [name, funded, paid, received, breakage, net] per row, the sum row last.
async function partiesShown(page) {
  return page.$$eval('#settle-parties tbody tr', (rows) => rows.map((r) => [
    r.querySelector('td:nth-child(1)').textContent.trim(),
    ...['.c-funded', '.c-paid', '.c-received', '.c-breakage', '.c-net'].map((c) => r.querySelector(c).textContent.trim()),
  ]))
}

function yuan(fen) {
  const abs = Math.abs(fen)
  return `${fen < 0 ? '-' : ''}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

before(async () => {
  if (skip) return
  mileage = await startServingConsole(new Mileage())
  const login = await call(mileage.base, 'POST', '/api/console/login', { username: 'ops', password: mileage.staffPassword })
  assert.equal(login.status, 200, JSON.stringify(login.body))
  adminToken = login.body.token
  brandId = login.body.staff.brand_id
  fuel = await registerPartner('城东加油站', 'fuel')
  parking = await registerPartner('中心停车场', 'parking')
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true })
})

after(async () => {
  if (browser) await browser.close()
  if (mileage) await mileage.stop()
})

test('the brand admin sets the fuel partner\'s earning rule on its page; the partner API earns by it', { skip }, async () => {
  const { context, page } = await signedIn(`/partners/${fuel.id}`, 'ops', mileage.staffPassword)
  await page.waitForSelector('#partner-rule-empty')
  assert.match(await page.textContent('#partner-rule-empty'), /尚未设置积分规则，合作伙伴的积分请求将被拒绝/)
  assert.deepEqual([(await api('GET', `/api/console/partners/${fuel.id}/rule`)).body.code], ['PARTNER_RULE_MISSING'])
  await shot(page, 'partner-rule-missing')

  await page.click('#edit-partner-rule')
  await waitForFocus(page, 'prule-ppy')
  // Bad input is refused in the dialog, in Chinese, and nothing is written.
  await page.fill('#prule-ppy', '2')
  await page.fill('#prule-cap-day', '-1')
  await page.press('#prule-cap-day', 'Enter')
  await page.waitForSelector('#partner-rule-form-error')
  assert.match(await page.textContent('#partner-rule-form-error'), /每日上限需为不小于 0 的整数/)
  await page.fill('#prule-cap-day', '')
  await page.fill('#prule-promo-percent', '200')
  await page.press('#prule-promo-percent', 'Enter')
  await page.waitForSelector('#partner-rule-form-error:has-text("需同时填写促销开始和结束时间")')
  await page.fill('#prule-promo-percent', '')
  await page.fill('#prule-mult-gold', '1000001')
  await page.press('#prule-mult-gold', 'Enter')
  await page.waitForSelector('#partner-rule-form-error:has-text("金卡倍率需为 0 到 1000000 的整数")')
  assert.equal((await api('GET', `/api/console/partners/${fuel.id}/rule`)).status, 404)
  await shot(page, 'partner-rule-invalid')

  // Esc closes the dialog without saving.
  await page.keyboard.press('Escape')
  await page.waitForSelector('#partner-rule-form', { state: 'hidden' })
  assert.equal((await api('GET', `/api/console/partners/${fuel.id}/rule`)).status, 404)

  // A valid rule, submitted with Enter: the card shows it as version 1.
  await page.click('#edit-partner-rule')
  await waitForFocus(page, 'prule-ppy')
  await page.fill('#prule-ppy', '2')
  await page.fill('#prule-mult-gold', '150')
  await page.fill('#prule-cap-day', '')
  await page.fill('#prule-cap-month', '50000')
  await page.fill('#prule-promo-percent', '')
  await page.press('#prule-cap-month', 'Enter')
  await page.waitForSelector('#partner-rule-card')
  await page.waitForSelector('#partner-rule-form', { state: 'hidden' })
  const rule = await api('GET', `/api/console/partners/${fuel.id}/rule`)
  assert.equal(rule.status, 200, JSON.stringify(rule.body))
  assert.deepEqual([rule.body.version, rule.body.points_per_yuan, rule.body.tier_multiplier_percent, rule.body.cap_per_day,
    rule.body.cap_per_month, rule.body.promo_from, rule.body.promo_percent], [1, 2, { gold: 150 }, 0, 50000, null, 100])
  assert.equal((await page.textContent('#rule-version')).trim(), '第 1 版')
  assert.equal((await page.textContent('#rule-points-per-yuan')).trim(), '2')
  assert.match(await page.textContent('#rule-tiers'), /金卡 150%/)
  assert.equal((await page.textContent('#rule-cap-day')).trim(), '不限')
  assert.equal((await page.textContent('#rule-cap-month')).trim(), '50000 分')
  assert.equal((await page.textContent('#rule-promo')).trim(), '无')

  // An edit makes version 2 (a daily cap added), and the card follows.
  await page.click('#edit-partner-rule')
  await waitForFocus(page, 'prule-ppy')
  assert.equal(await page.inputValue('#prule-ppy'), '2')
  assert.equal(await page.inputValue('#prule-mult-gold'), '150')
  await page.fill('#prule-cap-day', '5000')
  await page.press('#prule-cap-day', 'Enter')
  await page.waitForSelector('#rule-version:has-text("第 2 版")')
  assert.equal((await page.textContent('#rule-cap-day')).trim(), '5000 分')
  const v2 = await api('GET', `/api/console/partners/${fuel.id}/rule`)
  assert.deepEqual([v2.body.version, v2.body.cap_per_day, v2.body.cap_per_month], [2, 5000, 50000])

  // A promotion window, typed as Beijing time: the API stores it in UTC, and the card shows it
  // back in Beijing time. The window is in the past, so it does not change the earnings below.
  await page.click('#edit-partner-rule')
  await waitForFocus(page, 'prule-ppy')
  await page.fill('#prule-promo-from', '2020-01-08 00:00')
  await page.press('#prule-promo-from', 'Tab')
  await page.fill('#prule-promo-to', '2020-01-01 00:00')
  await page.press('#prule-promo-to', 'Tab')
  await page.fill('#prule-promo-percent', '200')
  await page.press('#prule-promo-percent', 'Enter')
  await page.waitForSelector('#partner-rule-form-error:has-text("促销结束时间须晚于开始时间")')
  await page.fill('#prule-promo-from', '2020-01-01 08:30')
  await page.press('#prule-promo-from', 'Tab')
  await page.fill('#prule-promo-to', '2020-01-08 00:00')
  await page.press('#prule-promo-to', 'Tab')
  await page.press('#prule-promo-percent', 'Enter')
  await page.waitForSelector('#rule-version:has-text("第 3 版")')
  const v3 = await api('GET', `/api/console/partners/${fuel.id}/rule`)
  assert.deepEqual([v3.body.version, v3.body.promo_from, v3.body.promo_to, v3.body.promo_percent, v3.body.cap_per_day],
    [3, '2020-01-01T00:30:00Z', '2020-01-07T16:00:00Z', 200, 5000])
  assert.match(await page.textContent('#rule-promo'), /2020-01-01 08:30:00 至 2020-01-08 00:00:00（不含），积分 × 200%/)
  await shot(page, 'partner-rule-set')
  assertNoErrors(page)
  await context.close()

  // The member: pays at the brand's store first (brand-funded points, the default brand rule of
  // 1 point per yuan), then earns at the fuel partner and redeems everything at the car park.
  await mileage.pay(PAYMENT_FEN, 'settle-alice')
  const mp = await call(mileage.base, 'POST', '/api/mp/login', { appid: APPID, code: 'settle-alice' })
  assert.equal(mp.status, 200, JSON.stringify(mp.body))
  let card = await memberCard(mp.body.token)
  done.brandPoints = Math.floor(PAYMENT_FEN / 100)
  assert.equal(card.points.balance, done.brandPoints)
  const tierPercent = card.member.tier === 'gold' ? 150 : 100
  done.fuelPoints = Math.floor((Math.floor((EARNING_FEN * 2) / 100) * tierPercent) / 100)

  const lookup = await signed(fuel, 'POST', '/api/partner/v1/members/lookup', { member: { code: card.member_code.token } })
  assert.equal(lookup.status, 200, JSON.stringify(lookup.body))
  const earned = await signed(fuel, 'POST', '/api/partner/v1/earnings', {
    request_id: 'settle-earn-1', member: { code: card.member_code.token }, amount_fen: EARNING_FEN,
    occurred_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), detail: { millilitres: 31000, grade: '95' },
  })
  assert.equal(earned.status, 201, JSON.stringify(earned.body))
  assert.deepEqual([earned.body.points, earned.body.rule_version], [done.fuelPoints, 3])

  card = await memberCard(mp.body.token)
  done.redeemed = done.brandPoints + done.fuelPoints
  assert.equal(card.points.balance, done.redeemed)
  const burned = await signed(parking, 'POST', '/api/partner/v1/redemptions', {
    request_id: 'settle-burn-1', member: { code: card.member_code.token }, points: done.redeemed,
  })
  assert.equal(burned.status, 201, JSON.stringify(burned.body))
  assert.deepEqual([burned.body.points, burned.body.balance_after], [done.redeemed, 0])
  done.memberId = card.member.id
})

// The rows of a table as their cells' text, whitespace dropped.
async function rowsShown(page, selector) {
  return page.$$eval(`${selector} tbody tr`, (rows) => rows.map((r) =>
    [...r.querySelectorAll('td')].map((td) => td.textContent.replace(/\s+/g, ''))))
}

test('each partner\'s page lists the earning and the burn this test made under 交易', { skip }, async () => {
  assert.equal(typeof done.memberId, 'number')
  // The fuel station: the earning, nothing burned there.
  const { context, page } = await signedIn(`/partners/${fuel.id}`, 'ops', mileage.staffPassword)
  await page.waitForSelector('#partner-earnings tbody tr')
  const earnings = await rowsShown(page, '#partner-earnings')
  assert.equal(earnings.length, 1, JSON.stringify(earnings))
  assert.deepEqual(earnings[0].slice(1),
    ['settle-earn-1', String(done.memberId), yuan(EARNING_FEN), String(done.fuelPoints), '-'])
  assert.match(earnings[0][0], /^\d{4}-\d{2}-\d{2}\d{2}:\d{2}/)
  await page.click('#partner-activity .el-tabs__item:has-text("积分抵扣")')
  await page.waitForSelector('#partner-activity-empty')
  assert.match(await page.textContent('#partner-activity-empty'), /该合作伙伴暂无积分抵扣/)
  await shot(page, 'partner-activity-earnings')

  // The car park: the burn of every point, at 1 fen a point, not cancelled.
  await page.goto(`${mileage.base}/console/partners/${parking.id}`)
  await page.waitForSelector('#partner-activity')
  await page.waitForSelector('#partner-activity-empty')
  assert.match(await page.textContent('#partner-activity-empty'), /该合作伙伴暂无积分发放/)
  await page.click('#partner-activity .el-tabs__item:has-text("积分抵扣")')
  await page.waitForSelector('#partner-redemptions tbody tr')
  const burns = await rowsShown(page, '#partner-redemptions')
  assert.equal(burns.length, 1, JSON.stringify(burns))
  assert.deepEqual(burns[0].slice(1),
    ['settle-burn-1', String(done.memberId), String(done.redeemed), yuan(done.redeemed), '已抵扣'])
  // The API gives the same row.
  const listed = await api('GET', `/api/console/partners/${parking.id}/redemptions`)
  assert.equal(listed.status, 200, JSON.stringify(listed.body))
  assert.deepEqual(listed.body.items.map((r) => [r.request_id, r.member_id, r.points, r.discount_fen, r.cancelled_at]),
    [['settle-burn-1', done.memberId, done.redeemed, done.redeemed, null]])
  await shot(page, 'partner-activity-redemptions')
  assertNoErrors(page)
  await context.close()
})

test('结算 shows the open month\'s figures as computed by hand, the sum row ¥0.00, lines, CSV and trace; closing it is refused', { skip }, async () => {
  const period = beijingMonth(0)
  const lastMonth = beijingMonth(-1)
  // By hand, at the default point value (100 points = ¥1.00, 1 point = 1 fen): the car park
  // consumed every point; the brand funded the payment's, the fuel partner the earning's.
  const b = done.brandPoints
  const f = done.fuelPoints
  const want = [
    [`品牌（`, String(b), String(b), '0', '0', yuan(-b)],
    ['城东加油站', String(f), String(f), '0', '0', yuan(-f)],
    ['中心停车场', '0', '0', String(b + f), '0', yuan(b + f)],
    ['合计', String(b + f), String(b + f), String(b + f), '0', '¥0.00'],
  ]

  // From the partner page's link: the settlements page filtered to that party, last month first.
  const { context, page } = await signedIn(`/partners/${fuel.id}`, 'ops', mileage.staffPassword)
  await page.click('#partner-statements')
  await page.waitForURL((u) => u.pathname === '/console/settlements' && u.searchParams.get('party') === String(fuel.id))
  assert.equal((await page.textContent('nav .nav-link.active')).trim(), '结算')
  await page.waitForSelector('#settle-state')
  assert.match(await page.inputValue('#settle-period'), new RegExp(lastMonth.replace('-', ' 年 ')))
  assert.match(await page.textContent('#settle-state'), /未结算/)
  await page.waitForSelector('#settle-party')
  assert.match(await page.textContent('#settle-party-heading'), new RegExp(`城东加油站 · ${lastMonth}`))
  assert.match(await page.textContent('#settle-empty'), /本账期没有积分往来/)
  await shot(page, 'settlement-last-month')

  // The next month (this one), from the keyboard.
  await page.focus('#settle-next')
  await page.keyboard.press('Enter')
  await page.waitForURL((u) => u.searchParams.get('period') === period)
  await page.waitForFunction((want) => document.querySelector('#settle-parties .sum-row .c-paid')?.textContent.trim() === want, String(b + f))
  const shown = await partiesShown(page)
  assert.equal(shown.length, want.length, JSON.stringify(shown))
  shown.forEach((row, i) => {
    assert.ok(row[0].startsWith(want[i][0]), `${row[0]} is ${want[i][0]}`)
    assert.deepEqual(row.slice(1), want[i].slice(1), `row ${row[0]}`)
  })
  assert.match(await page.textContent('#settle-parties .sum-row'), /¥0\.00\s*收付相抵/)
  assert.equal(await page.$('#settle-empty'), null)
  assert.equal((await page.textContent('#settle-amount')).trim(), yuan(b + f))
  assert.match(await page.textContent('#settle-state'), new RegExp(`未结算.*${period} 账期尚未关闭`))
  // The API agrees, and the page made nothing up.
  const statement = await api('GET', `/api/console/settlements?period=${period}`)
  assert.equal(statement.status, 200, JSON.stringify(statement.body))
  assert.deepEqual(statement.body.parties.map((p) => [p.party_id, p.net_fen]), [[0, -b], [fuel.id, -f], [parking.id, b + f]])

  // The fuel partner's lines: it pays the car park for its points.
  await page.waitForSelector('#settle-lines tbody tr')
  const fuelLines = await page.$$eval('#settle-lines tbody tr', (rows) => rows.map((r) =>
    [...r.querySelectorAll('td')].map((td) => td.textContent.replace(/\s+/g, '')).join('|')))
  assert.ok(fuelLines.includes(`中心停车场|${f}|0|0|${yuan(-f)}应付|明细`), JSON.stringify(fuelLines))
  await shot(page, 'settlement-open-month')

  // The car park's lines, its CSV and the trace behind its line with the fuel partner.
  await page.click(`#settle-parties .party-link:has-text("中心停车场")`)
  await page.waitForURL((u) => u.searchParams.get('party') === String(parking.id))
  await page.waitForSelector('#settle-party-heading:has-text("中心停车场")')
  assert.equal((await page.textContent('#settle-party-net')).trim(), yuan(b + f))
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('#settle-export')])
  assert.equal(file.suggestedFilename(), `settlement-${period}-party${parking.id}.csv`)
  const csv = fs.readFileSync(await file.path(), 'utf8')
  assert.ok(csv.startsWith('\ufeff'), 'the CSV starts with the BOM')
  const csvLines = csv.slice(1).split('\r\n').filter(Boolean)
  assert.equal(csvLines[0], '结算期,状态,结算方ID,结算方,对方ID,对方,应付积分,应收积分,过期积分,净额(元)')
  const csvFuel = csvLines.find((l) => l.includes(`,${fuel.id},城东加油站,`))
  const csvBrand = csvLines.find((l) => l.split(',')[4] === '0')
  assert.ok(csvFuel && csvBrand, csv)
  assert.deepEqual(csvFuel.split(',').slice(6), ['0', String(f), '0', (f / 100).toFixed(2)])
  assert.deepEqual(csvBrand.split(',').slice(6), ['0', String(b), '0', (b / 100).toFixed(2)])
  assert.ok(csvFuel.startsWith(`${period},`) && csvFuel.split(',')[3] === '中心停车场', csvFuel)

  await page.click('#settle-lines tbody tr:has-text("城东加油站") .trace-btn')
  await page.waitForSelector('#settle-trace tbody tr')
  const trace = await api('GET', `/api/console/settlements/${period}/parties/${parking.id}/trace?counterparty=${fuel.id}`)
  assert.equal(trace.status, 200, JSON.stringify(trace.body))
  const tracePoints = await page.$$eval('#settle-trace .t-points', (cells) => cells.map((c) => Number(c.textContent)))
  assert.equal(tracePoints.reduce((a, n) => a + n, 0), f)
  const journals = await page.$$eval('#settle-trace .t-journal', (cells) => cells.map((c) => c.textContent.trim()))
  assert.deepEqual(journals, trace.body.items.map((u) => `#${u.journal_id}`))
  assert.match(await page.textContent('#settle-trace'), /使用/)
  await shot(page, 'settlement-trace')
  await page.keyboard.press('Escape')
  await page.waitForSelector('#settle-trace', { state: 'hidden' })

  // Closing the current month: the confirmation says it is final; the server refuses, in Chinese.
  await page.click('#settle-close')
  assert.match(await page.textContent('.el-message-box'), /不可撤销.*计入下一个账期/)
  await page.click('.el-message-box__btns button:has-text("关闭账期")')
  await page.waitForSelector('#settle-close-error')
  assert.match(await page.textContent('#settle-close-error'), /该月尚未结束（北京时间），不能关闭账期/)
  const refused = await api('POST', `/api/console/settlements/${period}/close`, {})
  assert.deepEqual([refused.status, refused.body.code], [409, 'PERIOD_NOT_ENDED'])
  assert.equal((await api('GET', `/api/console/settlements?period=${period}`)).body.state, 'open')
  assert.match(await page.textContent('#settle-state'), /未结算/)
  await shot(page, 'settlement-close-refused')
  assertNoErrors(page)
  await context.close()
})

test('closing last month: final with its time; an earlier month after it is refused', { skip }, async () => {
  const lastMonth = beijingMonth(-1)
  const before = beijingMonth(-2)
  const { context, page } = await signedIn('/settlements', 'ops', mileage.staffPassword)
  await page.waitForSelector('#settle-close')
  await page.click('#settle-close')
  assert.match(await page.textContent('.el-message-box'), new RegExp(`确定关闭 ${lastMonth} 账期吗`))
  await page.click('.el-message-box__btns button:has-text("关闭账期")')
  await page.waitForSelector('#settle-state:has-text("已结算")')
  const closed = await api('GET', `/api/console/settlements?period=${lastMonth}`)
  assert.equal(closed.body.state, 'closed')
  assert.match(await page.textContent('#settle-state'), new RegExp(`${lastMonth} 账期已于 \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} 关闭`))
  assert.equal(await page.$('#settle-close'), null)
  await shot(page, 'settlement-closed')

  await page.click('#settle-prev')
  await page.waitForURL((u) => u.searchParams.get('period') === before)
  await page.waitForSelector('#settle-close')
  await page.click('#settle-close')
  await page.click('.el-message-box__btns button:has-text("关闭账期")')
  await page.waitForSelector('#settle-close-error')
  assert.match(await page.textContent('#settle-close-error'), /更晚的月份已关闭账期/)
  const refused = await api('POST', `/api/console/settlements/${before}/close`, {})
  assert.deepEqual([refused.status, refused.body.code], [409, 'LATER_PERIOD_CLOSED'])
  assert.equal((await api('GET', `/api/console/settlements?period=${before}`)).body.state, 'open')
  assertNoErrors(page)
  await context.close()
})

test('an analyst reads 结算 without closing; a dealer manager has no 结算 and the API refuses them', { skip }, async () => {
  const period = beijingMonth(0)
  const analyst = await createStaff('analyst-settle', 'analyst', { type: 'brand', id: brandId })
  let { context, page } = await signedIn(`/settlements?period=${period}`, 'analyst-settle', PASSWORD)
  await page.waitForSelector('#settle-parties .sum-row')
  assert.equal(await page.$('#settle-close'), null)
  assert.equal((await partiesShown(page)).at(-1)[5], '¥0.00')
  // The partner page: the rule to read, no 编辑, and the link to its statements.
  await page.goto(`${mileage.base}/console/partners/${fuel.id}`)
  await page.waitForSelector('#rule-version:has-text("第 3 版")')
  assert.equal(await page.$('#edit-partner-rule'), null)
  assert.ok(await page.$('#partner-statements'))
  await shot(page, 'partner-rule-analyst')
  assertNoErrors(page)
  await context.close()
  const refusedClose = await api('POST', `/api/console/settlements/${period}/close`, {}, analyst)
  assert.deepEqual([refusedClose.status, refusedClose.body.code], [403, 'PERMISSION_DENIED'])

  const store = await api('GET', `/api/console/stores/${mileage.storeId}`)
  const manager = await createStaff('dm-settle', 'dealer_manager', { type: 'dealer', id: store.body.dealer_id });
  ({ context, page } = await signedIn('/settlements', 'dm-settle', PASSWORD))
  await page.waitForSelector('#settle-error')
  assert.match(await page.textContent('#settle-error'), /您的角色无权执行此操作/)
  assert.equal(await page.$('nav .nav-link:has-text("结算")'), null)
  assert.equal(await page.$('#settle-parties'), null)
  await shot(page, 'settlement-dealer-manager')
  assertNoErrors(page)
  await context.close()
  for (const urlPath of [`/api/console/settlements?period=${period}`, `/api/console/settlements/${period}/parties/0/lines.csv`]) {
    const res = await api('GET', urlPath, undefined, manager)
    assert.deepEqual([res.status, res.body.code], [403, 'PERMISSION_DENIED'], urlPath)
  }
  const close = await api('POST', `/api/console/settlements/${period}/close`, {}, manager)
  assert.deepEqual([close.status, close.body.code], [403, 'PERMISSION_DENIED'])
  const rule = await api('PUT', `/api/console/partners/${fuel.id}/rule`, { points_per_yuan: 9 }, manager)
  assert.deepEqual([rule.status, rule.body.code], [403, 'PERMISSION_DENIED'])
  assert.equal((await api('GET', `/api/console/partners/${fuel.id}/rule`)).body.version, 3)
})

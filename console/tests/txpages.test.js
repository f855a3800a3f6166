// 门店交易, 积分规则 and 发放优惠券 in a real browser against a real `mileage serve` with the
// sandbox, as console.test.js starts them. The tests run in order and share the server: a
// sandbox payment shows on 门店交易; the brand admin changes the store's earning rule and the
// next payment earns by it; a coupon granted from a member's page reaches the member; a clerk
// reads the same pages without their write buttons.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'
import { assertNoErrors, brandAdminToken, call, chromiumPath, dist, loginThroughForm, openPage, shot, startServingConsole } from './support/browser.js'

const require = createRequire(import.meta.url)
const { Mileage, binaryPath, APPID, MCHID } = require('../../miniprogram/tests/support/mileage.js')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const missing = [binaryPath(), path.join(dist, 'index.html'), chromiumPath].filter((f) => !fs.existsSync(f))
const skip = missing.length && !required ? `missing ${missing.join(', ')}` : false

const CLERK_PASSWORD = 'clerk-tx-password-1'
let mileage
let browser
let adminToken
const ids = {}

const api = (method, urlPath, body, bearer = adminToken) => call(mileage.base, method, urlPath, body, bearer)

// A new browser context signed in as `username` through the form, on `urlPath`.
async function signedIn(urlPath, username, password) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 800 } })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console${urlPath}`)
  await loginThroughForm(page, username, password)
  await page.waitForURL(new RegExp(`/console${urlPath}$`))
  return { context, page }
}

const adminPage = (urlPath) => signedIn(urlPath, 'ops', mileage.staffPassword)

async function transaction(transactionId) {
  const res = await api('GET', `/api/console/transactions/${transactionId}`)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body
}

before(async () => {
  if (skip) return
  mileage = await startServingConsole(new Mileage(), (m) => {
    const clerkFile = path.join(m.dir, 'clerk-password')
    fs.writeFileSync(clerkFile, `${CLERK_PASSWORD}\n`, { mode: 0o600 })
    m.admin('create-user', '--username', 'clerk-tx', '--role', 'store_clerk',
      '--scope-type', 'store', '--scope-id', String(m.storeId), '--password-file', clerkFile)
  })
  adminToken = await brandAdminToken(mileage)
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true })
})

after(async () => {
  if (browser) await browser.close()
  if (mileage) await mileage.stop()
})

test('a sandbox payment and its refund show on 门店交易 with the amount and the member\'s points', { skip }, async () => {
  const paid = await mileage.pay(12345, 'tx-alice')
  ids.alicePayment = paid.transaction_id
  ids.aliceOpenid = paid.payer_openid  // the sandbox's: the console shows it masked
  // No earning rule yet: 1 point per yuan, floored.
  const expectedPoints = Math.floor((12345 * 1) / 100)
  const tx = await transaction(paid.transaction_id)
  assert.equal(tx.points_earned, expectedPoints)
  ids.alice = tx.member_id

  const { context, page } = await adminPage('/transactions')
  const row = `#tx-table tr:has-text("${paid.transaction_id}")`
  await page.waitForSelector(row)
  assert.equal((await page.textContent(`${row} .tx-amount`)).trim(), '¥123.45')
  assert.equal((await page.textContent(`${row} .tx-points`)).trim(), String(expectedPoints))
  assert.match(await page.textContent(row), /已支付/)
  await shot(page, 'transactions')

  // A partial refund through the sandbox: the list, the refunds tab and the detail show it.
  const refund = await call(mileage.sandboxBase, 'POST', '/sandbox/refunds',
    { out_trade_no: paid.out_trade_no, amount: 2345, mchid: MCHID })
  assert.equal(refund.status, 200, JSON.stringify(refund.body))
  await mileage.delivered(refund.body.delivery_id)
  await page.click('.toolbar button:has-text("刷新")')
  await page.waitForSelector(`${row}:has-text("部分退款")`)
  assert.match(await page.textContent(row), /¥23\.45/)
  await page.click('.el-tabs__item:has-text("退款")')
  await page.waitForSelector(`#refund-table tr:has-text("${refund.body.refund_id}")`)
  assert.match(await page.textContent(`#refund-table tr:has-text("${refund.body.refund_id}")`), /¥23\.45.*退款成功/s)

  await page.click(`#refund-table tr:has-text("${refund.body.refund_id}") .tx-detail-btn`)
  await page.waitForSelector('#tx-detail')
  assert.equal((await page.textContent('#tx-detail-amount')).trim(), '¥123.45')
  assert.equal((await page.textContent('#tx-detail-points')).trim(), String(expectedPoints))
  assert.match(await page.textContent('#tx-refunds'), new RegExp(`${refund.body.refund_id}.*¥23\\.45`, 's'))
  await shot(page, 'transaction-detail')
  await page.keyboard.press('Escape')
  await page.waitForSelector('#tx-detail', { state: 'hidden' })

  // Looking a transaction up by keyboard: a malformed id is named before any request; an
  // unknown one is the API's 404 in Chinese.
  await page.fill('#tx-lookup-id', 'not-an-id!')
  await page.press('#tx-lookup-id', 'Enter')
  await page.waitForSelector('#tx-lookup-error:has-text("交易单号格式不正确")')
  await page.fill('#tx-lookup-id', '4200000000000000000')
  await page.press('#tx-lookup-id', 'Enter')
  await page.waitForSelector('#tx-detail-error:has-text("未找到该交易")')
  await page.keyboard.press('Escape')
  await page.fill('#tx-lookup-id', paid.transaction_id)
  await page.press('#tx-lookup-id', 'Enter')
  await page.waitForSelector('#tx-detail-points')
  assert.equal((await page.textContent('#tx-detail-points')).trim(), String(expectedPoints))
  assertNoErrors(page)
  await context.close()
})

test('the brand admin sets the store\'s earning rule and the next payment earns by it', { skip }, async () => {
  const ruleUrl = `/api/console/stores/${mileage.storeId}/earning-rule`
  const { context, page } = await adminPage('/earning-rules')
  await page.waitForSelector('#brand-rule .rule-source')
  await page.waitForSelector('#store-rule .rule-source')
  assert.match(await page.textContent('#store-rule .rule-source'), /默认规则/)

  // The form refuses what the API refuses, before any request: nothing is written.
  await page.click('#edit-store-rule')
  await page.waitForSelector('#rule-form')
  // The dialog focuses 每元积分 once it has opened: typing before that could land there.
  await page.waitForFunction(() => document.activeElement?.id === 'rule-ppy')
  await page.fill('#rule-ppy', '10001')
  await page.press('#rule-ppy', 'Enter')
  await page.waitForSelector('#rule-form-error:has-text("每元积分需为 0 到 10000 的整数")')
  await page.fill('#rule-ppy', '3')
  await page.fill('#rule-mult-gold', '1.5')
  await page.press('#rule-mult-gold', 'Enter')
  await page.waitForSelector('#rule-form-error:has-text("金卡倍率需为 0 到 10000 的整数")')
  assert.equal((await api('GET', ruleUrl)).body.version, 0)

  const pointsPerYuan = 3
  const cap = 500
  await page.fill('#rule-mult-gold', '')
  await page.fill('#rule-cap', String(cap))
  await shot(page, 'earning-rule-form')
  await page.press('#rule-cap', 'Enter')
  await page.waitForSelector('#rule-form', { state: 'hidden' })
  await page.waitForSelector('#store-rule .rule-source:has-text("门店自定义规则")')
  assert.equal((await page.textContent('#store-rule .rule-ppy')).trim(), String(pointsPerYuan))
  const rule = (await api('GET', ruleUrl)).body
  assert.deepEqual([rule.source, rule.version, rule.points_per_yuan, rule.cap_per_payment, rule.tier_multiplier_percent],
    ['store', 1, pointsPerYuan, cap, {}])
  await shot(page, 'earning-rules')
  assertNoErrors(page)

  // A second payment earns by the store's rule: floor(fen x 3 / 100), under the cap (a new
  // member's tier has no multiplier: 100%).
  const fen = 2345
  const expected = Math.min(Math.floor((fen * pointsPerYuan) / 100), cap)
  const paid = await mileage.pay(fen, 'tx-bob')
  const tx = await transaction(paid.transaction_id)
  ids.bob = tx.member_id
  assert.deepEqual([tx.points_earned, tx.rule_version], [expected, 1])
  await page.click('a.nav-link:has-text("门店交易")')
  const row = `#tx-table tr:has-text("${paid.transaction_id}")`
  await page.waitForSelector(row)
  assert.equal((await page.textContent(`${row} .tx-amount`)).trim(), '¥23.45')
  assert.equal((await page.textContent(`${row} .tx-points`)).trim(), String(expected))
  assertNoErrors(page)
  await context.close()
})

test('a coupon granted from a member\'s page reaches the member; a second grant is refused by the limit', { skip }, async () => {
  const stock = await api('POST', '/api/console/stocks', {
    node: { type: 'brand', id: mileage.brandId }, name: '到店礼 20 元', type: 'cash', value_fen: 2000,
    threshold_fen: 10000, valid_days: 30, total_quantity: 100, per_member_limit: 1, channels: ['grant'],
  })
  assert.equal(stock.status, 201, JSON.stringify(stock.body))
  assert.equal((await api('PATCH', `/api/console/stocks/${stock.body.id}`, { state: 'active' })).status, 200)
  // A claim-only campaign is not offered for granting.
  const claimOnly = await api('POST', '/api/console/stocks', {
    node: { type: 'brand', id: mileage.brandId }, name: '小程序领取券', type: 'exchange', item: '洗车一次',
    valid_days: 30, total_quantity: 100, channels: ['claim'],
  })
  assert.equal(claimOnly.status, 201, JSON.stringify(claimOnly.body))
  assert.equal((await api('PATCH', `/api/console/stocks/${claimOnly.body.id}`, { state: 'active' })).status, 200)

  const { context, page } = await adminPage(`/members/${ids.alice}`)
  await page.click('#grant-coupon')
  await page.waitForSelector('#grant-stock')
  await page.click('.el-select__wrapper:has(#grant-stock)')
  const offered = await page.$$eval('.el-select-dropdown__item', (els) => els.map((e) => e.textContent.trim()))
  assert.deepEqual(offered, ['到店礼 20 元（满¥100.00 减¥20.00）'])
  await page.click('.el-select-dropdown__item:has-text("到店礼 20 元")')
  await page.click('#grant-submit')
  await page.waitForSelector('#grant-outcome:has-text("已发放")')
  await shot(page, 'member-grant')

  // Granting again is a new request: the member already holds the one coupon allowed.
  await page.click('#grant-submit')
  await page.waitForSelector('#grant-outcome:has-text("未发放：已达每人限领数量")')
  await page.keyboard.press('Escape')
  await page.waitForSelector('#grant-form', { state: 'hidden' })
  await page.waitForSelector('.el-tab-pane table:has-text("到店礼 20 元")')
  assert.match(await page.textContent('.el-tab-pane table:has-text("到店礼 20 元")'), /未使用/)
  await shot(page, 'member-coupons')
  assertNoErrors(page)
  await context.close()

  const coupons = await api('GET', `/api/console/members/${ids.alice}/coupons`)
  assert.equal(coupons.body.total, 1)
  assert.deepEqual([coupons.body.items[0].stock_id, coupons.body.items[0].channel], [stock.body.id, 'grant'])
  // The member's own list (the mini-program) shows it too.
  const mp = await call(mileage.base, 'POST', '/api/mp/login', { appid: APPID, code: 'tx-alice' })
  assert.equal(mp.status, 200, JSON.stringify(mp.body))
  const mine = await call(mileage.base, 'GET', '/api/mp/coupons', undefined, mp.body.token)
  assert.equal(mine.status, 200, JSON.stringify(mine.body))
  assert.deepEqual(mine.body.items.map((c) => [c.stock_id, c.state]), [[stock.body.id, 'issued']])
})

test('a clerk reads 门店交易 and their store\'s rule without the edit or grant buttons', { skip }, async () => {
  const { context, page } = await signedIn('/earning-rules', 'clerk-tx', CLERK_PASSWORD)
  await page.waitForSelector('#store-rule .rule-source:has-text("门店自定义规则")')
  assert.equal((await page.textContent('#store-rule .rule-ppy')).trim(), '3')
  assert.equal(await page.locator('#edit-store-rule').count(), 0)
  assert.equal(await page.locator('#brand-rule').count(), 0)
  assert.match(await page.textContent('#rule-store-name'), /Store 1/)
  const nav = await page.textContent('nav')
  assert.match(nav, /门店交易/)
  assert.match(nav, /积分规则/)
  assert.doesNotMatch(nav, /员工|商户/)
  await shot(page, 'earning-rules-clerk')

  await page.click('a.nav-link:has-text("门店交易")')
  await page.waitForSelector(`#tx-table tr:has-text("${ids.alicePayment}")`)
  await page.goto(`${mileage.base}/console/members/${ids.alice}`)
  await page.waitForSelector('#member-title')
  assert.equal(await page.locator('#grant-coupon').count(), 0)
  assertNoErrors(page)
  await context.close()

  // The server refuses the clerk's write either way.
  const clerkToken = (await call(mileage.base, 'POST', '/api/console/login', { username: 'clerk-tx', password: CLERK_PASSWORD })).body.token
  const put = await api('PUT', `/api/console/stores/${mileage.storeId}/earning-rule`, { points_per_yuan: 9 }, clerkToken)
  assert.deepEqual([put.status, put.body.code], [403, 'PERMISSION_DENIED'])
})

// The text of the file a click on `selector` downloads.
async function downloaded(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)])
  return { name: file.suggestedFilename(), text: fs.readFileSync(await file.path(), 'utf8') }
}

test('导出 CSV on 会员 and 门店交易 downloads a file with the BOM and no clear phone or openid', { skip }, async () => {
  // Alice binds a phone through the mini-program (the sandbox answers the digits of the code).
  const phone = '13700137000'
  const mp = await call(mileage.base, 'POST', '/api/mp/login', { appid: APPID, code: 'tx-alice' })
  assert.equal(mp.status, 200, JSON.stringify(mp.body))
  const bound = await call(mileage.base, 'POST', '/api/mp/phone', { code: `phone-${phone}` }, mp.body.token)
  assert.equal(bound.status, 200, JSON.stringify(bound.body))
  const alice = await transaction(ids.alicePayment)
  const member = (await api('GET', `/api/console/members/${ids.alice}`)).body

  const { context, page } = await adminPage('/members')
  await page.fill('#member-q', phone)
  await page.press('#member-q', 'Enter')
  await page.waitForSelector(`#members-table tr:has-text("${member.number}")`)
  const members = await downloaded(page, '#members-export')
  assert.equal(members.name, 'members.csv')
  assert.ok(members.text.startsWith('\uFEFF会员号,'), members.text.slice(0, 40))
  assert.match(members.text, new RegExp(`\\r\\n${member.number},`))
  assert.ok(!members.text.includes(phone), 'a clear phone in the export')
  assert.ok(ids.aliceOpenid && alice.payer_openid !== ids.aliceOpenid, 'the console shows the openid masked')
  assert.ok(!members.text.includes(ids.aliceOpenid), 'a clear openid in the export')

  // With the search box emptied the button exports every member the admin sees: the two payers
  // of this file, alice with her phone masked, bob without one.
  const bob = (await api('GET', `/api/console/members/${ids.bob}`)).body
  await page.fill('#member-q', '')
  await page.waitForSelector('#members-export:has-text("导出全部会员")')
  const all = await downloaded(page, '#members-export')
  assert.equal(all.name, 'members.csv')
  const rows = all.text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean)
  assert.equal(rows[0], '会员号,手机号,等级,状态,入会方式,入会时间,入会门店ID,积分余额')
  assert.deepEqual(rows.slice(1).map((r) => r.split(',')[0]).sort(), [member.number, bob.number].sort())
  assert.ok(rows.some((r) => r.startsWith(`${member.number},137****7000,`)), all.text)
  assert.ok(rows.some((r) => r.startsWith(`${bob.number},,`)), all.text)
  assert.ok(!all.text.includes(phone), 'a clear phone in the export of all members')

  await page.click('a.nav-link:has-text("门店交易")')
  await page.waitForSelector(`#tx-table tr:has-text("${ids.alicePayment}")`)
  const txs = await downloaded(page, '#tx-export')
  assert.match(txs.name, new RegExp(`^transactions-store${mileage.storeId}-\\d{4}-\\d{2}-\\d{2}-\\d{4}-\\d{2}-\\d{2}\\.csv$`))
  assert.ok(txs.text.startsWith('\uFEFF交易单号,'), txs.text.slice(0, 40))
  assert.match(txs.text, new RegExp(`\\r\\n${ids.alicePayment},[^\\r\\n]*,123\\.45,23\\.45,partially_refunded,`))
  assert.ok(!txs.text.includes(ids.aliceOpenid), 'a clear openid in the export')
  assert.ok(!txs.text.includes(phone), 'a clear phone in the export')
  await shot(page, 'transactions-export')
  assertNoErrors(page)
  await context.close()

  // The counter's today's redemptions (none at this store today): the header row only.
  const counter = await signedIn('/counter', 'clerk-tx', CLERK_PASSWORD)
  await counter.page.waitForSelector('#today-empty')
  const today = await downloaded(counter.page, '#today-export')
  assert.match(today.name, new RegExp(`^redemptions-store${mileage.storeId}-\\d{4}-\\d{2}-\\d{2}\\.csv$`))
  assert.ok(today.text.startsWith('\uFEFF核销ID,核销时间,'), today.text.slice(0, 40))
  assert.equal(today.text.split('\r\n').filter(Boolean).length, 1)
  assertNoErrors(counter.page)
  await counter.context.close()
})

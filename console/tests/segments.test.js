// 会员分群 in a real browser against a real `mileage serve` with the sandbox. The tests run in
// order and share the server. Three owners pay at the store through the sandbox (¥3500, ¥45,
// ¥120) and `mileage jobs --job member_tags` tags them. The brand admin edits the RFM thresholds
// by keyboard (a bad list refused in Chinese), creates a segment by keyboard (a bad filter
// refused by the server in Chinese, nothing written; then recent visitors who spent at least
// ¥100, typed in yuan and sent in fen: the two of them), sees its live count equal the API's for the same filter and its
// daily size after the next tags pass, and grants a brand stock to it: `mileage jobs --job
// segment_grants` issues the coupons and the page, refreshing while the grant runs, shows it done
// with the API's counts; a brand analyst reads without the write controls; the admin deletes a
// segment after confirming; a list that fails to load says so with 重试; a store clerk has no
// 会员分群 and the API refuses (403).
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

const CLERK_PASSWORD = 'clerk-seg-password-1'
const ANALYST_PASSWORD = 'analyst-seg-password-1'
// Recent visitors (R 4 or 5) who spent at least ¥100 in 12 months: ¥3500 and ¥120, not ¥45.
const FILTER = { all: [{ tag: 'rfm_r', op: 'gte', value: 4 }, { tag: 'spend_12m_fen', op: 'gte', value: 10000 }] }
let mileage
let browser
let adminToken
let stockId
let segmentId

const api = (method, urlPath, body, bearer = adminToken) => call(mileage.base, method, urlPath, body, bearer)
const waitForFocus = (page, id) => page.waitForFunction((want) => document.activeElement?.id === want, id)

function sql(statement) {
  return execFileSync('/usr/bin/sqlite3', [path.join(mileage.dir, 'mileage.db'), statement], { encoding: 'utf8' }).trim()
}

function job(name) {
  return execFileSync(mileage.bin, ['jobs', '--job', name, '--config', mileage.config], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

async function signedIn(username, password) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console/segments`)
  await loginThroughForm(page, username, password)
  await page.waitForURL(/\/console\/segments$/)
  return { context, page }
}

before(async () => {
  if (skip) return
  mileage = await startServingConsole(new Mileage(), (m) => {
    // Grants run only when the test runs the job, so the page is seen following a running one.
    const config = JSON.parse(fs.readFileSync(m.config, 'utf8'))
    config.segment_grant_interval_s = 0
    fs.writeFileSync(m.config, JSON.stringify(config))
    createStaff(m, [
      ['clerk-seg', 'store_clerk', 'store', m.storeId, CLERK_PASSWORD],
      ['analyst-seg', 'analyst', 'brand', m.brandId, ANALYST_PASSWORD],
    ])
  })
  adminToken = await brandAdminToken(mileage)
  await mileage.pay(350000, 'seg-alice')
  await mileage.pay(4500, 'seg-bob')
  await mileage.pay(12000, 'seg-carol')
  assert.equal(sql('SELECT COUNT(*) FROM members'), '3')
  job('member_tags')
  const made = await api('POST', '/api/console/stocks', {
    node: { type: 'brand', id: mileage.brandId }, name: '分群回馈 30 元', type: 'cash', value_fen: 3000,
    threshold_fen: 0, valid_days: 30, total_quantity: 100, per_member_limit: 1, channels: ['grant'],
  })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  stockId = made.body.id
  assert.equal((await api('PATCH', `/api/console/stocks/${stockId}`, { state: 'active' })).status, 200)
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true })
})

after(async () => {
  if (browser) await browser.close()
  if (mileage) await mileage.stop()
})

test('the brand admin edits the RFM thresholds by keyboard; a bad list is refused in Chinese', { skip }, async () => {
  const { context, page } = await signedIn('ops', mileage.staffPassword)
  assert.ok(await page.$('nav a[href$="/segments"]'))
  await page.waitForSelector('#rfm-recency:has-text("30 / 90 / 180 / 365")')
  await page.waitForSelector('#segments-empty')
  await page.waitForSelector('#grants-empty')

  await page.focus('#edit-rfm')
  await page.keyboard.press('Enter')
  await waitForFocus(page, 'rfm-recency-input')
  await page.keyboard.press('Control+A')
  await page.keyboard.type('90, 30, 180, 365')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#rfm-form-error:has-text("RFM 阈值需为 4 个严格递增的整数")')
  assert.equal(sql('SELECT COUNT(*) FROM rfm_thresholds'), '0')

  await page.focus('#rfm-recency-input')
  await page.keyboard.press('Control+A')
  await page.keyboard.type('7, 90, 180, 365')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#rfm-recency:has-text("7 / 90 / 180 / 365")')
  const saved = await api('GET', '/api/console/rfm-thresholds')
  assert.deepEqual(saved.body, { recency_days: [7, 90, 180, 365], visits: [2, 4, 8, 12], spend_fen: [100000, 300000, 800000, 2000000] })
  assertNoErrors(page)
  await context.close()
})

test('the brand admin creates a segment by keyboard; its count is the API\'s and its daily size shows', { skip }, async () => {
  const { context, page } = await signedIn('ops', mileage.staffPassword)
  await page.waitForSelector('#segments-empty')
  await page.focus('#new-segment')
  await page.keyboard.press('Enter')
  await waitForFocus(page, 'segment-name')
  await page.keyboard.type('高价值车主')
  // Clause 1: R score >= 9, out of 1..5: the server refuses it.
  await page.focus('#clause-value-0')
  await page.keyboard.type('9')
  await page.focus('#add-clause')
  await page.keyboard.press('Enter')
  await waitForFocus(page, 'clause-tag-1')
  await page.selectOption('#clause-tag-1', 'spend_12m_fen')
  assert.equal(await page.$eval('#clause-op-1', (el) => el.value), 'gte')
  await page.focus('#clause-value-1')
  await page.keyboard.type('100')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#segment-form-error:has-text("筛选条件的取值无效")')
  assert.equal((await api('GET', '/api/console/segments')).body.total, 0)
  assert.equal(sql('SELECT COUNT(*) FROM segments'), '0')

  await page.focus('#clause-value-0')
  await page.keyboard.press('Control+A')
  await page.keyboard.type('4')
  await page.focus('#segment-preview')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#preview-count:has-text("2 人")')
  const previewed = await api('POST', '/api/console/segments/preview', { filter: FILTER })
  assert.deepEqual([previewed.status, previewed.body.count], [200, 2])
  await page.focus('#clause-value-1')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#segments-table')
  await page.waitForSelector('#segment-form', { state: 'hidden' })
  await page.waitForSelector('.segment-count:has-text("2")')

  const listed = await api('GET', '/api/console/segments')
  assert.equal(listed.body.total, 1)
  segmentId = listed.body.items[0].id
  const one = await api('GET', `/api/console/segments/${segmentId}`)
  assert.equal(one.body.name, '高价值车主')
  assert.deepEqual(one.body.filter, FILTER)
  assert.equal(one.body.count, 2)
  assert.equal(await page.textContent(`.segment-count[data-id="${segmentId}"]`), String(one.body.count))
  assert.match(await page.textContent('.segment-filter'), /R 最近到店评分（1–5） 大于等于 4 且 近 12 个月消费（元） 大于等于 100/)

  // 编辑 reads the saved filter back into the rows (the spend in yuan); Esc discards.
  await page.focus('#segments-table tbody .segment-edit')
  await page.keyboard.press('Enter')
  await page.waitForSelector('.el-dialog:has-text("编辑分群")')
  await waitForFocus(page, 'segment-name')
  assert.deepEqual(await page.$$eval('[id^="clause-value-"]', (els) => els.map((el) => el.value)), ['4', '100'])
  assert.equal(await page.$eval('#clause-tag-1', (el) => el.value), 'spend_12m_fen')
  await page.keyboard.press('Escape')
  await page.waitForSelector('#segment-form', { state: 'hidden' })

  // The next tags pass records today's size; the chart and its table show it.
  await page.focus('#segments-table tbody .segment-sizes')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#sizes-empty')
  job('member_tags')
  const sizes = await api('GET', `/api/console/segments/${segmentId}/sizes`)
  assert.equal(sizes.status, 200, JSON.stringify(sizes.body))
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
  assert.deepEqual(sizes.body.items, [{ day: Number(today.replaceAll('-', '')), size: 2 }])
  await page.click('#segments-table tbody .segment-sizes')
  await page.waitForSelector('#sizes-chart canvas')
  const rows = await page.$$eval('#sizes-table tbody tr', (trs) => trs.map((tr) => tr.textContent.trim()))
  assert.deepEqual(rows, [`${today}2`])
  await shot(page, 'segments-list')
  assertNoErrors(page)
  await context.close()
})

test('the brand admin grants a stock to the segment and sees it finish with the API\'s counts', { skip }, async () => {
  const { context, page } = await signedIn('ops', mileage.staffPassword)
  await page.waitForSelector('#segments-table')
  await page.focus('#segments-table tbody .segment-grant')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#grant-stock option:not([disabled])', { state: 'attached' })
  await page.waitForSelector('#grant-count:has-text("2")')
  await page.selectOption('#grant-stock', String(stockId))
  await page.focus('#grant-submit')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#grants-table')
  const started = await api('GET', '/api/console/segment-grants')
  assert.equal(started.body.total, 1)
  const grant = started.body.items[0]
  assert.deepEqual([grant.segment_id, grant.stock_id, grant.total], [segmentId, stockId, 2])

  await page.waitForSelector('#grants-table tbody .grant-state:has-text("发放中")')
  await page.waitForSelector('#grants-polling')
  assert.match(await page.textContent('#grants-table tbody .grant-progress'), /已发 0 \/ 共 2/)

  // The job issues the coupons; the page follows on its own, with no reload.
  job('segment_grants')
  await page.waitForSelector('#grants-table tbody .grant-state:has-text("已完成")', { timeout: 15000 })
  const done = await api('GET', `/api/console/segment-grants/${grant.id}`)
  assert.deepEqual([done.body.state, done.body.total, done.body.granted, done.body.skipped], ['done', 2, 2, 0])
  assert.equal(await page.textContent('#grants-table tbody .grant-progress'), `已发 ${done.body.granted} / 共 ${done.body.total}，跳过 ${done.body.skipped}`)
  assert.equal(sql(`SELECT COUNT(*) FROM coupons WHERE stock_id = ${stockId} AND channel = 'grant'`), '2')
  assert.equal(await page.$('#grants-polling'), null)
  await shot(page, 'segments-grant')
  assertNoErrors(page)
  await context.close()
})

test('a brand analyst reads segments and grants without the write controls', { skip }, async () => {
  const { context, page } = await signedIn('analyst-seg', ANALYST_PASSWORD)
  assert.ok(await page.$('nav a[href$="/segments"]'))
  await page.waitForSelector('#segments-table')
  await page.waitForSelector(`.segment-count[data-id="${segmentId}"]:has-text("2")`)
  await page.waitForSelector('#grants-table')
  await page.waitForSelector('#rfm')
  for (const selector of ['#new-segment', '#edit-rfm', '.segment-edit', '.segment-delete', '.segment-grant']) {
    assert.equal(await page.$(selector), null, selector)
  }
  const login = await call(mileage.base, 'POST', '/api/console/login', { username: 'analyst-seg', password: ANALYST_PASSWORD })
  const created = await api('POST', '/api/console/segments', { name: '分析员', filter: FILTER }, login.body.token)
  assert.deepEqual([created.status, created.body.code], [403, 'PERMISSION_DENIED'])
  const granted = await api('POST', `/api/console/segments/${segmentId}/grants`, { stock_id: stockId, request_id: 'analyst-1' }, login.body.token)
  assert.deepEqual([granted.status, granted.body.code], [403, 'PERMISSION_DENIED'])
  assert.equal(sql('SELECT COUNT(*) FROM segments'), '1')
  await shot(page, 'segments-analyst')
  assertNoErrors(page)
  await context.close()
})

test('the brand admin deletes a segment after confirming', { skip }, async () => {
  const made = await api('POST', '/api/console/segments', { name: '临时分群', filter: { manual: 'VIP' } })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  assert.equal(made.body.count, 0)
  const { context, page } = await signedIn('ops', mileage.staffPassword)
  await page.waitForSelector(`.segment-count[data-id="${made.body.id}"]:has-text("0")`)
  const row = page.locator('#segments-table tbody tr', { hasText: '临时分群' })
  await row.locator('.segment-delete').click()
  await page.waitForSelector('.el-message-box:has-text("删除分群「临时分群」")')
  await page.click('.el-message-box button:has-text("删除")')
  await page.waitForSelector('#segment-outcome:has-text("已删除分群「临时分群」")')
  assert.equal((await api('GET', `/api/console/segments/${made.body.id}`)).body.code, 'SEGMENT_NOT_FOUND')
  assert.equal((await page.$$('#segments-table tbody tr')).length, 1)
  assertNoErrors(page)
  await context.close()
})

test('a list that fails to load says so in Chinese and 重试 loads it', { skip }, async () => {
  const { context, page } = await signedIn('ops', mileage.staffPassword)
  await page.waitForSelector('#grants-table')
  await page.route('**/api/console/segment-grants?*', (route) => route.abort())
  await page.click('#grants-refresh')
  await page.waitForSelector('#grants-error:has-text("网络连接失败")')
  await page.unroute('**/api/console/segment-grants?*')
  await page.click('#grants-error button:has-text("重试")')
  await page.waitForSelector('#grants-table tbody .grant-state:has-text("已完成")')
  assertNoErrors(page)
  await context.close()
})

test('a store clerk has no 会员分群 in the navigation and the API refuses', { skip }, async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console/counter`)
  await loginThroughForm(page, 'clerk-seg', CLERK_PASSWORD)
  await page.waitForURL(/\/console\/counter$/)
  assert.equal(await page.$('nav a[href$="/segments"]'), null)
  const login = await call(mileage.base, 'POST', '/api/console/login', { username: 'clerk-seg', password: CLERK_PASSWORD })
  for (const urlPath of ['/api/console/segments', '/api/console/rfm-thresholds', '/api/console/segment-grants']) {
    const res = await api('GET', urlPath, undefined, login.body.token)
    assert.deepEqual([res.status, res.body.code], [403, 'PERMISSION_DENIED'], urlPath)
  }
  await page.goto(`${mileage.base}/console/segments`)
  await page.waitForSelector('#segments-denied')
  assertNoErrors(page)
  await context.close()
})

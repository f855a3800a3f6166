// 推送 (webhook endpoints) in a real browser against a real `mileage serve` whose relay delivers
// to a receiver this test runs. The tests run in order and share the server: the brand admin
// adds an endpoint by keyboard and copies its secret (shown once), a member's enrolment arrives
// signed with that secret, the page shows the delivery and replays it (the receiver gets the
// event again), disables and deletes the endpoint; refusals appear in Chinese; a store clerk has
// no 推送 in the navigation and is refused when going to the page directly.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'
import { assertNoErrors, brandAdminToken, call, chromiumPath, dist, loginThroughForm, openPage, shot, startServingConsole } from './support/browser.js'

const require = createRequire(import.meta.url)
const { Mileage, binaryPath, APPID } = require('../../miniprogram/tests/support/mileage.js')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const missing = [binaryPath(), path.join(dist, 'index.html'), chromiumPath].filter((f) => !fs.existsSync(f))
const skip = missing.length && !required ? `missing ${missing.join(', ')}` : false

const CLERK_PASSWORD = 'clerk-hooks-password-1'
let mileage
let browser
let adminToken
let receiver
const received = [] // { path, headers, body } of every POST the receiver got, in arrival order
let failing = true // the receiver answers 500 on /failing/... while this holds

const api = (method, urlPath, body, bearer = adminToken) => call(mileage.base, method, urlPath, body, bearer)

async function startReceiver() {
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      received.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(failing && req.url.startsWith('/failing/') ? 500 : 200, { 'Content-Type': 'text/plain' })
      res.end('ok')
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return server
}

// Waits (up to `seconds`) until `check()` holds; the relay polls every 200 ms.
async function eventually(check, what, seconds = 20) {
  for (let i = 0; i < seconds * 5; i += 1) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 200))
  }
  assert.fail(`timed out waiting for ${what}`)
}

async function signedIn(urlPath, username, password) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: mileage.base })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console${urlPath}`)
  await loginThroughForm(page, username, password)
  await page.waitForURL(new RegExp(`/console${urlPath}$`))
  return { context, page }
}

const waitForFocus = (page, id) => page.waitForFunction((want) => document.activeElement?.id === want, id)
const confirmBox = (page, button) => page.click(`.el-message-box__btns button:has-text("${button}")`)

before(async () => {
  if (skip) return
  receiver = await startReceiver()
  mileage = await startServingConsole(new Mileage(), (m) => {
    const config = JSON.parse(fs.readFileSync(m.config, 'utf8'))
    // Failed deliveries retried within 2 s and dead-lettered after a minute (the least allowed).
    Object.assign(config, {
      webhook_allow_private_urls: true, relay_poll_ms: 200, relay_retry_base_s: 1, relay_retry_max_s: 2, relay_dead_after_s: 60,
    })
    fs.writeFileSync(m.config, JSON.stringify(config))
    const clerkFile = path.join(m.dir, 'clerk-password')
    fs.writeFileSync(clerkFile, `${CLERK_PASSWORD}\n`, { mode: 0o600 })
    m.admin('create-user', '--username', 'clerk-hooks', '--role', 'store_clerk',
      '--scope-type', 'store', '--scope-id', String(m.storeId), '--password-file', clerkFile)
  })
  adminToken = await brandAdminToken(mileage)
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true })
})

after(async () => {
  if (browser) await browser.close()
  if (mileage) await mileage.stop()
  if (receiver) receiver.close()
})

test('the brand admin adds an endpoint by keyboard, copies its secret once, sees and replays its deliveries', { skip }, async () => {
  const { context, page } = await signedIn('/webhooks', 'ops', mileage.staffPassword)
  await page.waitForSelector('#webhooks-empty')
  await page.waitForSelector('#dead-empty:has-text("没有投递失败的事件")')

  // Keyboard only: the form opens with the focus in 地址; Enter in 事件主题 submits.
  await page.focus('#new-webhook')
  await page.keyboard.press('Enter')
  await waitForFocus(page, 'webhook-url')
  const url = `http://127.0.0.1:${receiver.address().port}/mileage/events`
  await page.keyboard.type(url)
  await page.keyboard.press('Tab')
  await waitForFocus(page, 'webhook-topics')
  await page.keyboard.type('member.*')
  await page.keyboard.press('Enter')

  // The secret, once, with the copy button focused.
  await page.waitForSelector('#partner-secret-dialog:has-text("签名密钥只显示这一次")')
  await waitForFocus(page, 'copy-secret')
  const secret = (await page.textContent('#partner-secret')).trim()
  assert.match(secret, /^[0-9a-f]{64}$/)
  await page.keyboard.press('Enter')
  await page.waitForSelector('#copy-secret:has-text("已复制")')
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret)
  await page.keyboard.press('Escape')
  await page.waitForSelector('#partner-secret-dialog', { state: 'detached' })
  const listed = await api('GET', '/api/console/webhooks')
  assert.equal(listed.body.total, 1, JSON.stringify(listed.body))
  const hook = listed.body.items[0]
  assert.equal(hook.url, url)
  assert.deepEqual(hook.topics, ['member.*'])
  assert.equal(hook.enabled, true)
  assert.equal(JSON.stringify(listed.body).includes(secret), false, 'the list never carries the secret')
  assert.equal(await page.$(`text=${secret}`), null, 'the secret left the page with the dialog')

  // A member enrols: the event arrives signed with the secret the dialog showed.
  const login = await api('POST', '/api/mp/login', { appid: APPID, code: 'hooks-alice' }, null)
  assert.equal(login.status, 200, JSON.stringify(login.body))
  await eventually(() => received.length >= 1, 'the first delivery')
  const first = received[0]
  const envelope = JSON.parse(first.body)
  assert.equal(envelope.topic, 'member.enrolled')
  assert.equal(envelope.data.member_id, login.body.member.id)
  const expected = 'v1=' + crypto.createHmac('sha256', secret).update(`${first.headers['mileage-timestamp']}.${first.body}`).digest('hex')
  assert.equal(first.headers['mileage-signature'], expected)
  await eventually(async () => (await api('GET', `/api/console/webhooks/${hook.id}/deliveries?state=delivered`)).body.total === 1,
    'the delivery recorded as delivered')

  await page.click('#webhooks-refresh')
  await page.waitForSelector(`.last-delivery:has-text("已送达 · 事件 #${envelope.id}")`)
  await page.click('#webhooks-table .el-table__body .deliveries-btn')
  await page.waitForSelector('#deliveries-table .delivery-state:has-text("已送达")')
  assert.match(await page.textContent('#deliveries-table'), new RegExp(`#${envelope.id} member.enrolled.*已送达.*HTTP 200`, 's'))
  await shot(page, 'webhooks')
  // Filtered to 投递失败: none.
  await page.click('.el-select__wrapper:has(#delivery-state)')
  await page.click('.el-select-dropdown__item:has-text("投递失败")')
  await page.waitForSelector('#deliveries-empty:has-text("暂无投递记录")')
  await page.click('.el-select__wrapper:has(#delivery-state)')
  await page.click('.el-select-dropdown__item:has-text("全部状态")')
  await page.waitForSelector('#deliveries-table')

  // Replay the one event: the receiver gets it again, with the same event id.
  await page.click('#deliveries-table .replay-btn')
  await page.waitForSelector('#webhook-outcome:has-text("已安排重放 1 个事件")')
  const copies = () => received.filter((r) => r.headers['mileage-event-id'] === String(envelope.id)).length
  await eventually(() => copies() === 2, 'the replayed delivery')

  // A range by keyboard: too wide is refused on the page, before any request.
  await page.fill('#replay-from', String(envelope.id))
  await page.fill('#replay-to', String(envelope.id + 1000))
  await page.press('#replay-to', 'Enter')
  await page.waitForSelector('#webhook-action-error:has-text("一次最多 1000 个")')
  await page.fill('#replay-to', String(envelope.id + 5))
  await page.press('#replay-to', 'Enter')
  await page.waitForSelector('#webhook-outcome:has-text("已安排重放 1 个事件")')
  await eventually(() => copies() === 3, 'the range replay')

  // Rotate: the new secret is shown once with the end of the overlap; the next delivery is
  // signed under the new secret first and the old one second, so the receiver can switch.
  await page.click('#webhooks-table .el-table__body .rotate-btn')
  await confirmBox(page, '轮换')
  await page.waitForSelector('#partner-secret-dialog .overlap-note:has-text("前仍同时签名")')
  const rotated = (await page.textContent('#partner-secret')).trim()
  assert.match(rotated, /^[0-9a-f]{64}$/)
  assert.notEqual(rotated, secret)
  await page.keyboard.press('Escape')
  await page.waitForSelector('#partner-secret-dialog', { state: 'detached' })
  await page.fill('#replay-from', String(envelope.id))
  await page.fill('#replay-to', String(envelope.id))
  await page.press('#replay-to', 'Enter')
  await eventually(() => copies() === 4, 'the replay after the rotation')
  const afterRotation = received.filter((r) => r.headers['mileage-event-id'] === String(envelope.id))[3]
  const sign = (key) => 'v1=' + crypto.createHmac('sha256', key).update(`${afterRotation.headers['mileage-timestamp']}.${afterRotation.body}`).digest('hex')
  assert.equal(afterRotation.headers['mileage-signature'], `${sign(rotated)},${sign(secret)}`)

  // Disable, then delete: the endpoint and its deliveries are gone.
  await page.click('#webhooks-table .el-table__body .disable-btn')
  await confirmBox(page, '停用')
  await page.waitForSelector('.webhook-state:has-text("已停用")')
  assert.equal((await api('GET', `/api/console/webhooks/${hook.id}`)).body.enabled, false)
  await page.click('#webhooks-table .el-table__body .enable-btn')
  await page.waitForSelector('.webhook-state:has-text("启用")')
  assert.equal((await api('GET', `/api/console/webhooks/${hook.id}`)).body.enabled, true)
  await page.click('#webhooks-table .el-table__body .delete-btn')
  await confirmBox(page, '删除')
  await page.waitForSelector('#webhooks-empty')
  assert.equal(await page.$('#deliveries-panel'), null)
  assert.equal((await api('GET', `/api/console/webhooks/${hook.id}`)).status, 404)
  assertNoErrors(page)
  await context.close()
})

test('a delivery that keeps failing is dead-lettered, listed with the receiver\'s error and replayed', { skip }, async () => {
  const made = await api('POST', '/api/console/webhooks', { url: `http://127.0.0.1:${receiver.address().port}/failing/hook`, topics: ['member.enrolled'] })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  const hook = made.body.webhook
  const login = await api('POST', '/api/mp/login', { appid: APPID, code: 'hooks-bob' }, null)
  assert.equal(login.status, 200, JSON.stringify(login.body))
  await eventually(async () => (await api('GET', '/api/console/webhook-dead-letters')).body.total === 1, 'the dead letter', 120)
  const dead = (await api('GET', '/api/console/webhook-dead-letters')).body.items[0]
  assert.equal(dead.webhook_id, hook.id)
  assert.equal(dead.last_status, 500)

  const { context, page } = await signedIn('/webhooks', 'ops', mileage.staffPassword)
  await page.waitForSelector('#dead-table')
  assert.match(await page.textContent('#dead-table'), new RegExp(`#${hook.id}.*#${dead.event_id} member.enrolled.*投递失败.*HTTP 500`, 's'))
  await page.waitForSelector('#webhooks-table .last-delivery:has-text("投递失败")')
  await shot(page, 'webhooks-dead')

  // The receiver works again: 重放 delivers the event and the dead letter leaves the list.
  failing = false
  const seen = received.length
  await page.click('#dead-table .replay-btn')
  await page.waitForSelector('#webhook-outcome:has-text("已安排重放 1 个事件")')
  await eventually(() => received.slice(seen).some((r) => r.headers['mileage-event-id'] === String(dead.event_id)), 'the replayed dead letter')
  await eventually(async () => (await api('GET', `/api/console/webhooks/${hook.id}/deliveries?state=delivered`)).body.total === 1,
    'the dead letter delivered')
  await page.click('#webhooks-refresh')
  await page.waitForSelector('#dead-empty')
  assert.equal((await api('DELETE', `/api/console/webhooks/${hook.id}`)).status, 204)
  assertNoErrors(page)
  await context.close()
})

test('refused endpoints show the reason in Chinese and nothing is added', { skip }, async () => {
  const { context, page } = await signedIn('/webhooks', 'ops', mileage.staffPassword)
  await page.waitForSelector('#webhooks-empty')
  await page.click('#new-webhook')
  await waitForFocus(page, 'webhook-url')
  // Checked on the page: not http(s).
  await page.keyboard.type('ftp://example.com/x')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#webhook-form-error:has-text("请填写以 http:// 或 https:// 开头的地址")')
  // Refused by the server: a user name and password in the URL, and a bad topic.
  await page.fill('#webhook-url', 'https://user:pw@example.com/hook')
  await page.press('#webhook-url', 'Enter')
  await page.waitForSelector('#webhook-form-error:has-text("推送地址无效")')
  await page.fill('#webhook-url', 'https://example.com/hook')
  await page.fill('#webhook-topics', 'Payment!')
  await page.press('#webhook-topics', 'Enter')
  await page.waitForSelector('#webhook-form-error:has-text("事件主题无效")')
  assert.equal((await api('GET', '/api/console/webhooks')).body.total, 0)
  await shot(page, 'webhooks-refused')
  assertNoErrors(page)
  await context.close()
})

test('a store clerk has no 推送 in the navigation and is refused on the page', { skip }, async () => {
  const { context, page } = await signedIn('/webhooks', 'clerk-hooks', CLERK_PASSWORD)
  await page.waitForSelector('#webhooks-error:has-text("您的角色无权执行此操作")')
  assert.equal(await page.$('nav a[href$="/webhooks"]'), null)
  assert.ok(await page.$('nav a[href$="/appointments"]'))
  assert.equal(await page.$('#new-webhook'), null)
  assertNoErrors(page)
  await context.close()
})

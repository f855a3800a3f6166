// A partner's page in the console (合作伙伴 → a partner): rotating its signing secret with an
// overlap and retiring the old one, in a real browser against a real `mileage serve`, as
// admin.test.js starts them. What the page shows is checked against the console API, and the
// secrets themselves against the signed partner API (docs/API.md "Partner API"), signed here
// from the document. The tests run in order and share the server.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'
import { assertNoErrors, call, chromiumPath, dist, loginThroughForm, openPage, shot, startServingConsole } from './support/browser.js'

const require = createRequire(import.meta.url)
const { Mileage, binaryPath } = require('../../miniprogram/tests/support/mileage.js')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const missing = [binaryPath(), path.join(dist, 'index.html'), chromiumPath].filter((f) => !fs.existsSync(f))
const skip = missing.length && !required ? `missing ${missing.join(', ')}` : false

const PASSWORD = 'partner-secrets-pw-1'
const HEX64 = /^[0-9a-f]{64}$/
let mileage
let browser
let adminToken
let brandId
// The partner registered in before(): its PARTNER and its first secret.
let partner
let firstSecret
let firstSecretId

const api = (method, urlPath, body, bearer = adminToken) => call(mileage.base, method, urlPath, body, bearer)

async function detail() {
  const res = await api('GET', `/api/console/partners/${partner.id}`)
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body
}

// GET /api/partner/v1/me signed with `secret` as docs/API.md "Signing a request" says.
async function partnerMe(secret) {
  const urlPath = '/api/partner/v1/me'
  const timestamp = String(Math.floor(Date.now() / 1000))
  const nonce = crypto.randomBytes(16).toString('hex')
  const signature = crypto.createHmac('sha256', secret).update(`GET\n${urlPath}\n${timestamp}\n${nonce}\n`).digest('hex')
  const res = await fetch(mileage.base + urlPath, {
    headers: {
      'Mileage-Partner-Key': partner.api_key_id, 'Mileage-Timestamp': timestamp,
      'Mileage-Nonce': nonce, 'Mileage-Signature': signature,
    },
  })
  return { status: res.status, body: await res.json() }
}

async function signedPage(username, password) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: mileage.base })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console/partners/${partner.id}`)
  await loginThroughForm(page, username, password)
  await page.waitForURL(new RegExp(`/console/partners/${partner.id}$`))
  return { context, page }
}

async function confirmBox(page, button) {
  await page.click(`.el-message-box__btns button:has-text("${button}")`)
}

async function waitForFocus(page, id) {
  await page.waitForFunction((want) => document.activeElement?.id === want, id)
}

// The state column of the secrets table, row by row (id order, as the API lists them).
async function shownStates(page) {
  return page.$$eval('#partner-secrets tbody tr', (rows) => rows.map((r) => {
    const cells = r.querySelectorAll('td')
    return [cells[0].textContent.trim(), cells[2].textContent.trim()]
  }))
}

async function createStaff(username, role, scope) {
  const res = await api('POST', '/api/console/staff', { username, password: PASSWORD, role, scope })
  assert.equal(res.status, 201, JSON.stringify(res.body))
  const login = await call(mileage.base, 'POST', '/api/console/login', { username, password: PASSWORD })
  assert.equal(login.status, 200, JSON.stringify(login.body))
  return login.body.token
}

before(async () => {
  if (skip) return
  mileage = await startServingConsole(new Mileage())
  const login = await call(mileage.base, 'POST', '/api/console/login', { username: 'ops', password: mileage.staffPassword })
  assert.equal(login.status, 200, JSON.stringify(login.body))
  adminToken = login.body.token
  brandId = login.body.staff.brand_id
  const made = await api('POST', '/api/console/partners', { name: '城西加油站', category: 'fuel' })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  partner = made.body.partner
  firstSecret = made.body.secret
  firstSecretId = made.body.secret_id
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true })
})

after(async () => {
  if (browser) await browser.close()
  if (mileage) await mileage.stop()
})

test('the brand admin rotates a partner secret: the new one is shown once, both work, a third is refused', { skip }, async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: mileage.base })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console/partners`)
  await loginThroughForm(page, 'ops', mileage.staffPassword)
  await page.click(`#partners-table .partner-link:has-text("城西加油站")`)
  await page.waitForURL(new RegExp(`/console/partners/${partner.id}$`))
  await page.waitForSelector('#partner-secrets')
  assert.equal((await page.textContent('nav .nav-link.active')).trim(), '合作伙伴')
  assert.equal((await page.textContent('#partner-api-key')).trim(), partner.api_key_id)
  assert.match(await page.textContent('#partner-detail'), /加油/)
  assert.match(await page.textContent('#partner-state'), /启用/)
  assert.deepEqual(await shownStates(page), [[`#${firstSecretId}`, '使用中']])
  // No earning rule yet: the page says what that means (settlement.test.js sets one).
  await page.waitForSelector('#partner-rule-empty')
  assert.match(await page.textContent('#partner-rule-empty'), /尚未设置积分规则，合作伙伴的积分请求将被拒绝/)
  assert.ok(!(await page.content()).includes(firstSecret), 'a stored secret is never in the page')
  await shot(page, 'partner-detail')

  await page.click('#rotate-secret')
  assert.match(await page.textContent('.el-message-box'), /旧密钥在您停用前仍然有效/)
  await confirmBox(page, '生成新密钥')
  await page.waitForSelector('#partner-secret')
  await waitForFocus(page, 'copy-secret')
  const secret = (await page.textContent('#partner-secret')).trim()
  assert.match(secret, HEX64)
  assert.notEqual(secret, firstSecret)
  assert.match(await page.textContent('#partner-secret-dialog'), /只显示这一次/)
  assert.match(await page.textContent('#rotation-overlap'), /新旧密钥现在同时有效.*改用新密钥.*停用旧密钥/)
  assert.equal((await page.textContent('#partner-key-id')).trim(), partner.api_key_id)
  const shownId = (await page.textContent('#partner-secret-id')).trim()
  let now = await detail()
  assert.equal(now.secrets.length, 2)
  const secondId = now.secrets[1].id
  assert.equal(shownId, `#${secondId}`)
  assert.deepEqual(now.secrets.map((s) => s.retired_at), [null, null])
  await page.click('#copy-secret')
  await page.waitForSelector('#copy-secret:has-text("已复制")')
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret)
  await shot(page, 'partner-secret-rotated-once')

  // Esc closes the dialog, and the secret leaves the page and is kept nowhere in the browser.
  await page.keyboard.press('Escape')
  await page.waitForSelector('#partner-secret-dialog', { state: 'detached' })
  assert.ok(!(await page.content()).includes(secret), 'the secret is nowhere in the page once closed')
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }))
  assert.ok(!stored.includes(secret), 'the secret is not kept in the browser')
  assert.deepEqual(await shownStates(page), [[`#${firstSecretId}`, '使用中'], [`#${secondId}`, '使用中']])
  // The overlap: the partner API accepts both secrets.
  assert.equal((await partnerMe(firstSecret)).status, 200)
  assert.equal((await partnerMe(secret)).status, 200)
  await shot(page, 'partner-two-active-secrets')

  // A third secret while two are active: refused in Chinese, nothing added.
  await page.click('#rotate-secret')
  assert.match(await page.textContent('.el-message-box'), /已有两个有效密钥/)
  await confirmBox(page, '生成新密钥')
  await page.waitForSelector('#partner-secrets-error')
  assert.match(await page.textContent('#partner-secrets-error'), /已有两个有效密钥，不能再轮换.*停用旧密钥后再轮换/)
  assert.equal(await page.$('#partner-secret-dialog'), null)
  now = await detail()
  assert.deepEqual(now.secrets.map((s) => [s.id, s.retired_at]), [[firstSecretId, null], [secondId, null]])
  await shot(page, 'partner-third-secret-refused')

  // Retire the old one: it shows 已停用 with its time, the API agrees, and it signs nothing more.
  await page.click('#partner-secrets tbody tr:nth-child(1) .retire-btn')
  assert.match(await page.textContent('.el-message-box'), /确定停用密钥 #\d+ 吗？停用后/)
  // From the keyboard: the confirmation opens with its confirm button focused; Enter confirms.
  await page.waitForFunction(() => document.activeElement?.closest('.el-message-box__btns') && document.activeElement.textContent.trim() === '停用')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#partner-secrets tbody tr:nth-child(1) .secret-state:has-text("已停用")')
  await page.waitForSelector('#partner-secrets-error', { state: 'detached' })
  now = await detail()
  assert.ok(now.secrets[0].retired_at, JSON.stringify(now.secrets))
  assert.equal(now.secrets[1].retired_at, null)
  const retiredRow = await page.textContent('#partner-secrets tbody tr:nth-child(1)')
  assert.match(retiredRow, /已停用\s*\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})? 停用/)
  assert.deepEqual((await shownStates(page))[1], [`#${secondId}`, '使用中'])
  assert.equal(await page.$('#partner-secrets tbody tr:nth-child(1) .retire-btn'), null)
  assert.deepEqual([(await partnerMe(firstSecret)).body.code, (await partnerMe(secret)).status], ['SIGNATURE_INVALID', 200])

  // The last active secret: the confirmation warns, the server refuses, the page explains.
  await page.click('#partner-secrets tbody tr:nth-child(2) .retire-btn')
  assert.match(await page.textContent('.el-message-box'), /唯一有效的密钥/)
  await confirmBox(page, '停用')
  await page.waitForSelector('#partner-secrets-error')
  assert.match(await page.textContent('#partner-secrets-error'), /不能停用合作伙伴唯一有效的密钥.*请先轮换出新密钥/)
  now = await detail()
  assert.equal(now.secrets[1].retired_at, null)
  assert.deepEqual((await shownStates(page))[1], [`#${secondId}`, '使用中'])
  assert.equal((await partnerMe(secret)).status, 200)
  await shot(page, 'partner-last-secret-refused')
  assertNoErrors(page)

  // The audit log names both actions in Chinese.
  const audit = await api('GET', '/api/console/audit?action=partner.')
  assert.equal(audit.status, 200, JSON.stringify(audit.body))
  const done = audit.body.items.filter((e) => e.outcome === 'ok' && e.action.startsWith('partner.secret'))
    .map((e) => [e.action, e.object_id])
  assert.deepEqual(done.sort(), [['partner.secret_retire', partner.id], ['partner.secret_rotate', partner.id]])
  await page.goto(`${mileage.base}/console/audit?action=partner.`)
  await page.waitForSelector('text=合作伙伴·轮换密钥（partner.secret_rotate）')
  await page.waitForSelector('text=合作伙伴·停用密钥（partner.secret_retire）')
  assertNoErrors(page)
  await context.close()
})

test('an analyst reads the partner page without buttons; a dealer manager cannot open it; the API refuses both writes', { skip }, async () => {
  const analyst = await createStaff('analyst-ps', 'analyst', { type: 'brand', id: brandId })
  let { context, page } = await signedPage('analyst-ps', PASSWORD)
  await page.waitForSelector('#partner-secrets tbody tr')
  assert.equal((await shownStates(page)).length, 2)
  assert.equal(await page.$('#rotate-secret'), null)
  assert.equal(await page.$('#partner-secrets .retire-btn'), null)
  await shot(page, 'partner-analyst-read-only')
  assertNoErrors(page)
  await context.close()

  const store = await api('GET', `/api/console/stores/${mileage.storeId}`)
  const manager = await createStaff('dm-ps', 'dealer_manager', { type: 'dealer', id: store.body.dealer_id });
  ({ context, page } = await signedPage('dm-ps', PASSWORD))
  await page.waitForSelector('#partner-error')
  assert.match(await page.textContent('#partner-error'), /您的角色无权执行此操作/)
  assert.equal(await page.$('#rotate-secret'), null)
  assert.equal(await page.$('.retire-btn'), null)
  assert.equal(await page.$('nav .nav-link:has-text("合作伙伴")'), null)
  await shot(page, 'partner-dealer-manager-refused')
  assertNoErrors(page)
  await context.close()

  const before = await detail()
  const active = before.secrets.find((s) => !s.retired_at)
  // Neither role may write partners (docs/API.md: partner.write is the brand admin's alone).
  for (const [bearer, want] of [[analyst, [403, 'PERMISSION_DENIED']], [manager, [403, 'PERMISSION_DENIED']]]) {
    const rotate = await api('POST', `/api/console/partners/${partner.id}/secrets`, {}, bearer)
    assert.deepEqual([rotate.status, rotate.body.code], want)
    assert.ok(!('secret' in rotate.body))
    const retire = await api('POST', `/api/console/partners/${partner.id}/secrets/${active.id}/retire`, {}, bearer)
    assert.deepEqual([retire.status, retire.body.code], want)
  }
  assert.deepEqual(await detail(), before)
})

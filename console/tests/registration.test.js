// Registering partners and WeChat Pay merchants from the console (合作伙伴, 商户) in a real
// browser against a real `mileage serve` with the sandbox, as admin.test.js starts them. The
// tests run in order and share the server. Platform keys are made here: an RSA public key
// (what WeChat Pay calls a 微信支付公钥, with a PUB_KEY_ID_ id) with node's crypto, and a
// self-signed certificate of a chosen serial with the openssl command.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
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

const MCHID = '1900000777'
const APIV3_KEY = 'Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z'
const PUB_KEY_ID = 'PUB_KEY_ID_0119000007772026010100001'
const CERT_SERIAL = '5A1C0FFEE0DDBA11'
const PASSWORD = 'dealer-manager-pw-1'
let mileage
let browser
let adminToken
const keys = {}

const api = (method, urlPath, body, bearer = adminToken) => call(mileage.base, method, urlPath, body, bearer)

function publicKeyPem(bits) {
  const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: bits })
  return publicKey.export({ type: 'spki', format: 'pem' })
}

// A self-signed RSA-2048 certificate with serial CERT_SERIAL, valid for 30 days.
function certificatePem() {
  const dir = fs.mkdtempSync(path.join(mileage.dir, 'cert-'))
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'),
    '-out', path.join(dir, 'cert.pem'), '-days', '30', '-subj', '/CN=Wechatpay platform test',
    '-set_serial', `0x${CERT_SERIAL}`], { stdio: 'ignore' })
  return fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8')
}

async function adminPage(urlPath) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } })
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: mileage.base })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console${urlPath}`)
  await loginThroughForm(page, 'ops', mileage.staffPassword)
  await page.waitForURL(new RegExp(`/console${urlPath}$`))
  return { context, page }
}

async function confirmBox(page, button) {
  await page.click(`.el-message-box__btns button:has-text("${button}")`)
}

async function waitForFocus(page, id) {
  await page.waitForFunction((want) => document.activeElement?.id === want, id)
}

async function merchants() {
  const res = await api('GET', '/api/console/merchants?page_size=200')
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body.items
}

before(async () => {
  if (skip) return
  mileage = await startServingConsole(new Mileage())
  adminToken = await brandAdminToken(mileage)
  keys.publicKey = publicKeyPem(2048)
  keys.shortKey = publicKeyPem(1024)
  keys.certificate = certificatePem()
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true })
})

after(async () => {
  if (browser) await browser.close()
  if (mileage) await mileage.stop()
})

test('the brand admin registers a partner and sees its secret once; closing the dialog forgets it', { skip }, async () => {
  const { context, page } = await adminPage('/partners')
  await page.waitForSelector('#partners-empty')
  await page.click('#new-partner')
  await waitForFocus(page, 'partner-name')
  // Enter with no name: the form says so and nothing is registered.
  await page.press('#partner-name', 'Enter')
  await page.waitForSelector('#partner-form :text("请填写名称")')
  assert.equal((await api('GET', '/api/console/partners')).body.total, 0)

  await page.fill('#partner-name', '城东停车场')
  await page.click('#partner-category label:has-text("停车")')
  await page.press('#partner-name', 'Enter')
  await page.waitForSelector('#partner-secret')
  const secret = (await page.textContent('#partner-secret')).trim()
  assert.match(secret, /^[0-9a-f]{64}$/)
  assert.match(await page.textContent('#partner-secret-dialog'), /只显示这一次/)
  const listed = (await api('GET', '/api/console/partners')).body
  assert.equal(listed.total, 1)
  const partner = listed.items[0]
  assert.deepEqual([partner.name, partner.category, partner.active], ['城东停车场', 'parking', true])
  assert.equal((await page.textContent('#partner-key-id')).trim(), partner.api_key_id)
  await page.click('#copy-secret')
  await page.waitForSelector('#copy-secret:has-text("已复制")')
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret)
  await shot(page, 'partner-secret-once')

  await page.click('#close-secret')
  await page.waitForSelector('#partner-secret-dialog', { state: 'detached' })
  await page.waitForSelector(`#partners-table tr:has-text("${partner.api_key_id}"):has-text("停车")`)
  assert.ok(!(await page.content()).includes(secret), 'the secret is nowhere in the page once closed')
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }))
  assert.ok(!stored.includes(secret), 'the secret is not kept in the browser')

  // Deactivate and reactivate, each after a confirmation.
  await page.click('#partners-table .deactivate-btn')
  await confirmBox(page, '停用')
  await page.waitForSelector('#partners-table .reactivate-btn')
  assert.equal((await api('GET', `/api/console/partners/${partner.id}`)).body.active, false)
  await page.click('#partners-table .reactivate-btn')
  await confirmBox(page, '启用')
  await page.waitForSelector('#partners-table .deactivate-btn')
  assert.equal((await api('GET', `/api/console/partners/${partner.id}`)).body.active, true)
  await shot(page, 'partners-registered')
  assertNoErrors(page)
  await context.close()
})

test('the brand admin registers a merchant with a WeChat Pay public key; a short key and a taken mchid are refused in Chinese', { skip }, async () => {
  const before = await merchants()
  assert.equal(before.length, 1, 'the sandbox merchant only')
  const { context, page } = await adminPage('/merchants')
  await page.waitForSelector('#merchants-table')
  await page.click('#new-merchant')
  await waitForFocus(page, 'merchant-form-store')

  // What the API would refuse is said next to the field, before anything is sent.
  await page.fill('#merchant-mchid', '19000-777')
  await page.fill('#merchant-apiv3-key', APIV3_KEY.slice(1))
  await page.press('#merchant-apiv3-key', 'Enter')
  await page.waitForSelector('#merchant-form :text("请选择门店")')
  await page.waitForSelector('#merchant-form :text("商户号为 1 到 32 位数字")')
  await page.waitForSelector('#merchant-form :text("APIv3 密钥为 32 位")')
  await page.waitForSelector('#merchant-form :text("请填写证书序列号或公钥 ID")')
  await page.fill('#merchant-key-0-serial', PUB_KEY_ID)
  await page.fill('#merchant-key-0-pem', keys.certificate)
  await page.press('#merchant-apiv3-key', 'Enter')
  await page.waitForSelector('#merchant-form :text("需配微信支付公钥")')

  await page.click('.el-select__wrapper:has(#merchant-form-store)')
  await page.click('.el-select-dropdown__item:has-text("Dealer 1 / Store 1")')
  assert.match(await page.textContent('.el-select__wrapper:has(#merchant-appid)'), /wx8888888888888888/)
  await page.fill('#merchant-mchid', MCHID)
  await page.fill('#merchant-apiv3-key', APIV3_KEY)
  // A 1024-bit key passes the form's checks; the server refuses it and registers nothing.
  await page.fill('#merchant-key-0-pem', keys.shortKey)
  await page.click('#merchant-save')
  await page.waitForSelector('#merchant-form-error')
  const refusal = await page.textContent('#merchant-form-error')
  assert.match(refusal, /平台证书或公钥无效/)
  assert.ok(refusal.includes(PUB_KEY_ID), 'the refusal names the key')
  assert.equal((await merchants()).length, 1)
  // The fields' own messages are gone: they were put right.
  await page.waitForSelector('#merchant-form .el-form-item__error', { state: 'detached' })
  await shot(page, 'merchant-invalid-key')

  await page.fill('#merchant-key-0-pem', keys.publicKey)
  await page.press('#merchant-mchid', 'Enter')
  await page.waitForSelector('#merchant-form', { state: 'detached' })
  await page.waitForSelector(`#merchants-table tr:has-text("${MCHID}"):has-text("${PUB_KEY_ID}")`)
  const made = (await merchants()).find((m) => m.mchid === MCHID)
  assert.ok(made, 'the merchant is registered')
  assert.deepEqual([made.appid, made.store_id, made.active], ['wx8888888888888888', mileage.storeId, true])
  assert.deepEqual(made.platform_keys.map((k) => [k.serial, k.retired_at, k.expires_at]), [[PUB_KEY_ID, null, null]])
  assert.ok(!(await page.content()).includes(APIV3_KEY), 'the APIv3 key is not in the page')
  await shot(page, 'merchant-registered')

  // The same mchid again: MERCHANT_EXISTS in Chinese, and the form is opened afresh (no key kept).
  await page.click('#new-merchant')
  await waitForFocus(page, 'merchant-form-store')
  assert.equal(await page.inputValue('#merchant-apiv3-key'), '')
  await page.click('.el-select__wrapper:has(#merchant-form-store)')
  await page.click('.el-select-dropdown__item:has-text("Dealer 1 / Store 1")')
  await page.fill('#merchant-mchid', MCHID)
  await page.fill('#merchant-apiv3-key', APIV3_KEY)
  await page.fill('#merchant-key-0-serial', PUB_KEY_ID)
  await page.fill('#merchant-key-0-pem', keys.publicKey)
  await page.click('#merchant-save')
  await page.waitForSelector('#merchant-form-error')
  assert.match(await page.textContent('#merchant-form-error'), /该商户号已注册/)
  await page.keyboard.press('Escape')
  await page.waitForSelector('#merchant-form', { state: 'detached' })
  assert.equal((await merchants()).length, 2)
  assertNoErrors(page)
  await context.close()
})

test('the last usable platform key cannot be retired; a certificate read from a .pem file is added, then the old key retired', { skip }, async () => {
  const { context, page } = await adminPage('/merchants')
  await page.click(`#merchants-table tr:has-text("${MCHID}") .detail-btn`)
  await page.waitForSelector('#platform-keys')
  await page.click(`#platform-keys tr:has-text("${PUB_KEY_ID}") .retire-btn`)
  assert.match(await page.textContent('.el-message-box'), /最后一个可用的平台证书/)
  await confirmBox(page, '停用')
  await page.waitForSelector('#merchant-detail-error')
  assert.match(await page.textContent('#merchant-detail-error'), /不能停用最后一个可用的平台证书.*请先添加新证书/)
  const still = (await merchants()).find((m) => m.mchid === MCHID)
  assert.equal(still.platform_keys[0].retired_at, null)
  await shot(page, 'merchant-last-key-refused')

  // The certificate from a file: its own serial fills the serial field.
  await page.click('#add-platform-key')
  await waitForFocus(page, 'add-key-serial')
  await page.setInputFiles('#add-key-file', { name: 'wechatpay_platform.pem', mimeType: 'application/x-pem-file',
    buffer: Buffer.from(keys.certificate) })
  await page.waitForFunction((want) => document.getElementById('add-key-serial')?.value === want, CERT_SERIAL)
  assert.equal(await page.inputValue('#add-key-pem'), keys.certificate)
  await page.press('#add-key-serial', 'Enter')
  await page.waitForSelector('#add-key-form', { state: 'detached' })
  await page.waitForSelector(`#platform-keys tr:has-text("${CERT_SERIAL}"):has-text("使用中")`)
  let merchant = (await merchants()).find((m) => m.mchid === MCHID)
  const cert = merchant.platform_keys.find((k) => k.serial === CERT_SERIAL)
  assert.ok(cert && cert.expires_at && !cert.retired_at, JSON.stringify(merchant.platform_keys))

  await page.click(`#platform-keys tr:has-text("${PUB_KEY_ID}") .retire-btn`)
  await confirmBox(page, '停用')
  await page.waitForSelector(`#platform-keys tr:has-text("${PUB_KEY_ID}"):has-text("已停用")`)
  merchant = (await merchants()).find((m) => m.mchid === MCHID)
  assert.ok(merchant.platform_keys.find((k) => k.serial === PUB_KEY_ID).retired_at)
  await shot(page, 'merchant-key-rotated')
  await page.keyboard.press('Escape')
  await page.waitForSelector(`#merchants-table tr:has-text("${MCHID}"):has-text("${CERT_SERIAL}")`)
  assert.doesNotMatch(await page.textContent(`#merchants-table tr:has-text("${MCHID}")`), new RegExp(PUB_KEY_ID))

  // Deactivate and reactivate, each after a confirmation.
  await page.click(`#merchants-table tr:has-text("${MCHID}") .deactivate-btn`)
  await confirmBox(page, '停用')
  await page.waitForSelector(`#merchants-table tr:has-text("${MCHID}") .merchant-state:has-text("已停用")`)
  assert.equal((await merchants()).find((m) => m.mchid === MCHID).active, false)
  await page.click(`#merchants-table tr:has-text("${MCHID}") .reactivate-btn`)
  await confirmBox(page, '启用')
  await page.waitForSelector(`#merchants-table tr:has-text("${MCHID}") .merchant-state:has-text("启用")`)
  assert.equal((await merchants()).find((m) => m.mchid === MCHID).active, true)
  assertNoErrors(page)
  await context.close()
})

test('a dealer manager sees merchants without register or key buttons, and the API refuses the writes', { skip }, async () => {
  const store = await api('GET', `/api/console/stores/${mileage.storeId}`)
  const created = await api('POST', '/api/console/staff', { username: 'dm-reg', password: PASSWORD, role: 'dealer_manager',
    scope: { type: 'dealer', id: store.body.dealer_id } })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console/merchants`)
  await loginThroughForm(page, 'dm-reg', PASSWORD)
  await page.waitForSelector(`#merchants-table tr:has-text("${MCHID}")`)
  assert.equal(await page.$('#new-merchant'), null)
  assert.equal(await page.$('#merchants-table .deactivate-btn'), null)
  await page.click(`#merchants-table tr:has-text("${MCHID}") .detail-btn`)
  await page.waitForSelector(`#platform-keys tr:has-text("${CERT_SERIAL}")`)
  assert.equal(await page.$('#add-platform-key'), null)
  assert.equal(await page.$('#platform-keys .retire-btn'), null)
  await shot(page, 'merchants-dealer-manager-read-only')
  assertNoErrors(page)
  await context.close()

  const login = await call(mileage.base, 'POST', '/api/console/login', { username: 'dm-reg', password: PASSWORD })
  const dm = login.body.token
  const merchant = (await merchants()).find((m) => m.mchid === MCHID)
  const register = await api('POST', `/api/console/stores/${mileage.storeId}/merchants`, { mchid: '1900000778',
    appid: 'wx8888888888888888', apiv3_key: APIV3_KEY, platform_keys: [{ serial: PUB_KEY_ID, pem: keys.publicKey }] }, dm)
  assert.deepEqual([register.status, register.body.code], [403, 'PERMISSION_DENIED'])
  const retire = await api('POST', `/api/console/merchants/${merchant.id}/platform-keys/${CERT_SERIAL}/retire`, undefined, dm)
  assert.deepEqual([retire.status, retire.body.code], [403, 'PERMISSION_DENIED'])
  const partner = await api('POST', '/api/console/partners', { name: 'x', category: 'fuel' }, dm)
  assert.deepEqual([partner.status, partner.body.code], [403, 'PERMISSION_DENIED'])
  assert.equal((await merchants()).length, 2)
  assert.equal((await api('GET', '/api/console/partners')).body.total, 1)
})

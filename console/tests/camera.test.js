// The counter's camera in a real browser: Chromium's fake camera plays a Y4M video this test
// writes, showing the QR the mini-program shows for a real coupon (its `cq1.` token); 扫码 reads
// it and the counter redeems it. Without a camera, or with the permission denied, the counter
// says so in Chinese and the keyboard path still works.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'
import qrcode from 'qrcode-generator'
import { assertNoErrors, brandAdminToken, call, chromiumPath, dist, loginThroughForm, openPage, shot, startServingConsole } from './support/browser.js'

const require = createRequire(import.meta.url)
const { Mileage, binaryPath, APPID } = require('../../miniprogram/tests/support/mileage.js')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const missing = [binaryPath(), path.join(dist, 'index.html'), chromiumPath].filter((f) => !fs.existsSync(f))
const skip = missing.length && !required ? `missing ${missing.join(', ')}` : false

const PASSWORD = 'camera-clerk-password-1'
let mileage
let browser
let adminToken
let video
let stockId

const api = (method, urlPath, body, bearer = adminToken) => call(mileage.base, method, urlPath, body, bearer)

// A Y4M video (4:2:0, 10 fps, a few identical frames; Chromium loops it) of `text` as a QR code,
// black on white, centred: the Y plane is the picture, the chroma planes neutral grey.
function writeQrVideo(file, text, width = 640, height = 480, frames = 5) {
  const qr = qrcode(0, 'M')
  qr.addData(text)
  qr.make()
  const n = qr.getModuleCount()
  const scale = Math.floor(Math.min(width, height) * 0.9 / (n + 8))
  const left = Math.floor((width - n * scale) / 2)
  const top = Math.floor((height - n * scale) / 2)
  const y = Buffer.alloc(width * height, 255)
  for (let r = 0; r < n; r += 1) {
    for (let c = 0; c < n; c += 1) {
      if (!qr.isDark(r, c)) continue
      for (let dy = 0; dy < scale; dy += 1) {
        y.fill(0, (top + r * scale + dy) * width + left + c * scale, (top + r * scale + dy) * width + left + (c + 1) * scale)
      }
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma])
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)
  fs.writeFileSync(file, Buffer.concat([header, ...Array(frames).fill(frame)]))
}

// A member claims a coupon of the campaign and asks for its redemption QR.
async function claimWithQr(wxCode) {
  const login = await call(mileage.base, 'POST', '/api/mp/login', { appid: APPID, code: wxCode })
  assert.equal(login.status, 200, JSON.stringify(login.body))
  const claimed = await call(mileage.base, 'POST', `/api/mp/stocks/${stockId}/claim`, undefined, login.body.token)
  assert.equal(claimed.status, 201, JSON.stringify(claimed.body))
  const qr = await call(mileage.base, 'POST', `/api/mp/coupons/${claimed.body.id}/qr`, undefined, login.body.token)
  assert.equal(qr.status, 200, JSON.stringify(qr.body))
  return { token: login.body.token, coupon: claimed.body, qrToken: qr.body.qr_token }
}

async function clerkAtCounter(context) {
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console/counter`)
  await loginThroughForm(page, 'camera-clerk', PASSWORD)
  await page.waitForURL(/\/console\/counter$/)
  await page.waitForFunction(() => document.activeElement?.id === 'scan-input')
  return page
}

let scanned
before(async () => {
  if (skip) return
  mileage = await startServingConsole(new Mileage(), (m) => {
    const file = path.join(m.dir, 'clerk-password')
    fs.writeFileSync(file, `${PASSWORD}\n`, { mode: 0o600 })
    m.admin('create-user', '--username', 'camera-clerk', '--role', 'store_clerk',
      '--scope-type', 'store', '--scope-id', String(m.storeId), '--password-file', file)
  })
  adminToken = await brandAdminToken(mileage)
  const created = await api('POST', '/api/console/stocks', {
    node: { type: 'store', id: mileage.storeId }, name: '扫码满300减50', type: 'cash', value_fen: 5000,
    threshold_fen: 30000, valid_days: 30, total_quantity: 10, per_member_limit: 2, channels: ['claim'],
  })
  assert.equal(created.status, 201, JSON.stringify(created.body))
  stockId = created.body.id
  assert.equal((await api('PATCH', `/api/console/stocks/${stockId}`, { state: 'active' })).status, 200)
  scanned = await claimWithQr('camera-alice')
  video = path.join(mileage.dir, 'qr.y4m')
  writeQrVideo(video, scanned.qrToken)
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${video}`],
  })
})

after(async () => {
  if (browser) await browser.close()
  if (mileage) await mileage.stop()
})

test('扫码 reads a coupon\'s QR through the camera, closes it, and the counter redeems it', { skip }, async () => {
  const context = await browser.newContext({ locale: 'zh-CN' })
  await context.grantPermissions(['camera'], { origin: mileage.base })
  // Keeps each stream the page opens, to see its tracks stopped when the panel closes. With
  // window.blankCamera set the camera films a blank card instead of the QR, so that the panel
  // stays open until the keyboard or the button closes it (the QR would close it first).
  await context.addInitScript(() => {
    const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices)
    const blank = () => {
      const canvas = document.createElement('canvas')
      canvas.width = 320
      canvas.height = 240
      canvas.getContext('2d').fillRect(0, 0, 320, 240)
      return canvas.captureStream(5)
    }
    window.cameraStreams = []
    navigator.mediaDevices.getUserMedia = async (c) => {
      const s = window.blankCamera ? blank() : await open(c)
      window.cameraStreams.push(s)
      return s
    }
  })
  const page = await clerkAtCounter(context)
  const jsqr = []
  page.on('request', (req) => { if (/jsQR-.*\.js$/.test(req.url())) jsqr.push(req.url()) })
  await page.click('#camera-open')
  await page.waitForSelector('#camera-panel')
  // Linux Chromium has no BarcodeDetector: jsqr decodes, and loads only now.
  assert.equal(await page.evaluate(() => 'BarcodeDetector' in window), false)
  await page.waitForSelector('#coupon-panel', { timeout: 15000 })
  assert.equal(jsqr.length, 1, 'jsqr loads when the camera opens')
  assert.equal(await page.$('#camera-panel'), null, 'the panel closes on a decoded QR')
  const tracks = () => page.evaluate(() => window.cameraStreams.flatMap((s) => s.getTracks().map((t) => t.readyState)))
  assert.deepEqual(await tracks(), ['ended'])
  assert.match(await page.textContent('#coupon-panel'), /二维码券/)

  // The amount by keyboard, as for a typed token.
  await page.waitForFunction(() => document.activeElement?.id === 'amount-input')
  await page.keyboard.type('320')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#redeem-result')
  assert.match(await page.textContent('#redeem-result'), /核销成功，优惠 ¥50.00/)
  assert.match(await page.textContent('#redeem-result'), /订单金额 ¥320.00/)
  await shot(page, 'counter-camera-redeemed')
  const coupons = await call(mileage.base, 'GET', '/api/mp/coupons?state=redeemed', undefined, scanned.token)
  assert.deepEqual(coupons.body.items.map((c) => c.id), [scanned.coupon.id])

  // Scanning the same QR again: the counter refuses it in Chinese.
  await page.click('#camera-open')
  await page.waitForSelector('#coupon-panel', { timeout: 15000 })
  await page.keyboard.type('320')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#scan-error')
  assert.match(await page.textContent('#scan-error'), /已核销/)

  // Esc and the close button close the panel and give the input back.
  await page.evaluate(() => { window.blankCamera = true })
  await page.click('#camera-open')
  await page.waitForSelector('#camera-panel')
  await page.keyboard.press('Escape')
  await page.waitForSelector('#camera-panel', { state: 'detached' })
  await page.waitForFunction(() => document.activeElement?.id === 'scan-input')
  await page.click('#camera-open')
  await page.waitForSelector('#camera-panel')
  await page.click('#camera-close')
  await page.waitForSelector('#camera-panel', { state: 'detached' })
  await page.waitForFunction(() => document.activeElement?.id === 'scan-input')
  assert.deepEqual(await tracks(), ['ended', 'ended', 'ended', 'ended'])
  assertNoErrors(page)
  await context.close()
})

test('without a camera, or with the permission denied, the counter says so and the keyboard still works', { skip }, async () => {
  const cases = [
    [() => { Object.defineProperty(navigator, 'mediaDevices', { value: undefined }) }, /此浏览器无法使用摄像头/],
    [() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'))
    }, /未获得摄像头权限/],
  ]
  for (const [script, message] of cases) {
    const context = await browser.newContext({ locale: 'zh-CN' })
    await context.addInitScript(script)
    const page = await clerkAtCounter(context)
    await page.click('#camera-open')
    await page.waitForSelector('#camera-error')
    assert.match(await page.textContent('#camera-error'), message)
    await shot(page, message.source.includes('权限') ? 'counter-camera-denied' : 'counter-camera-missing')
    await page.click('#camera-close')
    await page.waitForFunction(() => document.activeElement?.id === 'scan-input')
    const { coupon } = await claimWithQr(`camera-${message.source.length}`)
    await page.keyboard.type(coupon.code)
    await page.keyboard.press('Enter')
    await page.waitForSelector('#coupon-panel')
    assert.match(await page.textContent('#coupon-worth'), /满¥300.00 减¥50.00/)
    assertNoErrors(page)
    await context.close()
  }
})

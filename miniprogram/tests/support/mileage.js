// A real Mileage for the end-to-end test: `mileage sandbox serve` (WeChat's stand-in, which
// takes any wx.login code as a user) and `mileage serve` on free loopback ports with SQLite in
// a temporary directory, and an organisation made with `mileage admin` as scripts/serve's
// demo_bootstrap makes it: brand, region, dealer, store, the sandbox's mini-program with its
// secret, the sandbox's WeChat Pay merchant on the store (from `mileage sandbox export`, so
// sandbox payments notify this service and make points), and a brand_admin. The binary is
// MILEAGE_BIN (default build/asan/server/mileage).
const {spawn, execFileSync} = require('child_process')
const fs = require('fs')
const http = require('http')
const net = require('net')
const os = require('os')
const path = require('path')

const repo = path.join(__dirname, '..', '..', '..')
const APPID = 'wx8888888888888888'
const APP_SECRET = 'sandbox-secret'
const MCHID = '1900000001'

function binaryPath() {
  return path.resolve(repo, process.env.MILEAGE_BIN || 'build/asan/server/mileage')
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const {port} = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

// One HTTP exchange with JSON in and out: resolves {status, body}.
function call(base, method, urlPath, body, token) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? '' : JSON.stringify(body)
    const headers = {'Content-Length': Buffer.byteLength(data)}
    if (token) headers.Authorization = `Bearer ${token}`
    const req = http.request(base + urlPath, {method, headers}, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', chunk => { text += chunk })
      res.on('end', () => {
        let parsed = text
        try { parsed = JSON.parse(text) } catch (e) { /* not JSON: keep the text */ }
        resolve({status: res.statusCode, body: parsed})
      })
    })
    req.on('error', reject)
    req.end(data)
  })
}

async function waitForHttp(url, child, logFile) {
  const end = Date.now() + 30000
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`${url}: the process exited (${child.exitCode}); log:\n${tail(logFile)}`)
    }
    try {
      const res = await call(url, 'GET', '')
      if (res.status === 200) return
    } catch (e) {
      // Not listening yet.
    }
    if (Date.now() > end) throw new Error(`${url} did not answer within 30 s; log:\n${tail(logFile)}`)
    await new Promise(r => setTimeout(r, 100))
  }
}

function tail(file) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-30).join('\n')
  } catch (e) {
    return '(no log)'
  }
}

class Mileage {
  // opts.beforeServe(this), if given, runs once the organisation and the merchant are made and
  // before `mileage serve` starts (which reads merchants and their keys then, and again only
  // every 60 s).
  async start(opts) {
    this.bin = binaryPath()
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mileage-mp-e2e-'))
    this.children = []
    const [servePort, sandboxPort] = [await freePort(), await freePort()]
    this.base = `http://127.0.0.1:${servePort}`
    this.sandboxBase = `http://127.0.0.1:${sandboxPort}`
    this.config = path.join(this.dir, 'serve.json')
    const sandboxConfig = path.join(this.dir, 'sandbox.json')
    fs.writeFileSync(sandboxConfig, JSON.stringify({
      listen: `127.0.0.1:${sandboxPort}`,
      state_dir: path.join(this.dir, 'sandbox'),
      merchants: [{mchid: MCHID, appid: APPID,
        notify_url: `${this.base}/wechatpay/v3/notify/${MCHID}`}],
      mini_programs: [{appid: APPID, secret: APP_SECRET}],
    }))
    fs.writeFileSync(this.config, JSON.stringify({
      listen: `127.0.0.1:${servePort}`,
      drain_s: 0,  // one node, no balancer: stop at once on SIGTERM
      database: `sqlite:${path.join(this.dir, 'mileage.db')}`,
      wechat_api_base_url: this.sandboxBase,
      wechat_pay_base_url: this.sandboxBase,
      jobs_interval_s: 0,
    }))
    this.bootstrap()
    await this.spawn('sandbox', ['sandbox', 'serve', '--config', sandboxConfig],
      `${this.sandboxBase}/sandbox/deliveries`)
    this.addMerchant()
    if (opts && opts.beforeServe) opts.beforeServe(this)
    await this.spawn('serve', ['serve', '--config', this.config], `${this.base}/healthz`)
    return this
  }

  // Registers the sandbox's merchant on the store with what `mileage sandbox export` wrote (its
  // last line is the add-merchant command, with STORE_ID to fill in).
  addMerchant() {
    const out = execFileSync(this.bin, ['sandbox', 'export', '--state-dir',
      path.join(this.dir, 'sandbox'), '--mchid', MCHID, '--out', path.join(this.dir, 'export')],
    {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim()
    const words = out.split('\n').pop().split(/\s+/)
    if (words.slice(0, 3).join(' ') !== 'mileage admin add-merchant' || words[4] !== 'STORE_ID') {
      throw new Error(`mileage sandbox export printed '${out}'`)
    }
    words[4] = String(this.storeId)
    this.merchantId = this.admin(...words.slice(2))
  }

  // The sandbox pays an order of `fen` for the WeChat user of wx.login code `code` and waits
  // until the service accepted the notification. Resolves the payment.
  async pay(fen, code) {
    const res = await call(this.sandboxBase, 'POST', '/sandbox/payments',
      {amount: fen, openid_code: code, mchid: MCHID})
    if (res.status !== 200) throw new Error(`sandbox pay: ${res.status} ${JSON.stringify(res.body)}`)
    await this.delivered(res.body.delivery_id)
    return res.body
  }

  // Registers the merchant's API private key (what a JSAPI prepay and the wx.requestPayment
  // signature take; docs/API.md, "Packages and orders", merchant_api_keys) from the sandbox's export: the key file
  // addMerchant() wrote and its serial, with `mileage admin set-merchant-api-key`.
  addMerchantKey() {
    const exported = JSON.parse(execFileSync(this.bin, ['sandbox', 'export', '--state-dir',
      path.join(this.dir, 'sandbox'), '--mchid', MCHID], {encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe']}))
    this.merchantKeySerial = exported.merchant_key.serial
    this.merchantKeyFile = path.join(this.dir, 'export', 'merchant_private_key.pem')
    execFileSync(this.bin, ['admin', 'set-merchant-api-key', '--merchant', MCHID,
      '--merchant-key-file', this.merchantKeyFile, '--merchant-serial', this.merchantKeySerial,
      '--config', this.config],
    {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
  }

  // Pays a JSAPI order (made by POST /api/mp/orders) as WeChat's cashier would. The
  // notification goes out on its own, as on WeChat: wait for it with delivered(delivery_id).
  // Resolves the sandbox's answer.
  async payOrder(outTradeNo) {
    const res = await call(this.sandboxBase, 'POST',
      `/sandbox/merchants/${MCHID}/orders/${outTradeNo}/pay`, {})
    if (res.status !== 200) throw new Error(`sandbox pay: ${res.status} ${JSON.stringify(res.body)}`)
    return res.body
  }

  // Sends the notification of delivery `id` again, as WeChat may, and waits until accepted.
  async duplicate(id) {
    const res = await call(this.sandboxBase, 'POST', `/sandbox/deliveries/${id}/duplicate`)
    if (res.status !== 200) throw new Error(`sandbox duplicate: ${res.status} ${JSON.stringify(res.body)}`)
    await this.delivered(res.body.delivery_id)
    return res.body
  }

  // Waits until the service accepted (2xx) the notification of delivery `deliveryId`.
  async delivered(deliveryId) {
    const end = Date.now() + 20000
    for (;;) {
      const d = await call(this.sandboxBase, 'GET', `/sandbox/deliveries/${deliveryId}`)
      if (d.body && d.body.state === 'delivered') return d.body
      if (Date.now() > end) throw new Error(`the notification was not delivered: ${JSON.stringify(d.body)}`)
      await new Promise(r => setTimeout(r, 50))
    }
  }

  // The raw answer {status, body} of a request to the sandbox (WeChat's stand-in).
  sandboxCall(method, urlPath, body) {
    return call(this.sandboxBase, method, urlPath, body)
  }

  // The raw answer of a request to the service (no login), e.g. to see whether a route exists.
  get(urlPath) {
    return call(this.base, 'GET', urlPath)
  }

  admin(...args) {
    const out = execFileSync(this.bin, ['admin', ...args, '--config', this.config],
      {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim()
    if (!/^\d+$/.test(out)) throw new Error(`mileage admin ${args[0]} printed '${out}', not an id`)
    return Number(out)
  }

  bootstrap() {
    this.brandId = this.admin('create-brand', '--name', 'E2E Motors')
    const region = this.admin('create-region', '--brand', String(this.brandId), '--name', 'South')
    const dealer = this.admin('create-dealer', '--region', String(region), '--name', 'Dealer 1')
    this.storeId = this.admin('create-store', '--dealer', String(dealer), '--name', 'Store 1')
    const secretFile = path.join(this.dir, 'app-secret')
    fs.writeFileSync(secretFile, `${APP_SECRET}\n`, {mode: 0o600})
    this.admin('add-miniprogram', '--brand', String(this.brandId), '--appid', APPID,
      '--name', 'E2E mini-program', '--secret-file', secretFile)
    this.staffPassword = 'e2e-staff-password-42'
    const passwordFile = path.join(this.dir, 'staff-password')
    fs.writeFileSync(passwordFile, `${this.staffPassword}\n`, {mode: 0o600})
    this.admin('create-user', '--username', 'ops', '--role', 'brand_admin', '--scope-type', 'brand',
      '--scope-id', String(this.brandId), '--password-file', passwordFile)
  }

  async spawn(name, args, readyUrl) {
    const logFile = path.join(this.dir, `${name}.log`)
    const log = fs.openSync(logFile, 'a')
    const child = spawn(this.bin, args, {stdio: ['ignore', log, log]})
    fs.closeSync(log)
    this.children.push({name, child, logFile})
    await waitForHttp(readyUrl, child, logFile)
  }

  // Logs the brand_admin into the console; later console() calls use the session.
  async consoleLogin() {
    const res = await call(this.base, 'POST', '/api/console/login',
      {username: 'ops', password: this.staffPassword})
    if (res.status !== 200) throw new Error(`console login: ${res.status} ${JSON.stringify(res.body)}`)
    this.staffToken = res.body.token
  }

  console(method, urlPath, body) {
    return call(this.base, method, urlPath, body, this.staffToken)
  }

  logs() {
    return this.children.map(c => `--- ${c.name}\n${tail(c.logFile)}`).join('\n')
  }

  // Stops the servers (SIGTERM, then SIGKILL after 15 s) and removes the directory.
  async stop() {
    await Promise.all((this.children || []).map(({child}) => new Promise(resolve => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      const timer = setTimeout(() => child.kill('SIGKILL'), 15000)
      child.once('exit', () => { clearTimeout(timer); resolve() })
      child.kill('SIGTERM')
    })))
    if (this.dir) fs.rmSync(this.dir, {recursive: true, force: true})
  }
}

// wx.request done with Node's http, as WeChat does it: JSON bodies, the JSON answer parsed
// (dataType json), success for any HTTP answer, fail when none came.
function wxRequestOverHttp(opts) {
  const url = new URL(opts.url)
  const body = opts.data === undefined ? '' : JSON.stringify(opts.data)
  const headers = Object.assign({}, opts.header, {'Content-Length': Buffer.byteLength(body)})
  const req = http.request(url, {method: opts.method || 'GET', headers, timeout: opts.timeout},
    res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', chunk => { text += chunk })
      res.on('end', () => {
        let data = text
        try { data = JSON.parse(text) } catch (e) { /* WeChat hands non-JSON over as text */ }
        opts.success({statusCode: res.statusCode, data, header: res.headers})
      })
    })
  req.on('timeout', () => req.destroy(new Error('timeout')))
  req.on('error', err => opts.fail({errMsg: `request:fail ${err.message}`}))
  req.end(body)
}

// The harness's fake wx with wx.request over real HTTP to mileage and wx.login giving `code`
// (the sandbox names a WeChat user by it).
function realWx(mileage, code) {
  const {fakeWx} = require('./harness')
  const config = require('../../config')
  const wx = fakeWx()
  global.wx.request = wxRequestOverHttp
  global.wx.login = opts => {
    wx.logins += 1
    setTimeout(() => opts.success({code, errMsg: 'login:ok'}), 0)
  }
  config.baseUrl = mileage.base
  return wx
}

// Runs `work(mileage)` against a started Mileage (`options` as for start), printing the
// service's logs when it fails; closes the pages and stops the service either way.
async function withMileage(work, options) {
  const {closePages} = require('./harness')
  const mileage = new Mileage()
  try {
    await mileage.start(options)
    return await work(mileage)
  } catch (err) {
    if (mileage.children) console.error(mileage.logs())
    throw err
  } finally {
    closePages()
    await mileage.stop()
  }
}

// Resolves what the async cond() resolves once truthy (asked every 100 ms), failing after ms.
async function poll(cond, ms, what) {
  const end = Date.now() + ms
  for (;;) {
    const v = await cond()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 100))
  }
}

module.exports = {Mileage, withMileage, poll, wxRequestOverHttp, realWx, binaryPath, APPID, MCHID}

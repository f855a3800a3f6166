// Test harness for the pages: a DOM (jsdom), miniprogram-simulate, and a fake of the wx.*
// boundary only (wx.login, wx.request, storage, toasts, modals, navigation, location, phone
// calls, maps, the clipboard, wx.requestPayment and wx.requestSubscribeMessage). Pages and
// utils run unchanged against it. Each test installs a new fake with fakeWx().
require('global-jsdom')()
// Node 20 has its own Event and CustomEvent globals, which global-jsdom leaves in place; jsdom's
// dispatchEvent (j-component's taps) accepts only jsdom's.
for (const name of ['Event', 'CustomEvent', 'EventTarget']) global[name] = window[name]
const path = require('path')
const simulate = require('miniprogram-simulate')

const root = path.join(__dirname, '..', '..')

// The fake WeChat: routes answer wx.request; everything the pages asked for is recorded.
// A route handler gets {method, path, data, token} and returns {status, body} (or a Promise of
// one, e.g. never settled to hold a page in its loading state).
class FakeWx {
  constructor() {
    this.storage = new Map()
    this.routes = []
    this.requests = []
    this.toasts = []
    this.navigations = []
    this.logins = 0
    this.modals = []
    this.modalConfirms = true
    // What wx.setClipboardData was last given (null: nothing copied).
    this.clipboard = null
    // What wx.getLocation gives; null: the member refused the location permission.
    this.location = {latitude: 31.2, longitude: 121.5}
    this.locationRequests = []
    this.phoneCalls = []
    this.openedLocations = []
    // What wx.requestPayment was given (its callbacks left out) and how the cashier ends:
    // {errMsg} of success, or of fail (e.g. 'requestPayment:fail cancel').
    this.payments = []
    this.paymentOutcome = {ok: true, errMsg: 'requestPayment:ok'}
    // The tmplIds of each wx.requestSubscribeMessage, and how the member answers: a function
    // of the ids giving {answer} (WeChat's success object: every id 'accept' by default) or
    // {fail} (its fail object, e.g. {errCode: 20004}), or a Promise of one (a dialog left open).
    this.subscribeRequests = []
    this.subscribeAnswer = ids => ({answer: Object.assign({errMsg: 'requestSubscribeMessage:ok'},
      ...ids.map(id => ({[id]: 'accept'})))})
    // Each wx.downloadFile's {url, token}, and how it ends: a function of that giving
    // {statusCode, tempFilePath} (success) or {fail: {errMsg}}.
    this.downloads = []
    this.downloadAnswer = () => ({statusCode: 200, tempFilePath: 'wxfile://tmp/download.png'})
    this.route('POST', '/api/mp/login', req => {
      const n = this.logins
      return {status: 200, body: {token: `mmt1.token-${n}`, expires_at: '2027-01-01T00:00:00Z',
        member: {id: 1, number: '600123456786', tier: 'silver', status: 'active'}}}
    })
  }

  // Adds (or replaces) the handler of METHOD path; path is exact, query string included, or a
  // RegExp.
  route(method, pathOrRe, handler) {
    this.routes = this.routes.filter(r => !(r.method === method && String(r.path) === String(pathOrRe)))
    this.routes.push({method, path: pathOrRe, handler})
    return this
  }

  // Answers JSON body with status for METHOD path.
  reply(method, pathOrRe, status, body) {
    return this.route(method, pathOrRe, () => ({status, body}))
  }

  calls(method, pathOrRe) {
    return this.requests.filter(r => r.method === method &&
      (pathOrRe instanceof RegExp ? pathOrRe.test(r.path) : r.path === pathOrRe))
  }

  install() {
    const self = this
    Object.assign(global.wx, {
      login(opts) {
        self.logins += 1
        const code = `code-${self.logins}`
        setTimeout(() => opts.success({code, errMsg: 'login:ok'}), 0)
      },
      getAccountInfoSync: () => ({miniProgram: {appId: 'wx8888888888888888', envVersion: 'develop'}}),
      getStorageSync: key => (self.storage.has(key) ? self.storage.get(key) : ''),
      setStorageSync: (key, value) => { self.storage.set(key, value) },
      removeStorageSync: key => { self.storage.delete(key) },
      request(opts) {
        const url = new URL(opts.url)
        const auth = (opts.header && opts.header.Authorization) || ''
        const req = {method: opts.method, path: url.pathname + url.search, data: opts.data,
          token: auth.replace(/^Bearer /, ''), url: opts.url}
        self.requests.push(req)
        const route = self.routes.find(r => r.method === req.method &&
          (r.path instanceof RegExp ? r.path.test(req.path) : r.path === req.path))
        setTimeout(() => {
          Promise.resolve(route ? route.handler(req)
            : {status: 404, body: {code: 'NOT_FOUND', message: 'no route'}})
            .then(res => {
              if (res.networkError) opts.fail({errMsg: 'request:fail timeout'})
              else opts.success({statusCode: res.status, data: res.body, header: {}})
            })
        }, 0)
      },
      downloadFile(opts) {
        const auth = (opts.header && opts.header.Authorization) || ''
        const req = {url: opts.url, token: auth.replace(/^Bearer /, '')}
        self.downloads.push(req)
        const res = self.downloadAnswer(req)
        setTimeout(() => (res.fail ? opts.fail(res.fail) : opts.success(res)), 0)
      },
      showToast(opts) { self.toasts.push(opts) },
      showModal(opts) {
        const modal = Object.assign({answered: false}, opts)
        self.modals.push(modal)
        setTimeout(() => {
          opts.success({confirm: self.modalConfirms, cancel: !self.modalConfirms})
          modal.answered = true
        }, 0)
      },
      navigateTo(opts) { self.navigations.push(opts.url) },
      redirectTo(opts) { self.navigations.push(opts.url) },
      switchTab(opts) { self.navigations.push(opts.url) },
      navigateBack() { self.navigations.push('back') },
      getLocation(opts) {
        self.locationRequests.push({type: opts.type})
        setTimeout(() => (self.location
          ? opts.success(Object.assign({errMsg: 'getLocation:ok'}, self.location))
          : opts.fail({errMsg: 'getLocation:fail auth deny'})), 0)
      },
      makePhoneCall(opts) { self.phoneCalls.push(opts) },
      openLocation(opts) { self.openedLocations.push(opts) },
      requestPayment(opts) {
        const fields = Object.assign({}, opts)
        for (const callback of ['success', 'fail', 'complete']) delete fields[callback]
        self.payments.push(fields)
        const outcome = self.paymentOutcome
        setTimeout(() => (outcome.ok ? opts.success({errMsg: outcome.errMsg})
          : opts.fail({errMsg: outcome.errMsg})), 0)
      },
      requestSubscribeMessage(opts) {
        self.subscribeRequests.push(opts.tmplIds)
        Promise.resolve(self.subscribeAnswer(opts.tmplIds)).then(res => setTimeout(() =>
          (res.fail ? opts.fail(res.fail) : opts.success(res.answer)), 0))
      },
      setClipboardData(opts) {
        self.clipboard = opts.data
        setTimeout(() => opts.success && opts.success({errMsg: 'setClipboardData:ok'}), 0)
      },
      setNavigationBarTitle() {},
      stopPullDownRefresh() {},
      getWindowInfo: () => ({pixelRatio: 2}),
    })
    return this
  }
}

function fakeWx() {
  return new FakeWx().install()
}

const openPages = []

// Renders pages/<name>/index, attaches it and calls onLoad(query) as WeChat would.
function openPage(name, query) {
  const id = simulate.load(path.join(root, 'pages', name, 'index'), {rootPath: root})
  const page = simulate.render(id)
  page.attach(document.createElement('parent-wrapper'))
  openPages.push(page)
  page.instance.onLoad(query || {})
  return page
}

// Closes every page a test opened, as leaving it would (onUnload, then detached), so no page
// timer outlives its test. Test files call it in afterEach.
function closePages() {
  for (const page of openPages.splice(0)) {
    if (page.instance.onUnload) page.instance.onUnload()
    page.detach()
  }
}

// Waits until cond() is truthy (checked every 5 ms), failing after timeoutMs.
async function waitFor(cond, timeoutMs = 2000, what = 'condition') {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = cond()
    if (v) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 5))
  }
}

// What the member sees: the page's text, whitespace collapsed.
function text(node) {
  const dom = node.dom || node
  return dom.textContent.replace(/\s+/g, ' ').trim()
}

function find(page, selector) {
  return page.querySelector(selector)
}

function tap(page, selector) {
  const node = page.querySelector(selector)
  if (!node) throw new Error(`nothing matches ${selector}`)
  node.dispatchEvent('tap')
}

// Fires a component event the member causes (typing into an input, a picker or switch
// change, the getPhoneNumber button's answer) with its detail.
function fire(page, selector, eventName, detail) {
  const node = page.querySelector(selector)
  if (!node) throw new Error(`nothing matches ${selector}`)
  node.dispatchEvent(eventName, {detail})
}

// Types value into the input of selector, as bindinput receives it.
function type(page, selector, value) {
  fire(page, selector, 'input', {value})
}

module.exports = {root, simulate, fakeWx, openPage, closePages, waitFor, text, find, tap, fire,
  type}

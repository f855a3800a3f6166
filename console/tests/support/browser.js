// What the console's browser tests share: JSON calls to the service, a page that collects its
// console errors, screenshots under console/test-artifacts/, and the login form.
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
export const dist = path.join(here, '..', '..', 'dist')
export const artifacts = path.join(here, '..', '..', 'test-artifacts')
export const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium'

// JSON over HTTP to the service at `base`, with a staff or member token.
export async function call(base, method, urlPath, body, bearer) {
  const headers = {}
  if (bearer) headers.Authorization = `Bearer ${bearer}`
  const res = await fetch(base + urlPath, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  let data = text
  try {
    data = JSON.parse(text)
  } catch {
    // not JSON
  }
  return { status: res.status, body: data }
}

// A page whose console errors and uncaught exceptions are collected. The browser reports an
// API refusal the page asked for and shows (a 401 after a session ended, a 409) as "Failed to
// load resource"; those are the API's answers, not page errors. Anything else fails the test.
export async function openPage(context) {
  const page = await context.newPage()
  page.errors = []
  page.on('pageerror', (err) => page.errors.push(`pageerror: ${err.message}`))
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return
    const url = msg.location()?.url || ''
    if (msg.text().startsWith('Failed to load resource') && url.includes('/api/')) return
    page.errors.push(`console.${msg.type()}: ${msg.text()} (${url})`)
  })
  return page
}

export async function shot(page, name) {
  fs.mkdirSync(artifacts, { recursive: true })
  const file = path.join(artifacts, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' })
  return file
}

export function assertNoErrors(page) {
  assert.deepEqual(page.errors, [], `console errors on ${page.url()}`)
}

// Starts `mileage` (a Mileage of miniprogram/tests/support/mileage.js) serving the console built
// in dist/ (config console_dir); `setup(m)` runs before it serves (staff and nodes with m.admin).
export async function startServingConsole(mileage, setup = () => {}) {
  return mileage.start({
    beforeServe(m) {
      const config = JSON.parse(fs.readFileSync(m.config, 'utf8'))
      config.console_dir = dist
      fs.writeFileSync(m.config, JSON.stringify(config))
      setup(m)
    },
  })
}

// Creates console staff in `m` before it serves, each [username, role, scopeType, scopeId,
// password], through `mileage admin create-user` with a password file.
export function createStaff(m, users) {
  for (const [username, role, scopeType, scopeId, password] of users) {
    const file = path.join(m.dir, `${username}-password`)
    fs.writeFileSync(file, `${password}\n`, { mode: 0o600 })
    m.admin('create-user', '--username', username, '--role', role, '--scope-type', scopeType,
      '--scope-id', String(scopeId), '--password-file', file)
  }
}

// The console token of the demo brand admin (ops) of a started Mileage.
export async function brandAdminToken(mileage) {
  const login = await call(mileage.base, 'POST', '/api/console/login', { username: 'ops', password: mileage.staffPassword })
  assert.equal(login.status, 200, JSON.stringify(login.body))
  return login.body.token
}

export async function loginThroughForm(page, username, password) {
  await page.waitForSelector('#username')
  await page.fill('#username', username)
  await page.fill('#password', password)
  await page.press('#password', 'Enter')
}

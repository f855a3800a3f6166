// 车主关怀 in a real browser against a real `mileage serve` with the sandbox. The tests run in
// order and share the server: the brand admin adds a subscribe template by keyboard (the event
// fields offered as hints), edits it (marketing), meets the server's refusals in Chinese and
// deletes it; adds birthday care rules (a stock picked from the brand's, a message-only rule), a
// member with today's birthday is greeted by `mileage jobs` and the greetings show 发券, 未发券
// with the reason and 仅消息; sets the brand's default and a model's service interval and marks
// a service store; an analyst reads without the write controls; a store clerk has no page.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { chromium } from 'playwright-core'
import { assertNoErrors, brandAdminToken, call, chromiumPath, createStaff, dist, loginThroughForm, openPage, shot, startServingConsole } from './support/browser.js'

const require = createRequire(import.meta.url)
const { Mileage, binaryPath, APPID } = require('../../miniprogram/tests/support/mileage.js')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const missing = [binaryPath(), path.join(dist, 'index.html'), chromiumPath].filter((f) => !fs.existsSync(f))
const skip = missing.length && !required ? `missing ${missing.join(', ')}` : false

const CLERK_PASSWORD = 'clerk-care-password-1'
const ANALYST_PASSWORD = 'analyst-care-password-1'
let mileage
let browser
let adminToken
const ids = {}

const api = (method, urlPath, body, bearer = adminToken) => call(mileage.base, method, urlPath, body, bearer)

async function signedIn(username, password, tab) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1360, height: 900 } })
  const page = await openPage(context)
  await page.goto(`${mileage.base}/console/care`)
  await loginThroughForm(page, username, password)
  await page.waitForURL(/\/console\/care$/)
  if (tab) {
    await page.click(`#tab-${tab}`)
    await page.waitForURL(new RegExp(`/console/care\\?tab=${tab}$`))
  }
  return { context, page }
}

const waitForFocus = (page, id) => page.waitForFunction((want) => document.activeElement?.id === want, id)
const confirmBox = (page, button) => page.click(`.el-message-box__btns button:has-text("${button}")`)
const pick = async (page, selectId, text) => {
  await page.click(`.el-select__wrapper:has(#${selectId})`)
  await page.click(`.el-select-dropdown:visible .el-select-dropdown__item:has-text("${text}")`)
}

async function templates() {
  const res = await api('GET', '/api/console/subscribe-templates')
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body.items
}

async function careRules() {
  const res = await api('GET', '/api/console/care-rules')
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body.items
}

async function intervals() {
  const res = await api('GET', '/api/console/service-intervals')
  assert.equal(res.status, 200, JSON.stringify(res.body))
  return res.body.items
}

before(async () => {
  if (skip) return
  mileage = await startServingConsole(new Mileage(), (m) => {
    createStaff(m, [
      ['clerk-care', 'store_clerk', 'store', m.storeId, CLERK_PASSWORD],
      ['analyst-care', 'analyst', 'brand', m.brandId, ANALYST_PASSWORD],
    ])
  })
  adminToken = await brandAdminToken(mileage)
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true })
})

after(async () => {
  if (browser) await browser.close()
  if (mileage) await mileage.stop()
})

test('the brand admin adds a subscribe template by keyboard with the event fields as hints, edits and deletes it', { skip }, async () => {
  const { context, page } = await signedIn('ops', mileage.staffPassword)
  await page.waitForSelector('#tpl-empty')
  assert.ok(await page.$('nav a[href$="/care"]'))

  // Keyboard: the form opens in 事件; typing filters the topics by their Chinese names.
  await page.focus('#new-template')
  await page.keyboard.press('Enter')
  await waitForFocus(page, 'tpl-topic')
  await page.keyboard.type('保养')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#tpl-hints:has-text("保养到期的事件字段")')
  assert.match(await page.textContent('#tpl-hints'), /model.*due_date.*reason/s)
  await page.focus('#tpl-template-id')
  await page.keyboard.type('Ab3_x-9')
  await page.keyboard.press('Tab')
  await waitForFocus(page, 'tpl-title')
  await page.keyboard.type('保养到期提醒')
  await page.focus('#tpl-page')
  await page.keyboard.type('pages/vehicles/index')
  await page.focus('#tpl-keyword-0')
  await page.keyboard.type('thing1')
  await page.keyboard.press('Tab')
  await waitForFocus(page, 'tpl-field-0')
  await page.keyboard.type('model')
  // Further rows: the keyword typed, the event field from the hints.
  await page.click('#tpl-add-row')
  await waitForFocus(page, 'tpl-keyword-1')
  await page.keyboard.type('date2')
  await page.click('#tpl-hints .hint-btn:has-text("due_date")')
  await waitForFocus(page, 'tpl-field-1')
  await page.click('#tpl-add-row')
  await waitForFocus(page, 'tpl-keyword-2')
  await page.keyboard.type('thing3')
  await page.click('#tpl-hints .hint-btn:has-text("reason")')
  await waitForFocus(page, 'tpl-field-2')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#tpl-outcome:has-text("模板「保养到期提醒」已新增")')
  let [tpl] = await templates()
  assert.deepEqual({ topic: tpl.topic, template_id: tpl.template_id, title: tpl.title, marketing: tpl.marketing, page: tpl.page, fields: tpl.fields },
    { topic: 'maintenance.due', template_id: 'Ab3_x-9', title: '保养到期提醒', marketing: false, page: 'pages/vehicles/index',
      fields: { thing1: 'model', date2: 'due_date', thing3: 'reason' } })
  assert.match(await page.textContent('#tpl-table'), /保养到期.*maintenance\.due.*保养到期提醒.*Ab3_x-9.*服务通知.*thing1 ← model.*date2 ← due_date/s)

  // Edit: a marketing message now, with its explanation; Enter saves.
  await page.click('#tpl-table .edit-tpl-btn')
  await waitForFocus(page, 'tpl-title')
  assert.match(await page.textContent('#tpl-form'), /营销类消息仅发送给同意营销推送的会员/)
  await page.fill('#tpl-title', '保养提醒')
  await page.click('#tpl-form .el-switch')
  await page.press('#tpl-title', 'Enter')
  await page.waitForSelector('#tpl-outcome:has-text("模板「保养提醒」已保存")')
  await page.waitForSelector('#tpl-table .tpl-kind:has-text("营销")')
  ;[tpl] = await templates()
  assert.equal(tpl.title, '保养提醒')
  assert.equal(tpl.marketing, true)
  assert.deepEqual(tpl.fields, { thing1: 'model', date2: 'due_date', thing3: 'reason' })
  await shot(page, 'care-templates')

  // Refusals: the page's own (a keyword twice), then the server's in Chinese; nothing is added.
  await page.click('#new-template')
  await waitForFocus(page, 'tpl-topic')
  await pick(page, 'tpl-topic', '生日关怀')
  await page.fill('#tpl-template-id', 'bad id!')
  await page.fill('#tpl-title', '生日快乐')
  await page.fill('#tpl-keyword-0', 'thing1')
  await page.fill('#tpl-field-0', 'occasion_on')
  await page.click('#tpl-add-row')
  await page.fill('#tpl-keyword-1', 'thing1')
  await page.fill('#tpl-field-1', 'year')
  await page.press('#tpl-field-1', 'Enter')
  await page.waitForSelector('#tpl-form-error:has-text("关键词 thing1 填写了两次")')
  await page.fill('#tpl-keyword-1', 'number2')
  await page.press('#tpl-field-1', 'Enter')
  await page.waitForSelector('#tpl-form-error:has-text("模板 ID 无效")')
  await page.fill('#tpl-template-id', 'Ab3_x-9')
  await page.press('#tpl-template-id', 'Enter')
  await page.waitForSelector('#tpl-form-error:has-text("本品牌已登记该模板 ID")')
  await page.fill('#tpl-template-id', 'Bday-1')
  await page.fill('#tpl-keyword-1', 'foo2')
  await page.press('#tpl-keyword-1', 'Enter')
  await page.waitForSelector('#tpl-form-error:has-text("字段对应无效")')
  await page.fill('#tpl-keyword-1', 'number2')
  await page.fill('#tpl-page', 'pages/a b')
  await page.press('#tpl-page', 'Enter')
  await page.waitForSelector('#tpl-form-error:has-text("页面路径需为不含空格")')
  await shot(page, 'care-templates-refused')
  assert.equal((await templates()).length, 1)
  await page.keyboard.press('Escape')
  await page.waitForSelector('#tpl-form', { state: 'hidden' })

  await page.click('#tpl-table .delete-tpl-btn')
  await confirmBox(page, '删除')
  await page.waitForSelector('#tpl-empty')
  assert.equal((await templates()).length, 0)
  assertNoErrors(page)
  await context.close()
})

test('care rules pick a brand stock; a member with today\'s birthday is greeted and the greetings show each outcome', { skip }, async () => {
  const made = await api('POST', '/api/console/stocks', {
    node: { type: 'brand', id: mileage.brandId }, name: '生日礼 50 元', type: 'cash', value_fen: 5000,
    threshold_fen: 0, valid_days: 30, total_quantity: 100, per_member_limit: 1, channels: ['grant'],
  })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  ids.stock = made.body.id
  assert.equal((await api('PATCH', `/api/console/stocks/${ids.stock}`, { state: 'active' })).status, 200)
  const claimOnly = await api('POST', '/api/console/stocks', {
    node: { type: 'brand', id: mileage.brandId }, name: '小程序领取券', type: 'exchange', item: '洗车一次',
    valid_days: 30, total_quantity: 100, channels: ['claim'],
  })
  assert.equal(claimOnly.status, 201, JSON.stringify(claimOnly.body))
  assert.equal((await api('PATCH', `/api/console/stocks/${claimOnly.body.id}`, { state: 'active' })).status, 200)

  const { context, page } = await signedIn('ops', mileage.staffPassword, 'greetings')
  await page.waitForSelector('#rules-empty')
  await page.waitForSelector('#greetings-empty:has-text("暂无关怀记录")')

  // Keyboard into the form; the stock from the brand's (a claim-only one is offered disabled).
  await page.focus('#new-rule')
  await page.keyboard.press('Enter')
  await waitForFocus(page, 'rule-kind')
  await page.click('.el-select__wrapper:has(#rule-stock)')
  await page.waitForSelector('.el-select-dropdown:visible .el-select-dropdown__item.is-disabled:has-text("小程序领取券")')
  await page.click(`.el-select-dropdown:visible .el-select-dropdown__item:has-text("#${ids.stock} 生日礼 50 元")`)
  await page.focus('#rule-days')
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.type('9')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#rule-form-error:has-text("提前天数需为 0 到 7 天")')
  assert.equal((await careRules()).length, 0)
  await page.fill('#rule-days', '0')
  await page.press('#rule-days', 'Enter')
  await page.waitForSelector('#rule-outcome:has-text("已新增")')
  let rules = await careRules()
  assert.equal(rules.length, 1)
  assert.deepEqual({ kind: rules[0].kind, stock_id: rules[0].stock_id, days_before: rules[0].days_before, enabled: rules[0].enabled },
    { kind: 'birthday', stock_id: ids.stock, days_before: 0, enabled: true })
  ids.couponRule = rules[0].id
  await page.waitForSelector(`#rules-table .rule-stock:has-text("#${ids.stock} 生日礼 50 元（无门槛 减¥50.00）")`)

  // A second rule of the same stock (its per-member limit of 1 leaves it no coupon) through the
  // API, and a message-only rule on the page.
  const second = await api('POST', '/api/console/care-rules', { kind: 'birthday', stock_id: ids.stock })
  assert.equal(second.status, 201, JSON.stringify(second.body))
  ids.limitRule = second.body.id
  await page.click('#new-rule')
  await waitForFocus(page, 'rule-kind')
  await page.press('#rule-days', 'Enter')
  await page.waitForFunction(() => document.querySelectorAll('#rules-table .rule-id').length === 3)
  rules = await careRules()
  ids.messageRule = rules[2].id
  assert.equal(rules[2].stock_id, null)
  await page.waitForSelector('#rules-table .rule-stock:has-text("不赠券，仅发送消息")')

  // A member whose birthday is today (Beijing); the jobs greet them once per rule.
  const login = await api('POST', '/api/mp/login', { appid: APPID, code: 'care-alice' }, null)
  assert.equal(login.status, 200, JSON.stringify(login.body))
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(5, 10)
  const profile = await api('PATCH', '/api/mp/profile', { birthday: `1992-${today}` }, login.body.token)
  assert.equal(profile.status, 200, JSON.stringify(profile.body))
  execFileSync(mileage.bin, ['jobs', '--config', mileage.config], { stdio: ['ignore', 'pipe', 'pipe'] })
  const greeted = await api('GET', '/api/console/care-greetings')
  assert.equal(greeted.body.total, 3, JSON.stringify(greeted.body))
  const byRule = Object.fromEntries(greeted.body.items.map((g) => [g.rule_id, g]))
  assert.equal(byRule[ids.couponRule].outcome, 'coupon')
  assert.deepEqual([byRule[ids.limitRule].outcome, byRule[ids.limitRule].reason], ['no_coupon', 'LIMIT_REACHED'])
  assert.equal(byRule[ids.messageRule].outcome, 'message_only')

  await page.click('#greetings-refresh')
  await page.waitForSelector('#greetings-table')
  const table = await page.textContent('#greetings-table')
  assert.ok(table.includes(`发券（券 #${byRule[ids.couponRule].coupon_id}）`), table)
  assert.ok(table.includes('未发券：会员已达该券每人限领数量'), table)
  assert.ok(table.includes('仅消息'), table)
  assert.equal((await page.$$(`#greetings-table a[href$="/members/${login.body.member.id}"]`)).length, 3)
  await shot(page, 'care-greetings')

  // Filtered to 首次消费周年: none.
  await pick(page, 'greeting-kind', '首次消费周年')
  await page.waitForSelector('#greetings-empty')
  await pick(page, 'greeting-kind', '全部类型')
  await page.waitForSelector('#greetings-table')

  // 启用 off, an edit, a delete: the API agrees; the greetings stay.
  await page.click(`#rules-table tr:has(.rule-id:text-is("${ids.couponRule}")) .rule-enabled`)
  await page.waitForSelector(`#rule-outcome:has-text("关怀规则 #${ids.couponRule} 已停用")`)
  assert.equal((await api('GET', `/api/console/care-rules/${ids.couponRule}`)).body.enabled, false)
  await page.click(`#rules-table tr:has(.rule-id:text-is("${ids.messageRule}")) .edit-rule-btn`)
  await waitForFocus(page, 'rule-stock')
  await page.fill('#rule-days', '3')
  await page.press('#rule-days', 'Enter')
  await page.waitForSelector(`#rule-outcome:has-text("关怀规则 #${ids.messageRule}（生日）已保存")`)
  await page.waitForSelector('#rules-table .rule-days:has-text("提前 3 天")')
  const edited = (await api('GET', `/api/console/care-rules/${ids.messageRule}`)).body
  assert.deepEqual([edited.days_before, edited.stock_id, edited.enabled], [3, null, true])
  await page.click(`#rules-table tr:has(.rule-id:text-is("${ids.limitRule}")) .delete-rule-btn`)
  await confirmBox(page, '删除')
  await page.waitForSelector(`#rule-outcome:has-text("关怀规则 #${ids.limitRule} 已删除")`)
  assert.equal((await api('GET', `/api/console/care-rules/${ids.limitRule}`)).status, 404)
  assert.equal((await careRules()).length, 2)
  assert.equal((await api('GET', '/api/console/care-greetings')).body.total, 3)
  assertNoErrors(page)
  await context.close()
})

test('the brand default and a model\'s service interval by keyboard, the server\'s limits in Chinese, a service store', { skip }, async () => {
  const { context, page } = await signedIn('ops', mileage.staffPassword, 'maintenance')
  await page.waitForSelector('#intervals-empty')
  assert.match(await page.textContent('#built-in'), /6 个月或 5,000 公里，首次保养 3 个月或 3,000 公里/)

  // The brand default first (the form starts from the built-in interval).
  await page.focus('#new-interval')
  await page.keyboard.press('Enter')
  await waitForFocus(page, 'interval-months')
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.type('12')
  await page.keyboard.press('Tab')
  await waitForFocus(page, 'interval-km')
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.type('10000')
  await page.keyboard.press('Enter')
  await page.waitForSelector('#interval-outcome:has-text("品牌默认的保养周期已保存")')
  assert.deepEqual((await intervals()).map(({ model, months, km, first_months, first_km }) => ({ model, months, km, first_months, first_km })),
    [{ model: '', months: 12, km: 10000, first_months: 3, first_km: 3000 }])

  // A model: out-of-range values are refused by the server in Chinese, nothing written.
  await page.click('#new-interval')
  await waitForFocus(page, 'interval-model')
  await page.keyboard.type('Golf')
  await page.fill('#interval-months', '0')
  await page.press('#interval-months', 'Enter')
  await page.waitForSelector('#interval-form-error:has-text("保养间隔月数需为 1 到 60")')
  await page.fill('#interval-months', '6')
  await page.fill('#interval-first-km', '400')
  await page.press('#interval-first-km', 'Enter')
  await page.waitForSelector('#interval-form-error:has-text("首保里程（公里）需为 500 到 100000")')
  assert.equal((await intervals()).length, 1)
  await page.fill('#interval-first-km', '2000')
  await page.press('#interval-first-km', 'Enter')
  await page.waitForSelector('#interval-outcome:has-text("车型「Golf」的保养周期已保存")')
  let golf = (await intervals()).find((i) => i.model === 'Golf')
  assert.deepEqual([golf.months, golf.km, golf.first_months, golf.first_km], [6, 10000, 3, 2000])
  await page.waitForSelector('#intervals-table .interval-model:has-text("Golf")')
  assert.match(await page.textContent('#intervals-table'), /品牌默认（全部车型）.*12 个月或 10,000 公里.*Golf.*6 个月或 10,000 公里.*3 个月或 2,000 公里/s)

  // Edit, then delete the model: its vehicles fall back to the brand default.
  await page.click('#intervals-table tr:has(.interval-model:text-is("Golf")) .edit-interval-btn')
  await waitForFocus(page, 'interval-months')
  await page.fill('#interval-months', '9')
  await page.press('#interval-months', 'Enter')
  await page.waitForSelector('#intervals-table .interval-every:has-text("9 个月")')
  golf = (await intervals()).find((i) => i.model === 'Golf')
  assert.equal(golf.months, 9)
  await page.click('#intervals-table tr:has(.interval-model:text-is("Golf")) .delete-interval-btn')
  await confirmBox(page, '删除')
  await page.waitForSelector('#interval-outcome:has-text("车型「Golf」的保养周期已删除")')
  assert.deepEqual((await intervals()).map((i) => i.model), [''])

  // The store list carries each store's flag; a switch sets it, it stays after a reload, and
  // each setting is audited.
  const row = '#service-stores-table tr:has(.store-name:text-is("Store 1"))'
  await page.waitForSelector(`${row} .service-state:has-text("否")`)
  await page.click(`${row} .service-switch`)
  await page.waitForSelector('#interval-outcome:has-text("Store 1 已设为服务门店")')
  await page.waitForSelector(`${row} .service-switch.is-checked`)
  assert.equal((await api('GET', `/api/console/stores/${mileage.storeId}`)).body.service, true)
  await page.reload()
  await page.waitForSelector(`${row} .service-state:has-text("是")`)
  const audited = async () => (await api('GET', `/api/console/audit?action=store.service&object_type=store&object_id=${mileage.storeId}`)).body.items.map((r) => r.detail)
  assert.deepEqual(await audited(), ['service store'])
  await shot(page, 'care-maintenance')
  await page.click(`${row} .service-switch`)
  await page.waitForSelector('#interval-outcome:has-text("Store 1 已取消服务门店")')
  await page.waitForSelector(`${row} .service-state:has-text("否")`)
  assert.deepEqual(await audited(), ['not a service store', 'service store'])
  assertNoErrors(page)
  await context.close()
})

test('an analyst reads every tab without the write controls', { skip }, async () => {
  const { context, page } = await signedIn('analyst-care', ANALYST_PASSWORD)
  await page.waitForSelector('#tpl-empty')
  assert.equal(await page.$('#new-template'), null)
  await page.click('#tab-greetings')
  await page.waitForSelector('#rules-table')
  await page.waitForSelector('#greetings-table')
  assert.equal(await page.$('#new-rule'), null)
  assert.equal(await page.$('.rule-enabled'), null)
  assert.equal(await page.$('.edit-rule-btn'), null)
  await page.click('#tab-maintenance')
  await page.waitForSelector('#intervals-table')
  assert.equal(await page.$('#new-interval'), null)
  assert.equal(await page.$('.edit-interval-btn'), null)
  assert.equal(await page.$('#service-stores-table'), null)
  assertNoErrors(page)
  await context.close()
})

test('a dealer manager has only 关怀记录, of the members they see', { skip }, async () => {
  const store = await api('GET', `/api/console/stores/${mileage.storeId}`)
  const made = await api('POST', '/api/console/staff', {
    username: 'dm-care', password: 'dm-care-password-1', role: 'dealer_manager', scope: { type: 'dealer', id: store.body.dealer_id },
  })
  assert.equal(made.status, 201, JSON.stringify(made.body))
  const login = await call(mileage.base, 'POST', '/api/console/login', { username: 'dm-care', password: 'dm-care-password-1' })
  const manager = login.body.token
  // The greeted member enrolled through the mini-program at no store: outside the dealer's view.
  const seen = await api('GET', '/api/console/care-greetings', undefined, manager)
  assert.deepEqual([seen.status, seen.body.total], [200, 0])
  assert.equal((await api('GET', '/api/console/care-rules', undefined, manager)).status, 403)

  const { context, page } = await signedIn('dm-care', 'dm-care-password-1')
  await page.waitForSelector('#greetings-empty')
  assert.ok(await page.$('nav a[href$="/care"]'))
  assert.equal(await page.$('#tab-templates'), null)
  assert.equal(await page.$('#tab-maintenance'), null)
  assert.equal(await page.$('#rules-table, #rules-empty, #rules-error, #new-rule'), null)
  assertNoErrors(page)
  await context.close()
})

test('a store clerk has no 车主关怀 in the navigation, the page refuses and so does the API', { skip }, async () => {
  const { context, page } = await signedIn('clerk-care', CLERK_PASSWORD)
  await page.waitForSelector('#care-denied:has-text("您的角色无权执行此操作")')
  assert.equal(await page.$('nav a[href$="/care"]'), null)
  assert.ok(await page.$('nav a[href$="/appointments"]'))
  assert.equal(await page.$('.el-tabs'), null)
  const login = await call(mileage.base, 'POST', '/api/console/login', { username: 'clerk-care', password: CLERK_PASSWORD })
  const clerk = login.body.token
  for (const [method, urlPath, body] of [
    ['GET', '/api/console/subscribe-templates'], ['GET', '/api/console/care-rules'], ['GET', '/api/console/care-greetings'],
    ['GET', '/api/console/service-intervals'], ['PUT', `/api/console/stores/${mileage.storeId}/service`, { service: true }],
  ]) {
    const res = await api(method, urlPath, body, clerk)
    assert.deepEqual([res.status, res.body.code], [403, 'PERMISSION_DENIED'], `${method} ${urlPath}`)
  }
  await shot(page, 'care-clerk')
  assertNoErrors(page)
  await context.close()
})

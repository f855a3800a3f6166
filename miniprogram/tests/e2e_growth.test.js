// End to end: 推荐有礼, 服务评价 and 隐私与数据 on the mini-program's pages and request layer,
// with wx.request (and, for the referral code image, wx.downloadFile) over real HTTP against
// `mileage serve` and the sandbox (tests/support/mileage.js).
// 1. 推荐有礼: the brand admin sets a referral rule in the console; a paying member opens the
//    page (the rule in words, the code image from the sandbox's getwxacodeunlimit, asked of
//    WeChat once); a new owner opened with the scene r=<code> attaches as app.js does, is
//    refused a second referrer (ALREADY_REFERRED), and the referrer their own code
//    (SELF_REFERRAL); the new owner's first qualifying payment rewards both by the rule's
//    points: the referrer's page lists the referral as rewarded, both points journals and
//    balances show it, and so does the console.
// 2. 服务评价: a member who paid sees the visit on 首页 (the feedback card) and on the page,
//    rates it 9 with a Chinese comment through the page; the server holds it (the member API,
//    the console's NPS, the database); rating it again (a second page left open) is refused
//    (ALREADY_RATED) and changes nothing; another member is refused the visit (VISIT_NOT_FOUND).
// 3. 隐私与数据: export through the page (every documented section, the payment, the openid and
//    the phone in clear, 复制全部数据); deletion after 我已了解 and the confirmation ends the
//    session (the old token is 401 SESSION_ENDED) and the same WeChat user logging in again is a new member.
// Expected values come from the rule and the amounts set here, and from docs/API.md.
// Skipped without the mileage binary unless MILEAGE_E2E_REQUIRED=1.
const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('fs')
const http = require('http')
const path = require('path')
const {execFileSync} = require('child_process')
const {openPage, closePages, waitFor, text, find, tap, type} = require('./support/harness')
const {withMileage, poll, realWx, binaryPath, APPID} = require('./support/mileage')
const api = require('../utils/api')
const referral = require('../utils/referral')
const {TOKEN_KEY} = require('../utils/request')

const required = process.env.MILEAGE_E2E_REQUIRED === '1'
const skip = !required && !fs.existsSync(binaryPath()) &&
  `no mileage binary at ${binaryPath()} (build it, or set MILEAGE_BIN)`

const DAY_S = 86400
// The referral rule the brand admin sets (docs/API.md, "Referrals (console)").
const RULE = {window_days: 30, min_amount_fen: 5000, monthly_cap: 5, enabled: true,
  referrer_points: 300, referee_points: 150}
// The documented sections of an export, in order (docs/API.md, "Privacy and data").
const SECTIONS = ['member', 'identities', 'profile', 'consents', 'tier_changes', 'activity',
  'vehicles', 'mileage_corrections', 'partner_links', 'point_balance', 'point_journals',
  'point_lots', 'coupons', 'coupon_redemptions', 'package_orders', 'payments', 'refunds',
  'appointments', 'activity_signups', 'subscriptions', 'subscribe_messages',
  'maintenance_reminders', 'service_visits', 'care_greetings', 'referral_code',
  'referrals_made', 'referred_by', 'feedback_ratings']

const pad = n => String(n).padStart(2, '0')
// Beijing 'YYYY-MM-DD' (or with ' HH:MM') of an RFC 3339 time.
function beijing(rfc3339, withTime) {
  const d = new Date(Date.parse(rfc3339) + 8 * 3600000)
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
  return withTime ? `${day} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}` : day
}
const seconds = rfc3339 => Date.parse(rfc3339) / 1000

// One request to the service with a given member token: {status, body}.
function withToken(mileage, method, urlPath, token, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? '' : JSON.stringify(body)
    const req = http.request(mileage.base + urlPath, {method, headers: {
      'Content-Length': Buffer.byteLength(data), Authorization: `Bearer ${token}`}}, res => {
      let t = ''
      res.setEncoding('utf8')
      res.on('data', c => { t += c })
      res.on('end', () => {
        let parsed = t
        try { parsed = JSON.parse(t) } catch (e) { /* keep the text */ }
        resolve({status: res.statusCode, body: parsed})
      })
    })
    req.on('error', reject)
    req.end(data)
  })
}

// wx.downloadFile over real HTTP as WeChat does it: the body saved to a temporary file, success
// for any HTTP answer (with statusCode), fail when none came. Each download is recorded.
function realDownloads(dir) {
  const saved = []
  global.wx.downloadFile = opts => {
    http.get(opts.url, {headers: opts.header}, res => {
      const chunks = []
      res.on('data', c => chunks.push(c))
      res.on('end', () => {
        const file = path.join(dir, `download-${saved.length + 1}`)
        fs.writeFileSync(file, Buffer.concat(chunks))
        saved.push({url: opts.url, status: res.statusCode,
          contentType: res.headers['content-type'], file})
        opts.success({statusCode: res.statusCode, tempFilePath: file, errMsg: 'downloadFile:ok'})
      })
    }).on('error', err => opts.fail({errMsg: `downloadFile:fail ${err.message}`}))
  }
  return saved
}

function sql(mileage, query) {
  return execFileSync('sqlite3', [path.join(mileage.dir, 'mileage.db'), query],
    {encoding: 'utf8'}).trim()
}

async function openReady(name, selector, what) {
  const page = openPage(name)
  await waitFor(() => find(page, selector) || find(page, '#error'), 10000, what)
  if (find(page, '#error')) throw new Error(`${name}: ${text(find(page, '#error'))}`)
  return page
}

// The openid the sandbox gives the WeChat user of wx.login code `code` in the app.
async function openidOf(mileage, code) {
  const session = await mileage.sandboxCall('GET', `/sns/jscode2session?appid=${APPID}` +
    `&secret=sandbox-secret&js_code=${code}&grant_type=authorization_code`)
  assert.ok(session.body.openid, JSON.stringify(session.body))
  return session.body.openid
}

async function wxacodeCalls(mileage) {
  return (await mileage.sandboxCall('GET', `/sandbox/mini-programs/${APPID}`)).body.wxacode_calls
}

test('referrals, visit feedback and member rights against the real server',
  {skip, timeout: 300000}, async t => {
    await withMileage(async mileage => {
      await mileage.consoleLogin()

      await t.test('推荐有礼: the rule, the code image, attach, the first payment rewards both',
        async () => {
          const put = await mileage.console('PUT', '/api/console/referral-rule', RULE)
          assert.equal(put.status, 200, JSON.stringify(put.body))
          assert.deepEqual([put.body.window_days, put.body.min_amount_fen, put.body.referrer_points,
            put.body.referee_points, put.body.monthly_cap, put.body.enabled],
          [RULE.window_days, RULE.min_amount_fen, RULE.referrer_points, RULE.referee_points,
            RULE.monthly_cap, true])

          // The referrer: paid once at the store (a member), then opens 推荐有礼.
          await mileage.pay(12000, 'e2e-ref-alice')
          let wx = realWx(mileage, 'e2e-ref-alice')
          let downloads = realDownloads(mileage.dir)
          const alice = (await api.me()).member
          const aliceBefore = (await api.card()).points.balance
          const code = await api.referralCode()
          assert.match(code.code, /^[0-9A-Za-z]{10}$/)
          assert.deepEqual(code, {code: code.code, scene: `r=${code.code}`, page: 'pages/home/index',
            image_path: '/api/mp/referrals/code/image'})
          assert.equal(await wxacodeCalls(mileage), 0)
          let page = await openReady('referrals', '#page', '推荐有礼')
          await waitFor(() => find(page, '#code-image') || find(page, '#code-error'), 10000,
            'the code image')
          assert.ok(find(page, '#code-image'), text(page))
          assert.equal(text(find(page, '#rule')), '邀请好友，双方有礼' +
            `好友扫码成为会员后${RULE.window_days}天内首次消费满¥${RULE.min_amount_fen / 100}` +
            `您得：${RULE.referrer_points}积分好友得：${RULE.referee_points}积分` +
            `每月最多奖励${RULE.monthly_cap}位好友`)
          // The image is WeChat's (the sandbox's 1x1 PNG), downloaded with the member's session.
          assert.equal(downloads.length, 1)
          assert.equal(downloads[0].url, `${mileage.base}/api/mp/referrals/code/image`)
          assert.equal(downloads[0].status, 200)
          assert.equal(downloads[0].contentType, 'image/png')
          assert.deepEqual([...fs.readFileSync(downloads[0].file).subarray(0, 8)],
            [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
          assert.equal(page.data.image.path, downloads[0].file)
          assert.equal(await wxacodeCalls(mileage), 1)
          assert.equal(text(find(page, '#totals')), '我的推荐0已奖励0待消费0获得积分')
          assert.equal(text(find(page, '#empty')), '还没有推荐记录，分享小程序码邀请好友吧')
          assert.deepEqual(page.instance.onShareAppMessage(), {
            title: '邀请您成为车主会员，首次消费双方有礼',
            path: `/pages/home/index?scene=${encodeURIComponent(`r=${code.code}`)}`})
          closePages()

          // Her own code, as if she opened her own share: refused, and forgotten.
          assert.equal(referral.remember({query: {scene: encodeURIComponent(code.scene)}}),
            code.code)
          assert.deepEqual(await referral.attachPending(), {attached: false, code: 'SELF_REFERRAL'})
          assert.equal(wx.storage.has(referral.PENDING_KEY), false)

          // A second owner who has a code of their own (a member who only logged in).
          realWx(mileage, 'e2e-ref-carol')
          const carolCode = (await api.referralCode()).code
          assert.notEqual(carolCode, code.code)

          // The new owner: the mini-program opened with the wxacode's scene (WeChat passes it
          // percent-encoded), then app.js's onShow: remember, then attach (logging in first).
          wx = realWx(mileage, 'e2e-ref-bob')
          assert.equal(referral.remember({query: {scene: encodeURIComponent(`r=${code.code}`)}}),
            code.code)
          assert.equal(wx.storage.get(referral.PENDING_KEY), code.code)
          assert.deepEqual(await referral.attachPending(), {attached: true})
          assert.equal(wx.storage.has(referral.PENDING_KEY), false)
          const bob = (await api.me()).member
          let listed = await mileage.console('GET',
            `/api/console/referrals?referee_member_id=${bob.id}`)
          assert.equal(listed.status, 200, JSON.stringify(listed.body))
          assert.equal(listed.body.total, 1)
          const pending = listed.body.items[0]
          assert.deepEqual([pending.referrer_member_id, pending.referee_member_id, pending.state,
            pending.qualified_at], [alice.id, bob.id, 'pending', null])
          assert.equal(seconds(pending.expires_at) - seconds(pending.attached_at),
            RULE.window_days * DAY_S)
          // The same code again is the same referral; another referrer's is refused.
          assert.equal((await api.attachReferral(code.code)).id, pending.id)
          referral.remember({query: {scene: encodeURIComponent(`r=${carolCode}`)}})
          assert.deepEqual(await referral.attachPending(), {attached: false, code: 'ALREADY_REFERRED'})
          assert.equal(wx.storage.has(referral.PENDING_KEY), false)
          await assert.rejects(api.attachReferral(carolCode),
            err => err.status === 409 && err.code === 'ALREADY_REFERRED')
          listed = await mileage.console('GET', `/api/console/referrals?referee_member_id=${bob.id}`)
          assert.deepEqual(listed.body.items.map(r => [r.id, r.referrer_member_id, r.state]),
            [[pending.id, alice.id, 'pending']])

          // The referrer sees it waiting.
          wx = realWx(mileage, 'e2e-ref-alice')
          downloads = realDownloads(mileage.dir)
          page = await openReady('referrals', '#page', '推荐有礼')
          const attachedDay = beijing(pending.attached_at)
          assert.equal(text(find(page, `#referral-${pending.id}`)),
            `微信好友待好友消费${attachedDay} 受邀`)
          assert.equal(text(find(page, '#totals')), '我的推荐0已奖励1待消费0获得积分')
          await waitFor(() => find(page, '#code-image'), 10000, 'the code image again')
          assert.equal(await wxacodeCalls(mileage), 1, 'the server keeps the image: WeChat is asked once')
          closePages()

          // Bob's first payment, above the minimum: both rewarded, once.
          const paid = RULE.min_amount_fen + 1800
          await mileage.pay(paid, 'e2e-ref-bob')
          const rewarded = await poll(async () => {
            const res = await mileage.console('GET',
              `/api/console/referrals?referee_member_id=${bob.id}`)
            return res.body.items[0].state !== 'pending' && res.body.items[0]
          }, 10000, 'the referral settled')
          assert.deepEqual([rewarded.state, rewarded.payment_fen, rewarded.referrer_points,
            rewarded.referee_points], ['rewarded', paid, RULE.referrer_points, RULE.referee_points])
          assert.ok(rewarded.qualified_at)
          const month = beijing(rewarded.qualified_at).slice(0, 7).replace('-', '')
          assert.equal(String(rewarded.reward_month), month)

          // The referrer's page and points.
          page = await openReady('referrals', '#page', '推荐有礼')
          assert.equal(text(find(page, `#referral-${pending.id}`)),
            `微信好友已奖励${attachedDay} 受邀+${RULE.referrer_points}积分`)
          assert.equal(text(find(page, '#totals')), `我的推荐1已奖励0待消费${RULE.referrer_points}获得积分`)
          closePages()
          assert.equal((await api.card()).points.balance, aliceBefore + RULE.referrer_points)
          const aliceJournal = (await api.points()).items
          assert.deepEqual([aliceJournal[0].points, aliceJournal[0].reason],
            [RULE.referrer_points, 'referral'])
          const mine = await api.referrals()
          assert.deepEqual([mine.totals.rewarded, mine.totals.pending, mine.totals.points],
            [1, 0, RULE.referrer_points])
          assert.deepEqual(mine.rule, {window_days: RULE.window_days,
            min_amount_fen: RULE.min_amount_fen, referrer_points: RULE.referrer_points,
            referee_points: RULE.referee_points, referrer_coupon: false, referee_coupon: false,
            monthly_cap: RULE.monthly_cap})

          // The referee's: the payment's points and the reward on top.
          realWx(mileage, 'e2e-ref-bob')
          const bobJournal = (await api.points()).items
          assert.deepEqual(bobJournal.map(e => e.reason).sort(), ['payment', 'referral'])
          assert.equal(bobJournal.find(e => e.reason === 'referral').points, RULE.referee_points)
          const bobCard = await api.card()
          assert.equal(bobCard.points.balance, bobJournal.reduce((sum, e) => sum + e.points, 0))
          const earned = bobJournal.find(e => e.reason === 'payment').points
          assert.equal(bobCard.points.balance, earned + RULE.referee_points)
          // The console's view of the member agrees.
          const bobConsole = await mileage.console('GET', `/api/console/members/${bob.id}`)
          assert.equal(bobConsole.body.balance.balance, earned + RULE.referee_points)
          // A paying member can no longer be referred by anyone else.
          await assert.rejects(api.attachReferral(carolCode),
            err => err.status === 409 && err.code === 'ALREADY_REFERRED')
          const after = await mileage.console('GET', '/api/console/referrals')
          assert.equal(after.body.total, 1)
        })

      await t.test('服务评价: the home card, rating a visit once, another member\'s visit',
        async () => {
          const amount = 8800
          await mileage.pay(amount, 'e2e-fb-dave')
          let wx = realWx(mileage, 'e2e-fb-dave')
          const dave = (await api.me()).member
          const visits = (await api.feedbackVisits()).items
          assert.equal(visits.length, 1)
          const visit = visits[0]
          assert.deepEqual([visit.kind, visit.store.id, visit.store.name, visit.amount_fen,
            visit.rating], ['payment', mileage.storeId, 'Store 1', amount, null])
          assert.ok(Math.abs(seconds(visit.visited_at) - Date.now() / 1000) < 120)
          assert.equal(seconds(visit.rateable_until) - seconds(visit.visited_at), 7 * DAY_S)
          const key = `payment-${visit.id}`

          // 首页 asks about it.
          let home = openPage('home')
          await waitFor(() => find(home, '#feedback-notice') || find(home, '#error'), 10000,
            'the feedback card')
          assert.equal(text(find(home, '#feedback-notice')), '您对最近一次在Store 1的服务满意吗？去评价 ›')
          tap(home, '#feedback-notice')
          await waitFor(() => wx.navigations.length, 2000, 'the navigation')
          assert.deepEqual(wx.navigations, ['/pages/feedback/index'])
          closePages()

          // 服务评价, and a second copy of it left open (to be stale later).
          const page = await openReady('feedback', '#page', '服务评价')
          const stale = await openReady('feedback', '#page', 'a second 服务评价')
          assert.equal(text(find(page, `#visit-${key}`)), `Store 1到店消费${beijing(visit.visited_at, true)}` +
            ` · ¥${amount / 100}${beijing(visit.rateable_until, true)} 前可评价评价`)
          tap(page, `#rate-${key}`)
          await waitFor(() => find(page, `#form-${key}`), 2000, 'the form')
          tap(page, '#score-9')
          const comment = '师傅很专业，洗车很干净👍'
          type(page, '#comment', comment)
          await waitFor(() => page.data.score === 9 && page.data.comment === comment)
          assert.equal(text(find(page, '#count')), `${Array.from(comment).length}/500`)
          tap(page, '#submit')
          await waitFor(() => find(page, `#rated-${key}`), 10000, 'the rated visit')
          assert.equal(text(find(page, `#rated-${key}`)), `已评价 9 分${comment}`)
          assert.deepEqual(wx.toasts, [{title: '感谢您的评价', icon: 'success'}])

          // The server holds it.
          const held = (await api.feedbackVisits()).items[0]
          assert.equal(held.id, visit.id)
          assert.deepEqual([held.rating.kind, held.rating.visit_id, held.rating.score,
            held.rating.comment], ['payment', visit.id, 9, comment])
          const nps = await mileage.console('GET',
            `/api/console/feedback/nps?store_id=${mileage.storeId}&days=7`)
          assert.equal(nps.status, 200, JSON.stringify(nps.body))
          assert.deepEqual(nps.body.overall, {promoters: 1, passives: 0, detractors: 0,
            responses: 1, nps: 100})
          const stored = () => sql(mileage, 'SELECT member_id, visit_kind, visit_id, score, comment ' +
            'FROM feedback_ratings')
          assert.equal(stored(), `${dave.id}|payment|${visit.id}|9|${comment}`)

          // Rating it again from the page left open: refused, the page shows the rating held.
          tap(stale, `#rate-${key}`)
          await waitFor(() => find(stale, `#form-${key}`), 2000, 'the stale form')
          tap(stale, '#score-2')
          type(stale, '#comment', '不满意')
          await waitFor(() => stale.data.score === 2)
          await stale.instance.submit()
          await waitFor(() => find(stale, `#rated-${key}`), 10000, 'the list read again')
          assert.equal(stale.data.formError, '您已评价过这次到店')
          assert.equal(text(find(stale, `#rated-${key}`)), `已评价 9 分${comment}`)
          await assert.rejects(api.rateVisit({kind: 'payment', visit_id: visit.id, score: 3}),
            err => err.status === 409 && err.code === 'ALREADY_RATED')
          assert.equal(stored(), `${dave.id}|payment|${visit.id}|9|${comment}`)
          closePages()
          // Nothing left to rate: no card on 首页.
          home = openPage('home')
          await waitFor(() => find(home, '#card') || find(home, '#error'), 10000, 'the home page')
          await home.instance.loadFeedback()
          assert.equal(find(home, '#feedback-notice'), undefined)
          closePages()

          // Another member: dave's visit is not theirs.
          realWx(mileage, 'e2e-fb-eve')
          assert.deepEqual((await api.feedbackVisits()).items, [])
          await assert.rejects(api.rateVisit({kind: 'payment', visit_id: visit.id, score: 0,
            comment: '冒名评价'}), err => err.status === 404 && err.code === 'VISIT_NOT_FOUND')
          assert.equal(stored(), `${dave.id}|payment|${visit.id}|9|${comment}`)
        })

      await t.test('隐私与数据: export through the page; deletion ends the session, a new member after',
        async () => {
          const amount = 6600
          await mileage.pay(amount, 'e2e-pv-frank')
          let wx = realWx(mileage, 'e2e-pv-frank')
          const frank = (await api.me()).member
          const openid = await openidOf(mileage, 'e2e-pv-frank')
          await api.bindPhone('phone-13900139000')
          const car = await api.addVehicle({plate: '粤B12345', model: 'Model Y'})

          const page = openPage('privacy')
          tap(page, '#export')
          await waitFor(() => find(page, '#exported') || find(page, '#export-error'), 10000,
            'the export')
          assert.ok(find(page, '#exported'), text(page))
          tap(page, '#copy')
          await waitFor(() => wx.clipboard, 2000, 'the copied document')
          const doc = JSON.parse(wx.clipboard)
          assert.equal(doc.member_id, frank.id)
          assert.deepEqual(Object.keys(doc.sections), SECTIONS)
          // What the page lists: every section (in Chinese), with its records.
          assert.deepEqual(page.data.sections.map(s => s.key), SECTIONS)
          for (const s of page.data.sections) {
            assert.notEqual(s.name, s.key, `the section ${s.key} has no Chinese name`)
            assert.equal(text(find(page, `#section-${s.key}`)),
              `${s.name}${doc.sections[s.key].length} 条`)
          }
          const records = SECTIONS.reduce((n, k) => n + doc.sections[k].length, 0)
          assert.equal(text(find(page, '#generated-at')),
            `导出时间 ${beijing(doc.generated_at, true)}，共 ${records} 条记录`)
          assert.equal(text(find(page, '#section-payments')), '支付记录1 条')
          // The member's data in clear for them: the payment, the openid, the phone, the car.
          assert.deepEqual(doc.sections.payments.map(p => [p.amount_fen, p.payer_openid]),
            [[amount, openid]])
          const ids = doc.sections.identities
          assert.ok(ids.some(i => i.kind === 'openid' && i.appid === APPID && i.value === openid),
            JSON.stringify(ids))
          assert.ok(ids.some(i => i.kind === 'phone' && i.value === '13900139000'),
            JSON.stringify(ids))
          assert.deepEqual(doc.sections.vehicles.map(v => [v.id, v.plate]), [[car.id, '粤B12345']])
          assert.deepEqual(doc.sections.member.map(m => [m.id, m.number, m.status]),
            [[frank.id, frank.number, 'active']])

          // 注销并删除数据: nothing before 我已了解; then the warning, confirmed.
          const token = wx.storage.get(TOKEN_KEY)
          tap(page, '#delete')
          assert.equal(wx.modals.length, 0)
          tap(page, '#understood')
          await waitFor(() => page.data.understood)
          tap(page, '#delete')
          await waitFor(() => find(page, '#deleted'), 10000, 'the deleted state')
          assert.equal(wx.modals.length, 1)
          assert.equal(wx.modals[0].title, '注销并删除数据')
          assert.match(wx.modals[0].content, /无法恢复/)
          assert.match(text(find(page, '#deleted')), /^您的个人信息已删除/)
          assert.equal(wx.storage.has(TOKEN_KEY), false)
          closePages()

          // The old session is over.
          const next = await withToken(mileage, 'GET', '/api/mp/me', token)
          assert.equal(next.status, 401, JSON.stringify(next.body))
          assert.equal(next.body.code, 'SESSION_ENDED', JSON.stringify(next.body))
          assert.equal(sql(mileage, `SELECT status, deleted_at IS NOT NULL FROM members WHERE id = ${frank.id}`),
            'deleted|1')
          assert.equal(sql(mileage,
            `SELECT COUNT(*) FROM member_identities WHERE member_id = ${frank.id}`), '0')

          // The same WeChat user again: a new member, with nothing of the old one.
          realWx(mileage, 'e2e-pv-frank')
          const again = (await api.me()).member
          assert.notEqual(again.id, frank.id)
          assert.notEqual(again.number, frank.number)
          assert.equal(again.status, 'active')
          const card = await api.card()
          assert.deepEqual([card.points.balance, card.vehicles], [0, []])
          assert.equal(sql(mileage, `SELECT COUNT(*) FROM member_identities WHERE member_id = ${again.id}` +
            ` AND kind = 'openid' AND value = '${openid}'`), '1')
        })
    })
  })

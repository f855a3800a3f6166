// Subscribe messages (订阅消息; docs/API.md, "Subscribe messages (member side)"): asks the member
// for one-time grants of the brand's templates and records WeChat's answer on the server.
//
// WeChat shows its dialog only when wx.requestSubscribeMessage is called within a tap, so the
// brand's templates (GET /api/mp/subscriptions) are read when the page loads (load()) and a tap
// handler calls ask(topics) or askTemplates(ids), which call WeChat at once with what is already
// known; a request made after an await would no longer count as the tap's.
// Nothing here ever rejects or throws: the member's own action (booking, signing up) goes on
// whatever happens to the subscription (no template, the member declines or cancels, WeChat's
// main switch is off, the network fails).
const api = require('./api')

// WeChat takes at most 3 template ids per call (the server's doc; newer WeChat docs say 5).
const MAX_PER_CALL = 3
// errCode of wx.requestSubscribeMessage's fail when the member turned off 接收订阅消息 in the
// mini-program's settings (the main switch).
const MAIN_SWITCH_OFF = 20004

// What each page asks for (docs/API.md, "Subscribe messages (console)": the topics).
const TOPICS = {
  booking: ['appointment.reminder', 'appointment.rescheduled', 'appointment.cancelled'],
  activity: ['activity.promoted', 'activity.cancelled'],
  maintenance: ['maintenance.due'],
}

// One per page load: the templates read once, asked for from the page's taps. Not shared
// between pages.
class Subscriber {
  constructor() {
    this.items = null  // the templates once read: [{template_id, title, topic, marketing, remaining}]
    this.loading = null
    this.error = null  // why they could not be read (utils/request.js's error), else null
  }

  // Reads the brand's templates once; resolves them ([] when they could not be read, with
  // `error` set: the pages then just do not ask).
  load() {
    if (!this.loading) {
      this.loading = api.subscriptions().then(res => {
        this.items = res.items || []
        return this.items
      }, err => {
        this.error = err || {}
        this.items = []
        return this.items
      })
    }
    return this.loading
  }

  // Reads them again (消息订阅's 重试).
  reload() {
    this.loading = null
    this.error = null
    return this.load()
  }

  // The templates read, [] before load() has finished.
  templates() {
    return this.items || []
  }

  // The templates of `topics` (in the order of topics, at most 3), e.g. for a 提醒我 button.
  forTopics(topics) {
    const out = []
    for (const topic of topics) {
      for (const t of this.templates()) {
        if (t.topic === topic && !out.includes(t)) out.push(t)
      }
    }
    return out.slice(0, MAX_PER_CALL)
  }

  // Asks for the brand's templates of `topics`; call from a tap handler. Resolves an outcome
  // (see request()); {state: 'skipped'} when the brand has none for them or they are not read
  // yet.
  ask(topics) {
    return this.request(this.forTopics(topics).map(t => t.template_id))
  }

  // Asks for the templates `ids` (at most 3 are asked); call from a tap handler.
  askTemplates(ids) {
    const known = new Set(this.templates().map(t => t.template_id))
    return this.request(ids.filter(id => known.has(id)).slice(0, MAX_PER_CALL))
  }

  // Calls wx.requestSubscribeMessage now (synchronously, for the tap), then posts WeChat's
  // answer as it is. Resolves {state, accepted, errCode}: state 'skipped' (nothing to ask),
  // 'failed' (WeChat's fail: the member cancelled, the main switch is off (errCode 20004), ...),
  // 'answered' (accepted = how many the member accepted and the server counted),
  // 'unrecorded' (the member answered but the server did not take it: network, ...).
  request(ids) {
    if (!ids.length) return Promise.resolve({state: 'skipped', accepted: 0})
    return new Promise(resolve => {
      try {
        wx.requestSubscribeMessage({
          tmplIds: ids,
          success: answer => resolve(this.record(answer, ids)),
          fail: err => resolve({state: 'failed', accepted: 0,
            errCode: err && err.errCode, mainSwitchOff: Boolean(err && err.errCode === MAIN_SWITCH_OFF)}),
        })
      } catch (e) {
        // An old base library without the API: as if declined.
        resolve({state: 'failed', accepted: 0})
      }
    })
  }

  record(answer, ids) {
    const accepted = ids.filter(id => answer && answer[id] === 'accept').length
    return api.subscribe(answer).then(res => {
      this.items = res.items || this.items
      return {state: 'answered', accepted}
    }, err => ({state: 'unrecorded', accepted: 0, errCode: err && err.code}))
  }
}

// What the member is told after asking from a button of their own (提醒我, 订阅一次); '' for
// nothing to say. Booking and signing up say nothing: the dialog was not what they tapped for.
function outcomeText(outcome) {
  if (outcome.state === 'answered') return outcome.accepted ? '订阅成功' : '未订阅'
  if (outcome.state === 'unrecorded') return '订阅未能保存，请稍后重试'
  if (outcome.mainSwitchOff) return '您已关闭订阅消息，请在小程序右上角「…」-「设置」中开启'
  return ''
}

function forPage() {
  return new Subscriber()
}

module.exports = {forPage, outcomeText, Subscriber, TOPICS, MAX_PER_CALL, MAIN_SWITCH_OFF}

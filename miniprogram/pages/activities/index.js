// 车主活动: the activities the member can see (GET /api/mp/activities: open, sign-up not closed,
// a tier the member reaches) and those the member holds a sign-up for, soonest first, each with
// its time, place, seats left, sign-up window, tier and the member's own state (已报名, 候补中
// with the waitlist number, 已签到) from GET /api/mp/activity-signups. A card opens the
// activity's page (pages/activity), where the member signs up or cancels.
const api = require('../../utils/api')
const {messageOf, ACTIVITY_MESSAGES} = require('../../utils/errors')
const view = require('../../utils/activity_view')

// An activity the member signed up for that the open list no longer has (its sign-up closed):
// fetched alone; one that is gone meanwhile is left out.
function fetchMissing(ids) {
  return Promise.all(ids.map(id => api.activity(id).catch(() => null)))
    .then(found => found.filter(Boolean))
}

Component({
  data: {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    items: [],
  },
  methods: {
    onLoad() {
      this.loaded = true
      return this.load()
    },
    onShow() {
      // Back from an activity's page, where the member may have signed up or cancelled.
      if (this.loaded && this.data.status !== 'loading') this.load()
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh())
    },
    retry() {
      this.setData({status: 'loading'})
      return this.load()
    },

    load() {
      return Promise.all([api.activities(1, 50), api.activitySignups(1, 200)])
        .then(([open, signups]) => {
          const mine = view.liveSignups(signups.items)
          const listed = {}
          for (const a of open.items) listed[a.id] = true
          const missing = Object.keys(mine).map(Number).filter(id => !listed[id])
          return fetchMissing(missing).then(extra => {
            const now = Date.now()
            const items = open.items.concat(extra)
              .filter(a => Date.parse(a.ends_at) > now)
              .map(a => view.activityView(a, mine[a.id], now))
              .sort((x, y) => x.startsMs - y.startsMs)
            this.setData({status: 'ready', errorMessage: '', items})
          })
        }).catch(err => {
          this.setData({status: 'error', errorMessage: messageOf(err, ACTIVITY_MESSAGES)})
        })
    },

    open(e) {
      wx.navigateTo({url: `/pages/activity/index?id=${Number(e.currentTarget.dataset.id)}`})
    },
  },
})

// 服务评价 (GET /api/mp/feedback/visits, POST /api/mp/feedback/ratings): the member's visits of
// the last 7 days (a payment or a coupon redemption at a store), newest first. An unrated one
// opens a 0-10 scale with an optional comment (at most 500 characters) and 提交评价; a rated one
// shows its score and comment. A refusal says why in Chinese; one that means the list changed
// (already rated, too late, refunded, reversed, gone) reads the list again.
const api = require('../../utils/api')
const {messageOf, FEEDBACK_MESSAGES} = require('../../utils/errors')
const format = require('../../utils/format')

const SCORES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
const MAX_COMMENT = 500
const KIND_NAMES = {payment: '到店消费', redemption: '到店核销'}
// Refusals after which the page's list is out of date.
const STALE = ['ALREADY_RATED', 'RATING_WINDOW_CLOSED', 'VISIT_REFUNDED', 'VISIT_REVERSED',
  'VISIT_NOT_FOUND']

function message(err) {
  return messageOf(err, FEEDBACK_MESSAGES)
}

function keyOf(visit) {
  return `${visit.kind}-${visit.id}`
}

function visitView(v) {
  return {
    key: keyOf(v),
    kind: v.kind,
    id: v.id,
    kindName: KIND_NAMES[v.kind] || '到店',
    store: v.store.name,
    when: format.beijing(v.visited_at),
    amount: v.amount_fen ? `¥${format.yuan(v.amount_fen)}` : '',
    until: format.beijing(v.rateable_until),
    rating: v.rating ? {score: v.rating.score, comment: v.rating.comment} : null,
  }
}

// Characters as the server counts them (code points: a Chinese character or an emoji is one).
function characters(text) {
  return Array.from(text || '').length
}

Component({
  data: {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    visits: [],
    scores: SCORES,
    maxComment: MAX_COMMENT,
    // The visit being rated: its key, the chosen score (null until picked) and the comment.
    open: '',
    score: null,
    comment: '',
    commentLength: 0,
    formError: '',
    submitting: false,
  },
  methods: {
    onLoad() {
      return this.load()
    },
    onPullDownRefresh() {
      return this.load().then(() => wx.stopPullDownRefresh())
    },
    retry() {
      this.setData({status: 'loading'})
      return this.load()
    },

    load() {
      return api.feedbackVisits().then(res => {
        this.setData({status: 'ready', errorMessage: '', visits: res.items.map(visitView)})
      }).catch(err => {
        this.setData({status: 'error', errorMessage: message(err)})
      })
    },

    // 评价: opens the form of one visit (and closes another's).
    rate(e) {
      const key = e.currentTarget.dataset.key
      this.setData({open: this.data.open === key ? '' : key, score: null, comment: '',
        commentLength: 0, formError: ''})
    },
    pick(e) {
      this.setData({score: Number(e.currentTarget.dataset.score), formError: ''})
    },
    onComment(e) {
      const comment = e.detail.value
      this.setData({comment, commentLength: characters(comment)})
    },

    submit() {
      if (this.data.submitting) return Promise.resolve()
      const visit = this.data.visits.find(v => v.key === this.data.open)
      if (!visit) return Promise.resolve()
      if (this.data.score === null) {
        this.setData({formError: '请先选择分数'})
        return Promise.resolve()
      }
      if (this.data.commentLength > MAX_COMMENT) {
        this.setData({formError: `评价最多 ${MAX_COMMENT} 字`})
        return Promise.resolve()
      }
      const body = {kind: visit.kind, visit_id: visit.id, score: this.data.score}
      const comment = this.data.comment.trim()
      if (comment) body.comment = comment
      this.setData({submitting: true, formError: ''})
      return api.rateVisit(body).then(rating => {
        const visits = this.data.visits.map(v => v.key === visit.key
          ? Object.assign({}, v, {rating: {score: rating.score, comment: rating.comment}}) : v)
        this.setData({submitting: false, open: '', visits})
        wx.showToast({title: '感谢您的评价', icon: 'success'})
      }, err => {
        const text = message(err)
        this.setData({submitting: false, formError: text})
        // The list read again closes the form: the refusal stays in sight as a toast.
        if (err && STALE.includes(err.code)) {
          return this.load().then(() => wx.showToast({title: text, icon: 'none'}))
        }
      })
    },
  },
})

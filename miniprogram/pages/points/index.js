// 积分明细: the member's points journal (GET /api/mp/points), newest first, 20 lines a page,
// the next page loaded on reaching the bottom. Each line: what caused it in Chinese, the signed
// points and when (Beijing time).
const api = require('../../utils/api')
const {messageOf} = require('../../utils/errors')
const format = require('../../utils/format')

const PAGE_SIZE = 20

function lineView(line) {
  return {
    id: line.id,
    reason: format.pointsReason(line.reason),
    points: format.signedPoints(line.points),
    gain: line.points > 0,
    at: format.beijing(line.created_at),
  }
}

Component({
  data: {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    items: [],
    total: 0,
    page: 1,
    loadingMore: false,
  },
  methods: {
    onLoad() {
      this.load()
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh())
    },
    onReachBottom() {
      this.loadMore()
    },
    retry() {
      this.setData({status: 'loading'})
      this.load()
    },

    load() {
      const seq = (this.seq || 0) + 1
      this.seq = seq
      return api.points(1, PAGE_SIZE).then(res => {
        if (seq !== this.seq) return
        this.setData({status: 'ready', items: res.items.map(lineView), total: res.total, page: 1,
          errorMessage: ''})
      }).catch(err => {
        if (seq !== this.seq) return
        this.setData({status: 'error', errorMessage: messageOf(err)})
      })
    },

    loadMore() {
      const {status, items, total, page, loadingMore} = this.data
      if (status !== 'ready' || loadingMore || items.length >= total) return
      const seq = this.seq
      this.setData({loadingMore: true})
      return api.points(page + 1, PAGE_SIZE).then(res => {
        if (seq !== this.seq) return
        // A line posted meanwhile shifts the pages: never show one twice.
        const seen = new Set(items.map(i => i.id))
        const more = res.items.map(lineView).filter(i => !seen.has(i.id))
        this.setData({items: items.concat(more), total: res.total, page: page + 1,
          loadingMore: false})
      }, err => {
        this.setData({loadingMore: false})
        wx.showToast({title: messageOf(err), icon: 'none'})
      })
    },
  },
})

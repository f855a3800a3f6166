// 积分明细: the member's points journal (GET /api/mp/points), newest first, 20 lines a page,
// the next page loaded on reaching the bottom. Each line: what caused it in Chinese, the signed
// points and when (Beijing time).
const api = require('../../utils/api')
const format = require('../../utils/format')
const {pagedListData, pagedListMethods} = require('../../utils/paged_list')

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
  data: pagedListData(),
  methods: pagedListMethods((page, size) => api.points(page, size), lineView),
})

// The data and methods of a page that lists one paged member route newest first: loading,
// ready and error states, pull-down refresh, retry, and the next page on reaching the bottom,
// never showing an item twice when new ones shift the pages. `fetchPage(page, size)` resolves
// {items, total}; `view(item)` is what the page shows of one.
const {messageOf} = require('./errors')

const PAGE_SIZE = 20

function pagedListData() {
  return {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    items: [],
    total: 0,
    page: 1,
    loadingMore: false,
  }
}

function pagedListMethods(fetchPage, view) {
  return {
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
      return fetchPage(1, PAGE_SIZE).then(res => {
        if (seq !== this.seq) return
        this.setData({status: 'ready', items: res.items.map(view), total: res.total, page: 1,
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
      return fetchPage(page + 1, PAGE_SIZE).then(res => {
        if (seq !== this.seq) return
        const seen = new Set(items.map(i => i.id))
        const more = res.items.map(view).filter(i => !seen.has(i.id))
        this.setData({items: items.concat(more), total: res.total, page: page + 1,
          loadingMore: false})
      }, err => {
        this.setData({loadingMore: false})
        wx.showToast({title: messageOf(err), icon: 'none'})
      })
    },
  }
}

module.exports = {pagedListData, pagedListMethods, PAGE_SIZE}

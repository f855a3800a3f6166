// The shared half of a page that shows one list from the API: loading, ready or error (with
// 重试), and pull-down refresh. `fetch()` resolves to {items}; `view` turns an item into what
// the page's WXML shows. Pages add their own actions (claim, buy, unlink) and call this.load().
const {messageOf} = require('./errors')

function listPage(fetch, view) {
  return Behavior({
    data: {
      status: 'loading', // loading | ready | error
      errorMessage: '',
      items: [],
    },
    methods: {
      onLoad() {
        this.load()
      },
      onPullDownRefresh() {
        this.load().then(() => wx.stopPullDownRefresh())
      },
      retry() {
        this.setData({status: 'loading'})
        this.load()
      },
      load() {
        return fetch().then(res => {
          this.setData({status: 'ready', items: res.items.map(view), errorMessage: ''})
        }).catch(err => {
          this.setData({status: 'error', errorMessage: messageOf(err)})
        })
      },
    },
  })
}

module.exports = {listPage}

// 即将上线: where an entry goes whose member API is not on the server yet (points history,
// vehicles, stores, profile). It shows no data rather than made-up data.
Component({
  data: {
    title: '',
  },
  methods: {
    onLoad(query) {
      const title = decodeURIComponent((query && query.title) || '')
      this.setData({title})
      if (title) wx.setNavigationBarTitle({title})
    },
    back() {
      wx.navigateBack()
    },
  },
})

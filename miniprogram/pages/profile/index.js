// 个人信息: nickname and birthday (GET/PATCH /api/mp/profile), the bound phone (masked) with the
// getPhoneNumber button (POST /api/mp/phone with its one-time code), and the three consents.
// A consent switch records the member's choice with the version of the text shown here
// (consents are records: each change appends one); a refused change puts the switch back.
const api = require('../../utils/api')
const {messageOf, PHONE_MESSAGES} = require('../../utils/errors')
const format = require('../../utils/format')

// The version of the consent texts below: change it whenever a text changes, so what each
// member agreed to stays known.
const CONSENT_TEXT_VERSION = '2026-01'
const CONSENTS = [
  {kind: 'marketing', title: '营销消息',
    text: '同意接收优惠活动、保养提醒等营销消息，可随时关闭。'},
  {kind: 'partner_sharing', title: '与合作伙伴共享数据',
    text: '同意将会员等级和车辆信息共享给品牌授权的合作伙伴（如保险、救援），用于提供相关服务。'},
  {kind: 'plate_recognition', title: '车牌识别',
    text: '同意门店通过摄像头识别您的车牌，到店时自动识别会员身份。'},
]

function consentLine(c) {
  if (!c || !c.at) return '未同意'
  const when = format.beijing(c.at)
  return `${c.granted ? '已同意' : '已撤回'} · 文本版本 ${c.text_version} · ${when}`
}

function view(profile) {
  return {
    nickname: profile.nickname || '',
    birthday: profile.birthday || '',
    phone: profile.phone || '',
    consents: CONSENTS.map(c => {
      const state = (profile.consents || {})[c.kind] || {}
      return Object.assign({}, c, {granted: Boolean(state.granted), line: consentLine(state)})
    }),
  }
}

Component({
  data: {
    status: 'loading', // loading | ready | error
    errorMessage: '',
    profile: null,
    nicknameDraft: '',
    phoneError: '',
    today: '',
  },
  methods: {
    onLoad() {
      this.setData({today: format.beijingToday()})
      return this.load()
    },
    retry() {
      this.setData({status: 'loading'})
      return this.load()
    },

    load() {
      return api.profile().then(profile => this.show(profile)).catch(err => {
        this.setData({status: 'error', errorMessage: messageOf(err)})
      })
    },

    show(profile) {
      const v = view(profile)
      this.setData({status: 'ready', profile: v, nicknameDraft: v.nickname, errorMessage: ''})
    },

    // One PATCH; the answer is the whole profile, shown. A refusal is a toast. Resolves whether
    // it was saved.
    save(body, done) {
      return api.updateProfile(body).then(profile => {
        this.show(profile)
        if (done) wx.showToast({title: done, icon: 'success'})
        return true
      }, err => {
        wx.showToast({title: messageOf(err), icon: 'none'})
        return false
      })
    },

    onNickname(e) {
      this.setData({nicknameDraft: e.detail.value})
    },
    saveNickname() {
      const nickname = String(this.data.nicknameDraft || '').trim()
      if (Array.from(nickname).length > 32) {
        wx.showToast({title: '昵称最多32个字', icon: 'none'})
        return Promise.resolve()
      }
      if (nickname === this.data.profile.nickname) return Promise.resolve()
      return this.save({nickname}, '昵称已保存')
    },
    onBirthday(e) {
      return this.save({birthday: e.detail.value}, '生日已保存')
    },
    // The switch shows the new state at once; a refused change sets it back (a real change of
    // the data, so the switch re-renders).
    toggleConsent(e) {
      const kind = e.currentTarget.dataset.kind
      const granted = Boolean(e.detail.value)
      const index = this.data.profile.consents.findIndex(c => c.kind === kind)
      if (index < 0) return Promise.resolve()
      const key = `profile.consents[${index}].granted`
      this.setData({[key]: granted})
      return this.save({consents: {[kind]: {granted, text_version: CONSENT_TEXT_VERSION}}},
        granted ? '已同意' : '已撤回').then(ok => {
        if (!ok) this.setData({[key]: !granted})
      })
    },

    // <button open-type="getPhoneNumber">: a code when the member allowed it, none when not.
    onPhoneNumber(e) {
      const code = e && e.detail && e.detail.code
      if (!code) {
        this.setData({phoneError: '未授权手机号，绑定已取消'})
        return Promise.resolve()
      }
      this.setData({phoneError: ''})
      return api.bindPhone(code).then(res => {
        this.setData({'profile.phone': res.phone})
        wx.showToast({title: '手机号已绑定', icon: 'success'})
      }, err => {
        this.setData({phoneError: messageOf(err, PHONE_MESSAGES)})
      })
    },
  },
})

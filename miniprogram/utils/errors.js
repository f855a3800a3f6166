// Chinese text for the server's stable error codes (docs/API.md), shown to the member.
const MESSAGES = {
  NETWORK_ERROR: '网络异常，请检查网络后重试',
  WX_LOGIN_FAILED: '微信登录失败，请重试',
  INVALID_CODE: '登录失败，请重试',
  CODE_USED: '登录失败，请重试',
  LOGIN_REFUSED: '微信暂时限制了登录，请稍后再试',
  MEMBER_SUSPENDED: '会员账户已停用，请联系门店',
  APP_NOT_FOUND: '小程序未在商家后台登记，请联系商家',
  APP_NOT_MINIPROGRAM: '小程序配置有误，请联系商家',
  APP_INACTIVE: '小程序已停用，请联系商家',
  APP_NO_SECRET: '小程序配置有误，请联系商家',
  APP_MISCONFIGURED: '小程序配置有误，请联系商家',
  RATE_LIMITED: '操作太频繁，请稍后再试',
  WECHAT_RATE_LIMITED: '操作太频繁，请稍后再试',
  WECHAT_UNAVAILABLE: '微信服务暂时不可用，请稍后再试',
  UNAVAILABLE: '服务暂时不可用，请稍后再试',
  INTERNAL: '服务暂时不可用，请稍后再试',
  ABORTED: '领取的人太多了，请稍后重试',
  MISSING_TOKEN: '登录已失效，请重试',
  INVALID_TOKEN: '登录已失效，请重试',
  SESSION_EXPIRED: '登录已过期，请重试',
  SESSION_REVOKED: '登录已失效，请重试',
  SESSION_ENDED: '登录已失效，请重试',
  NOT_FOUND: '该功能暂未开放',
  MEMBER_NOT_FOUND: '会员信息不存在',
  STOCK_NOT_FOUND: '该优惠券活动不存在',
  COUPON_NOT_FOUND: '优惠券不存在',
  SOLD_OUT: '来晚了，优惠券已抢光',
  LIMIT_REACHED: '您已达到该券的领取上限',
  NOT_ELIGIBLE: '您暂不符合领取条件',
  NOT_ACTIVE: '活动未开始或已结束',
  ALREADY_REDEEMED: '该券已核销',
  COUPON_EXPIRED: '该券已过期',
  COUPON_VOIDED: '该券已作废',
  COUPON_NOT_YET_VALID: '该券还未到使用时间',
}

// The member-facing message of an error from utils/request.js (or anything thrown).
function messageOf(err) {
  const code = err && err.code
  if (code && MESSAGES[code]) return MESSAGES[code]
  if (code) return `请求失败（${code}）`
  return '请求失败，请稍后重试'
}

module.exports = {messageOf, MESSAGES}

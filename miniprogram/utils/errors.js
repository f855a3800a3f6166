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
  INVALID_PAGE: '分页参数有误，请刷新重试',
  INVALID_FIELD: '填写的内容有误，请检查后重试',
  MISSING_FIELD: '请填写必填项',
  UNKNOWN_FIELD: '请求有误，请更新小程序后重试',
  INVALID_ID: '车辆不存在或已删除',
  INVALID_PLATE: '车牌号格式不正确',
  INVALID_VIN: '车架号（VIN）不正确，请核对后重试',
  INVALID_MODEL: '车型请填写1到64个字',
  INVALID_PURCHASE_DATE: '购车日期不正确',
  INVALID_MILEAGE: '行驶里程须为0到9999999之间的整数',
  INVALID_CORRECTION_REASON: '更正原因请填写1到200个字',
  CORRECTION_REASON_REQUIRED: '里程比上次记录少，请填写更正原因',
  VEHICLE_NOT_FOUND: '车辆不存在或已删除',
  VEHICLE_EXISTS: '该车牌号已被登记',
  VEHICLE_LIMIT: '最多可添加10辆车',
  PHONE_TAKEN: '该手机号已绑定其他会员，请联系门店处理',
  PHONE_NOT_SUPPORTED: '暂只支持中国大陆手机号',
  PHONE_REFUSED: '微信暂时限制了获取手机号，请稍后再试',
  UNKNOWN_PACKAGE: '该套餐已下架',
  PAYMENT_UNAVAILABLE: '该门店暂不支持在线购买',
  ORDER_NOT_FOUND: '订单不存在',
  PARTNER_NOT_FOUND: '该合作伙伴已解除关联',
  PAY_FAILED: '支付未完成，请稍后重试',
  INVALID_SERVICE_TYPE: '服务项目有误，请重新选择',
  SLOT_NOT_FOUND: '该时段不存在，请重新选择',
  APPOINTMENT_NOT_FOUND: '预约不存在或已删除',
  STORE_INACTIVE: '该门店已暂停营业',
  SLOT_STARTED: '该时段已开始，请选择其他时段',
  SERVICE_NOT_OFFERED: '该时段不提供所选服务',
  SLOT_FULL: '该时段已约满，请选择其他时段',
  ALREADY_BOOKED: '您已预约过该时段',
  COUPON_NOT_ATTACHABLE: '该券不能用于预约，请选择兑换券',
  WRONG_STORE: '该券不适用于此门店',
  COUPON_RESERVED: '该券已被其他预约占用',
  CHANGE_CUTOFF_PASSED: '已超过门店规定的可修改时间，请联系门店',
  SLOT_OTHER_STORE: '只能改约到同一门店的时段',
  SAME_SLOT: '请选择与原预约不同的时段',
  APPOINTMENT_CHECKED_IN: '您已到店，预约不能再修改',
  APPOINTMENT_COMPLETED: '预约已完成，不能再修改',
  APPOINTMENT_CANCELLED: '预约已取消',
  REMINDER_NOT_FOUND: '该提醒已处理',
  SUBSCRIBE_TEMPLATE_NOT_FOUND: '该消息已停止订阅，请刷新后重试',
  INVALID_SUBSCRIBE_ANSWER: '订阅未能保存，请稍后重试',
  MALFORMED_JSON: '请求有误，请更新小程序后重试',
  BODY_NOT_OBJECT: '请求有误，请更新小程序后重试',
  PAYLOAD_TOO_LARGE: '请求有误，请更新小程序后重试',
}

// Where one code means something else on a page: a code from the phone button, not wx.login.
const PHONE_MESSAGES = {
  INVALID_CODE: '获取手机号失败，请重新授权',
  CODE_USED: '获取手机号失败，请重新授权',
}

// A purchase (POST /api/mp/orders): SOLD_OUT and LIMIT_REACHED are about the package's coupons.
const PURCHASE_MESSAGES = {
  UNKNOWN_PACKAGE: '该套餐已下架',
  LIMIT_REACHED: '您已达到该套餐的购买上限',
  SOLD_OUT: '该套餐已售罄',
  PAYMENT_UNAVAILABLE: '该门店暂不支持在线购买',
}

// 我的合作伙伴: an id refused in a partner's path is a partner, not a vehicle.
const PARTNER_MESSAGES = {
  INVALID_ID: '该合作伙伴已解除关联',
}

// The member-facing message of an error from utils/request.js (or anything thrown); `overrides`
// (e.g. PHONE_MESSAGES) takes precedence over the common text.
function messageOf(err, overrides) {
  const code = err && err.code
  if (code && overrides && overrides[code]) return overrides[code]
  if (code && MESSAGES[code]) return MESSAGES[code]
  if (code) return `请求失败（${code}）`
  return '请求失败，请稍后重试'
}

// 隐私与数据: a refused export is the hourly limit of exports.
const PRIVACY_MESSAGES = {
  RATE_LIMITED: '导出太频繁，请一小时后再试',
  CONFIRMATION_REQUIRED: '请先确认删除',
}

// Appointment routes: an id refused there is a slot, vehicle or appointment, and ABORTED a
// concurrent change of the appointment, not a crowded claim.
const APPOINTMENT_MESSAGES = {
  INVALID_ID: '预约信息有误，请刷新后重试',
  ABORTED: '预约刚刚发生了变化，请刷新后重试',
  NOT_FOUND: '门店不存在或已停止营业',
}

// Activity routes: an id refused there is an activity's or a sign-up's, ABORTED a sign-up that
// changed meanwhile.
const ACTIVITY_MESSAGES = {
  INVALID_ID: '活动信息有误，请刷新后重试',
  ABORTED: '报名情况刚刚发生了变化，请刷新后重试',
  ACTIVITY_NOT_FOUND: '活动不存在或已下线',
  SIGNUP_NOT_FOUND: '报名记录不存在，请刷新后重试',
  ACTIVITY_CANCELLED: '该活动已取消',
  SIGNUP_NOT_OPEN: '报名尚未开始，请在报名时间内报名',
  SIGNUP_CLOSED: '报名已截止',
  TIER_TOO_LOW: '您的会员等级暂不能报名该活动',
  ALREADY_SIGNED_UP: '您已报名该活动',
  SIGNUP_CANCELLED: '该报名已取消',
  SIGNUP_CHECKED_IN: '您已签到，不能取消报名',
  ACTIVITY_STARTED: '活动已开始，不能取消报名',
}

// Reminder routes: an id refused there is a reminder's.
const REMINDER_MESSAGES = {
  INVALID_ID: '该提醒已处理',
}

// Visit feedback (服务评价): an id refused there is a visit's.
const FEEDBACK_MESSAGES = {
  INVALID_ID: '到店记录有误，请刷新后重试',
  INVALID_KIND: '到店记录有误，请刷新后重试',
  VISIT_NOT_FOUND: '到店记录不存在，请刷新后重试',
  INVALID_SCORE: '请选择 0 到 10 分',
  INVALID_COMMENT: '评价最多 500 字，且不能换行或包含特殊字符',
  VISIT_REFUNDED: '该笔消费已退款，无需评价',
  VISIT_REVERSED: '该次核销已撤销，无需评价',
  RATING_WINDOW_CLOSED: '已超过评价期限（到店后 7 天内可评价）',
  ALREADY_RATED: '您已评价过这次到店',
}

module.exports = {messageOf, MESSAGES, PHONE_MESSAGES, PURCHASE_MESSAGES, PARTNER_MESSAGES,
  APPOINTMENT_MESSAGES, ACTIVITY_MESSAGES, REMINDER_MESSAGES, FEEDBACK_MESSAGES,
  PRIVACY_MESSAGES}

// Each stable error code of docs/API.md as the Chinese message staff see.
const MESSAGES = {
  NETWORK: '网络连接失败，请检查网络后重试',
  INVALID_CREDENTIALS: '用户名或密码错误',
  MISSING_TOKEN: '请先登录',
  INVALID_TOKEN: '登录状态无效，请重新登录',
  SESSION_EXPIRED: '登录已过期，请重新登录',
  SESSION_REVOKED: '您已退出登录，请重新登录',
  STAFF_DEACTIVATED: '账号或所属组织已停用，请联系管理员',
  CREDENTIALS_CHANGED: '账号的密码、角色或范围已变更，请重新登录',
  PERMISSION_DENIED: '您的角色无权执行此操作',
  NOT_FOUND: '未找到，或不在您的管理范围内',
  WEAK_PASSWORD: '密码至少 8 个字符',
  INVALID_ROLE: '角色无效',
  INVALID_SCOPE: '所属组织与角色不匹配',
  UNKNOWN_FIELD: '请求包含无法识别的字段',
  USERNAME_EXISTS: '该用户名已被使用',
  LAST_BRAND_ADMIN: '品牌至少需要保留一名启用的品牌管理员',
  HAS_ACTIVE_CHILDREN: '下级组织仍在启用中，请先停用下级',
  INVALID_PLATFORM_KEY: '平台证书或公钥无效：无法解析、不是 RSA 密钥或短于 2048 位，或与序列号类型不符（PUB_KEY_ID_ 配公钥，证书序列号配证书）',
  PLATFORM_KEY_SERIAL_MISMATCH: '证书序列号与证书内容不一致，请核对序列号',
  PLATFORM_KEY_EXPIRED: '平台证书已过期，请使用微信支付新签发的证书',
  PLATFORM_KEY_NOT_FOUND: '该商户没有此序列号的平台证书',
  PLATFORM_KEY_EXISTS: '该平台证书已在使用中',
  TOO_MANY_PLATFORM_KEYS: '平台证书数量已达上限（20 个）',
  TOO_MANY_PARTNER_SECRETS: '该合作伙伴已有两个有效密钥，不能再轮换：请先确认合作伙伴已改用新密钥，停用旧密钥后再轮换',
  LAST_PARTNER_SECRET: '不能停用合作伙伴唯一有效的密钥：停用后其所有请求都将被拒绝。请先轮换出新密钥，合作伙伴改用后再停用旧密钥',
  PARTNER_SECRET_NOT_FOUND: '该合作伙伴没有这个密钥，请刷新后重试',
  LAST_PLATFORM_KEY: '不能停用最后一个可用的平台证书：停用后该商户的支付通知将无法验证。请先添加新证书，再停用旧证书',
  APPID_NOT_REGISTERED: '该 AppID 未登记为本品牌的应用，请先登记应用',
  APP_INACTIVE: '该 AppID 对应的应用已停用，请先启用应用',
  MERCHANT_EXISTS: '该商户号已注册（商户号不能重复注册）',
  INVALID_TRANSACTION_ID: '交易单号格式不正确',
  TRANSACTION_NOT_FOUND: '未找到该交易，或不在您的管理范围内',
  TRANSACTION_AMBIGUOUS: '多个商户有此交易单号，请填写商户号',
  INVALID_GROUP: '按经销商统计需要区域或更高的范围',
  INVALID_BUCKET: '统计周期只能按周或按月',
  INVALID_STATE: '跟进状态无效',
  INVALID_NOTE: '跟进备注最多 500 字，且不能包含换行等控制字符',
  RATING_NOT_FOUND: '未找到该评价，或不在您的管理范围内',
  NOT_A_DETRACTOR: '只有 0 到 6 分的评价需要跟进',
  INVALID_TRANSITION: '该评价已被跟进到其他状态，请刷新后重试',
  FOLLOW_UP_CONFLICT: '其他同事刚刚处理了该评价，请刷新后重试',
  UNAVAILABLE: '服务暂时不可用，请稍后重试',
  INTERNAL: '服务器内部错误，请稍后重试',
  ABORTED: '操作与其他请求冲突，请重试',
  INVALID_COUPON_CODE: '券码有误，请核对后重新输入',
  COUPON_NOT_FOUND: '未找到该券，或该券不属于您可见的活动',
  ALREADY_REDEEMED: '该券已核销，不能重复使用',
  COUPON_EXPIRED: '该券已过期',
  COUPON_VOIDED: '该券已作废（对应支付已退款）',
  COUPON_NOT_YET_VALID: '该券尚未到可用时间',
  WRONG_STORE: '该券不适用于本门店',
  BELOW_THRESHOLD: '订单金额未达到该券的使用门槛',
  STORE_INACTIVE: '门店已停用',
  REQUEST_ID_REUSED: '本次核销请求已用于其他券或金额，请重新扫码',
  QR_TOKEN_EXPIRED: '二维码已过期，请会员刷新后重新出示',
  INVALID_QR_TOKEN: '二维码无效，请重新扫码',
  INVALID_REDEMPTION: '请扫描券码或二维码',
  INVALID_ORDER_AMOUNT: '订单金额无效，请输入大于 0 的金额',
  INVALID_REQUEST_ID: '请求编号无效，请重试',
  INVALID_REASON: '撤销原因需为 1 到 255 个字',
  ALREADY_REVERSED: '该核销已撤销',
  REDEMPTION_NOT_FOUND: '未找到该核销记录',
  INVALID_MEMBER_CODE: '会员码无效，请重新扫码',
  MEMBER_CODE_EXPIRED: '会员码已过期，请会员刷新后重新出示',
  MEMBER_NOT_FOUND: '未找到该会员，或该会员不在您的管理范围内',
  INVALID_QUERY: '请输入会员号、手机号、车牌号或 openid',
  INVALID_RANGE: '日期范围无效：结束日期不能早于开始日期，且最多 92 天',
  EXPORT_TOO_LARGE: '导出的记录过多（超过 10 万条），请缩小日期范围',
  INVALID_MEMBER_NUMBER: '会员号校验位不正确，请核对',
  INVALID_PHONE: '手机号格式不正确',
  INVALID_PLATE: '车牌号格式不正确',
  INVALID_STOCK: '活动设置有误',
  UNKNOWN_TIER: '会员等级不存在',
  STORE_NOT_IN_STOCK_NODE: '所选门店不在活动所属组织范围内',
  INVALID_STATE_TRANSITION: '活动当前状态不能执行此操作',
  STOCK_NOT_EDITABLE: '活动已结束或已启用，不能修改此项',
  PARENT_INACTIVE: '所属组织已停用',
  NOT_ACTIVE: '活动未启用或已过期',
  NOT_ELIGIBLE: '不符合领取条件',
  SOLD_OUT: '券已发完',
  LIMIT_REACHED: '已达每人限领数量',
  STOCK_NOT_FOUND: '未找到该活动',
  INVALID_FIELD: '输入有误',
  MISSING_FIELD: '缺少必填项',
  INVALID_ID: '编号无效',
  INVALID_PAGE: '分页参数无效',
  INVALID_EARNING_RULE: '积分规则超出范围：每元积分 0–10000，等级倍率 0–10000%，单笔上限 0–1000000000',
  INVALID_MEMBER_REF: '会员编号无效',
  INVALID_GRANT: '发放名单需为 1 到 500 名会员',
  PARTNER_RULE_MISSING: '尚未设置积分规则，合作伙伴的积分请求将被拒绝',
  INVALID_PERIOD: '结算期无效，请选择 2000 至 2200 年间的月份',
  PARTY_NOT_FOUND: '未找到该结算方：只能是品牌或本品牌的合作伙伴',
  PERIOD_NOT_ENDED: '该月尚未结束（北京时间），不能关闭账期：请在月份结束后再结算',
  EARLIER_PERIOD_OPEN: '更早的月份还有未结算的积分且未关闭账期：请先关闭更早的账期',
  LATER_PERIOD_CLOSED: '更晚的月份已关闭账期，不能再关闭更早的月份',
  MALFORMED_JSON: '请求格式有误',
  BODY_NOT_OBJECT: '请求格式有误',
  PAYLOAD_TOO_LARGE: '提交的内容过大',
  SCHEDULE_NOT_FOUND: '该门店尚未设置预约时段',
  APPOINTMENT_NOT_FOUND: '未找到该预约，或不在您的管理范围内',
  INVALID_HOURS: '营业时间有误：每天填写“HH:MM-HH:MM”（开始早于结束）或留空表示休息，且至少一天营业',
  INVALID_SLOT_MINUTES: '时段长度需为 10 到 480 分钟',
  INVALID_CAPACITY: '每个时段的接待数需为 1 到 100',
  INVALID_SERVICE_TYPE: '服务项目需为 1 到 10 个不重复的代码（小写字母、数字或下划线，最长 32 位）',
  INVALID_CUTOFF: '改约截止时间需为 0 到 10080 分钟',
  INVALID_HOLIDAY: '休息日有误：需为真实日期（YYYY-MM-DD）且不能重复，最多 366 天',
  SLOT_IN_PAST: '时段开始时间必须晚于现在',
  SLOT_EXISTS: '该门店在此时间已有时段',
  WRONG_MEMBER: '会员码不属于该预约的会员',
  NOT_APPOINTMENT_DAY: '只能在预约当天（北京时间）办理到店',
  APPOINTMENT_CHECKED_IN: '该预约已到店',
  APPOINTMENT_COMPLETED: '该预约已完成',
  APPOINTMENT_CANCELLED: '该预约已取消',
  NOT_CHECKED_IN: '会员尚未到店，不能完成',
  COUPON_NOT_HELD: '该券已不再为此预约保留',
  COUPON_RESERVED: '该券已用于会员的预约，将在预约完成时核销',
  WEBHOOK_NOT_FOUND: '未找到该推送地址，可能已被删除',
  INVALID_WEBHOOK_URL: '推送地址无效：需为 http:// 或 https:// 开头的公网地址，最长 2048 字节，不能含用户名密码或空格',
  INVALID_WEBHOOK_TOPICS: '事件主题无效：最多 20 个，每个为小写字母、数字、下划线和点组成的主题（如 payment.recorded）或前缀（如 payment.*）',
  INVALID_EVENT_RANGE: '事件编号范围无效：起始编号需大于 0、不大于结束编号，且一次最多 1000 个',
  TOO_MANY_WEBHOOKS: '推送地址已达上限（每个品牌 20 个）',
  ACTIVITY_NOT_FOUND: '未找到该活动，或不在您的管理范围内',
  ACTIVITY_CANCELLED: '该活动已取消',
  ACTIVITY_STARTED: '活动已开始，不能再取消报名',
  INVALID_TIME: '时间有误：开始需早于结束且结束晚于现在，报名开始需早于报名截止，报名需在活动开始前截止',
  INVALID_NODE_TYPE: '组织类型无效',
  NOT_ACTIVITY_TIME: '只能在活动当天（北京时间）至活动结束前签到',
  NOT_SIGNED_UP: '该会员未报名此活动',
  SIGNUP_WAITLISTED: '该会员仍在候补名单中，不能签到',
  SIGNUP_CHECKED_IN: '该会员已签到',
  SIGNUP_CANCELLED: '该报名已取消',
  SIGNUP_NOT_FOUND: '未找到该报名，请刷新后重试',
  INVALID_TOPIC: '消息主题无效，请从列表中选择',
  INVALID_TEMPLATE_ID: '模板 ID 无效：需为 1 到 64 位字母、数字、下划线或连字符（微信公众平台“订阅消息”中的模板 ID）',
  INVALID_TEMPLATE_FIELDS: '字段对应无效：需 1 到 10 行；关键词为模板详情中的名称（类型加 1 到 3 位数字，如 thing1、time2、character_string3），事件字段为小写字母、数字或下划线（最长 64 位）',
  SUBSCRIBE_TEMPLATE_NOT_FOUND: '未找到该订阅消息模板，可能已被删除',
  SUBSCRIBE_TEMPLATE_EXISTS: '本品牌已登记该模板 ID，请编辑已有的模板',
  TOO_MANY_SUBSCRIBE_TEMPLATES: '订阅消息模板已达上限（每个品牌 50 个）',
  INVALID_KIND: '关怀类型无效：需为生日或首次消费周年',
  INVALID_DAYS_BEFORE: '提前天数需为 0 到 7 天',
  CARE_RULE_NOT_FOUND: '未找到该关怀规则，可能已被删除',
  INVALID_MODEL: '车型无效：需为 1 到 64 个字（去掉首尾空格后），不能含控制字符',
  INTERVAL_NOT_FOUND: '未找到该车型的保养周期，可能已被删除',
  INVALID_DAYS: '天数有误：流失天数与保修期后流失天数需为 1 到 3650 天，冷却期为 0 到 3650 天',
  INVALID_WARRANTY: '保修年限需为 0 到 30 年',
  INVALID_THRESHOLD: '保修期后的流失天数不能少于流失天数',
  INVALID_LIMIT: '每页条数需为 1 到 200',
  INVALID_CURSOR: '翻页位置无效，请从第一页重新查看',
  INVALID_MONTH: '月份有误，请选择起止月份',
  INVALID_RANGE: '月份范围有误：结束月份不能早于开始月份，最多 12 个月',
  DEALER_NOT_FOUND: '未找到该经销商，或不在您的管理范围内',
  // Tags and segments (docs/API.md "Tags and segments (console)").
  JSON_TOO_DEEP: '请求内容嵌套层数过多',
  BODY_TOO_LARGE: '请求内容过大（最多 16 KiB）',
  INVALID_FILTER: '筛选条件格式无效：每条条件需为标签、手动标签或条件组，条件组不能为空',
  UNKNOWN_TAG: '筛选条件使用了未知的标签',
  INVALID_OP: '该标签不支持所选的比较方式',
  INVALID_VALUE: '筛选条件的取值无效：RFM 评分为 1–5，天数、次数和金额为不小于 0 的整数，文字最多 64 字节',
  FILTER_TOO_DEEP: '筛选条件嵌套超过 4 层',
  FILTER_TOO_LARGE: '筛选条件过多：最多 20 条条件，每条最多 20 个取值',
  INVALID_TAG_NAME: '手动标签名需为 1–20 个字符，首尾不能有空格，不能包含控制字符',
  INVALID_NAME: '分群名称需为 1–64 字节，且不能包含换行等控制字符',
  INVALID_THRESHOLDS: 'RFM 阈值需为 4 个严格递增的整数（最近到店天数从 0 起，到店次数和消费金额从 1 起）',
  SEGMENT_NOT_FOUND: '未找到该分群，可能已被删除',
  GRANT_NOT_FOUND: '未找到该发放记录',
  TAG_NOT_FOUND: '该会员没有这个手动标签',
  SEGMENT_NAME_TAKEN: '品牌已有同名分群，请换一个名称',
  TOO_MANY_TAGS: '该会员的手动标签已达 20 个上限',
  STORE_NOT_FOUND: '未找到该门店，或不在您的管理范围内',
}

// INVALID_EARNING_RULE of a partner's rule (docs/API.md "Partners", Earning rule): its limits
// are not those of the brand's and stores' rules.
export const PARTNER_RULE_ERRORS = {
  INVALID_EARNING_RULE: '积分规则超出范围：每元积分和上限不能为负，等级倍率和促销倍率为 0–1000000%，促销开始和结束时间须同时填写且结束晚于开始',
}

// What a grant did for one member (docs/API.md, POST /stocks/{id}/grants): issued, already
// granted by this request, or the refusal's code.
export function grantOutcome(outcome) {
  if (outcome === 'issued') return '已发放'
  if (outcome === 'already_granted') return '本次发放已送达该会员（未重复发放）'
  if (outcome === 'NOT_ELIGIBLE') return '会员等级未达到活动要求，未发放'
  return `未发放：${MESSAGES[outcome] || outcome}`
}

// The Chinese message of an ApiError; `overrides` (code -> text) for a page whose code means
// something narrower than the shared text.
export function errorMessage(err, overrides = {}) {
  if (!err) return ''
  const code = err.code || 'INTERNAL'
  if (overrides[code]) return overrides[code]
  if (code === 'RATE_LIMITED') {
    const wait = err.retryAfter > 0 ? `请 ${err.retryAfter} 秒后再试` : '请稍后再试'
    return `尝试次数过多，${wait}`
  }
  const text = MESSAGES[code]
  if (!text) return `操作失败（${code}）`
  // The server names the month to close first.
  if (code === 'EARLIER_PERIOD_OPEN') {
    const month = /\b(\d{4}-\d{2})\b/.exec(err.serverMessage || '')
    if (month) return `${text}（${month[1]}）`
  }
  // Validation refusals name the field in the server's message: keep it for the operator.
  if (['INVALID_STOCK', 'INVALID_FIELD', 'MISSING_FIELD', 'UNKNOWN_TIER'].includes(code) && err.serverMessage) {
    return `${text}：${err.serverMessage}`
  }
  return text
}

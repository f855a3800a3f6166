// The server's rules for a vehicle (docs/API.md "Vehicles", members/vehicle_rules.cc), checked
// before sending so the member reads what to fix next to the field. The server checks again and
// its refusal codes are shown through utils/errors.js.

const {beijingToday} = require('./format')

const PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼'
const MAX_MODEL_CHARS = 64
const MAX_REASON_CHARS = 200
const MAX_MILEAGE_KM = 9999999

const isSerialChar = c => /^[A-HJ-NP-Z0-9]$/.test(c)
const isDigit = c => /^[0-9]$/.test(c)

// '京a·12345' -> '京A12345'; null when it is not a plate: a province, a letter, then 5 serial
// characters (A-Z/0-9 without I and O) or a new-energy 6 (D/F + a serial character + 4
// digits, or 5 digits + D/F).
function normalizePlate(text) {
  const folded = String(text || '').replace(/[ \-\u3000\u00B7]/g, '')
    .replace(/[a-z]/g, c => c.toUpperCase())
  const chars = Array.from(folded)
  if (chars.length !== 7 && chars.length !== 8) return null
  if (!PROVINCES.includes(chars[0]) || !/^[A-Z]$/.test(chars[1])) return null
  const serial = chars.slice(2)
  if (!serial.every(isSerialChar)) return null
  if (serial.length === 6) {
    const small = 'DF'.includes(serial[0]) && serial.slice(2).every(isDigit)
    const large = serial.slice(0, 5).every(isDigit) && 'DF'.includes(serial[5])
    if (!small && !large) return null
  }
  return folded
}

const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
// The letters a VIN may hold (no I, O, Q) and their transliterated values.
const VIN_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ'
const VIN_LETTER_VALUES = [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9]

// A VIN character's value in the check-digit sum; -1 for one a VIN may not hold.
function vinValue(c) {
  if (isDigit(c)) return Number(c)
  const i = VIN_LETTERS.indexOf(c)
  return i < 0 || c.length !== 1 ? -1 : VIN_LETTER_VALUES[i]
}

// 'lvshcamb1ce054249' -> 'LVSHCAMB1CE054249'; null unless 17 of A-Z/0-9 without I, O and Q
// whose 9th is the ISO 3779 check digit.
function normalizeVin(text) {
  const vin = String(text || '').replace(/ /g, '').toUpperCase()
  if (vin.length !== 17) return null
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = vinValue(vin[i])
    if (v < 0) return null
    sum += v * VIN_WEIGHTS[i]
  }
  const check = sum % 11 === 10 ? 'X' : String(sum % 11)
  return vin[8] === check ? vin : null
}

// 1..max characters after trimming spaces, none a control character.
function textOk(text, max) {
  const chars = Array.from(text)
  return chars.length >= 1 && chars.length <= max && !/[\u0000-\u001f\u007f]/.test(text)
}

function trimSpaces(text) {
  return String(text || '').replace(/^ +| +$/g, '')
}

function validDate(text) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!m) return false
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))
  return d.toISOString().slice(0, 10) === text
}

// Checks the form ({plate, vin, model, purchaseDate, mileage, correctionReason}, strings as
// typed) for adding (previous undefined) or editing the vehicle `previous` (VEHICLE as the
// server gave it). Returns {errors: {field: Chinese message}, body, needsReason}: body is what
// to send (for an edit, only what changed; empty when nothing did).
function check(form, previous, nowMs) {
  const errors = {}
  const body = {}
  const plate = normalizePlate(form.plate)
  if (!trimSpaces(form.plate)) errors.plate = '请输入车牌号'
  else if (!plate) errors.plate = '车牌号格式不正确，例如 京A12345 或新能源 沪AD12345'
  else body.plate = plate

  const vinText = String(form.vin || '').replace(/ /g, '')
  if (vinText) {
    const vin = normalizeVin(vinText)
    if (!vin) errors.vin = '车架号须为17位字母或数字（不含I、O、Q），且校验位正确'
    else body.vin = vin
  } else {
    body.vin = null
  }

  const model = trimSpaces(form.model)
  if (!model) errors.model = '请输入车型'
  else if (!textOk(model, MAX_MODEL_CHARS)) errors.model = '车型请填写1到64个字'
  else body.model = model

  const date = form.purchaseDate || ''
  if (date) {
    if (!validDate(date) || date < '1950-01-01' || date > beijingToday(nowMs)) {
      errors.purchaseDate = '购车日期须在1950-01-01到今天之间'
    } else {
      body.purchase_date = date
    }
  } else {
    body.purchase_date = null
  }

  const mileageText = String(form.mileage == null ? '' : form.mileage).trim()
  let needsReason = false
  if (mileageText) {
    const km = /^\d{1,7}$/.test(mileageText) ? Number(mileageText) : -1
    if (km < 0 || km > MAX_MILEAGE_KM) {
      errors.mileage = '行驶里程须为0到9999999之间的整数（公里）'
    } else {
      body.mileage_km = km
      needsReason = Boolean(previous) && km < previous.mileage_km
    }
  }
  if (needsReason) {
    const reason = trimSpaces(form.correctionReason)
    if (!reason) errors.correctionReason = `里程比上次记录的${previous.mileage_km}公里少，请填写更正原因`
    else if (!textOk(reason, MAX_REASON_CHARS)) errors.correctionReason = '更正原因请填写1到200个字'
    else body.correction_reason = reason
  }

  if (!previous) {
    // A new vehicle: absent optional fields are simply not sent.
    if (body.vin === null) delete body.vin
    if (body.purchase_date === null) delete body.purchase_date
    return {errors, body, needsReason}
  }
  const same = {
    plate: previous.plate, vin: previous.vin, model: previous.model,
    purchase_date: previous.purchase_date, mileage_km: previous.mileage_km,
  }
  for (const key of Object.keys(same)) {
    if (key in body && body[key] === same[key]) delete body[key]
  }
  if (!('mileage_km' in body)) delete body.correction_reason
  return {errors, body, needsReason}
}

// The form field a server refusal is about, so its message shows next to that field.
const FIELD_OF_CODE = {
  INVALID_PLATE: 'plate',
  VEHICLE_EXISTS: 'plate',
  INVALID_VIN: 'vin',
  INVALID_MODEL: 'model',
  INVALID_PURCHASE_DATE: 'purchaseDate',
  INVALID_MILEAGE: 'mileage',
  INVALID_CORRECTION_REASON: 'correctionReason',
  CORRECTION_REASON_REQUIRED: 'correctionReason',
}

module.exports = {normalizePlate, normalizeVin, check, FIELD_OF_CODE}

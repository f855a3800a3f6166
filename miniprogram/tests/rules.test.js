// The vehicle rules the form checks before sending (utils/vehicle_rules.js, mirroring
// members/vehicle_rules.cc) and the display formats of the new pages (utils/format.js).
const test = require('node:test')
const assert = require('node:assert/strict')
const rules = require('../utils/vehicle_rules')
const format = require('../utils/format')

test('plates: provinces, new energy, separators and case folded; special plates refused', () => {
  assert.equal(rules.normalizePlate('京a·12345'), '京A12345')
  assert.equal(rules.normalizePlate(' 粤B-12 345 '), '粤B12345')
  assert.equal(rules.normalizePlate('沪AD12345'), '沪AD12345')
  assert.equal(rules.normalizePlate('沪AF1A345'), null) // small new energy: 4 digits after
  assert.equal(rules.normalizePlate('沪AFA2345'), '沪AFA2345')
  assert.equal(rules.normalizePlate('浙A12345D'), '浙A12345D')
  for (const bad of ['', '学A12345', '京112345', '京A1234', '京A1234O', '京A12345X', '京A123456',
    '粤B1234学', '港A12345', '京AI2345']) {
    assert.equal(rules.normalizePlate(bad), null, bad)
  }
})

test('VINs: the ISO 3779 check digit (position 9), no I/O/Q, 17 characters', () => {
  // Check digits worked by hand: 1M8GDM9A?KP042788 sums to 351 = 31*11+10 -> X.
  assert.equal(rules.normalizeVin('1m8gdm9axkp042788'), '1M8GDM9AXKP042788')
  assert.equal(rules.normalizeVin('LVSHCAMB1CE054249'), 'LVSHCAMB1CE054249')
  assert.equal(rules.normalizeVin('1M8GDM9A1KP042788'), null)
  assert.equal(rules.normalizeVin('1M8GDM9AXKP04278'), null)
  assert.equal(rules.normalizeVin('IM8GDM9AXKP042788'), null)
})

test('the form: an edit sends only what changed; clearing the VIN sends null', () => {
  const previous = {plate: '京A12345', vin: 'LVSHCAMB1CE054249', model: '宝马 X5',
    purchase_date: '2024-05-01', mileage_km: 12000}
  const form = {plate: '京a12345', vin: '', model: '宝马 X5', purchaseDate: '2024-05-01',
    mileage: '12500', correctionReason: 'ignored'}
  assert.deepEqual(rules.check(form, previous), {errors: {}, body: {vin: null, mileage_km: 12500},
    needsReason: false})
  const lower = rules.check(Object.assign({}, form, {mileage: '100', correctionReason: ''}), previous)
  assert.equal(lower.needsReason, true)
  assert.deepEqual(Object.keys(lower.errors), ['correctionReason'])
  const longModel = rules.check(Object.assign({}, form, {model: '车'.repeat(65)}))
  assert.equal(longModel.errors.model, '车型请填写1到64个字')
  const old = rules.check(Object.assign({}, form, {purchaseDate: '1949-12-31'}))
  assert.equal(old.errors.purchaseDate, '购车日期须在1950-01-01到今天之间')
})

test('distance, signed points and reasons as the member reads them', () => {
  assert.deepEqual([0, 850, 999, 1000, 1234, 15000, null].map(format.distance),
    ['0m', '850m', '999m', '1km', '1.2km', '15km', ''])
  assert.deepEqual([123, -40, 0].map(format.signedPoints), ['+123', '-40', '0'])
  assert.deepEqual(['payment', 'refund', 'expire', 'redeem', 'adjustment', 'x'].map(format.pointsReason),
    ['消费', '退款', '过期', '兑换', '调整', '其他'])
  assert.equal(format.beijingToday(Date.parse('2026-12-06T16:00:00Z')), '2026-12-07')
})

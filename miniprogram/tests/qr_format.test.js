// What the member sees from utils/qr.js (a QR that scans back to the token) and utils/format.js.
const test = require('node:test')
const assert = require('node:assert/strict')
const {rgbaContext, scan} = require('./support/canvas')
const qr = require('../utils/qr')
const format = require('../utils/format')

test('a drawn coupon QR token scans back to the token', () => {
  const token = 'cq1.42.1796531460.8f2c1d0a9b7e6f54.469da7f70dbcd08034fca87bad29d97c'
  const ctx = rgbaContext(300)
  qr.draw(ctx, token, 300)
  assert.equal(scan(ctx), token)
})

test('a drawn member code scans back to the token', () => {
  const token = 'mc2.' + 'ab'.repeat(40)
  const ctx = rgbaContext(360)
  qr.draw(ctx, token, 360)
  assert.equal(scan(ctx), token)
})

test('drawOnCanvas draws on the canvas node the page query finds, at the pixel ratio', () => {
  global.wx = global.wx || {}
  global.wx.getWindowInfo = () => ({pixelRatio: 2})
  const ctx = rgbaContext(400)
  const canvas = {width: 0, height: 0, getContext: kind => (kind === '2d' ? ctx : null)}
  const page = {createSelectorQuery: () => ({
    select: sel => ({fields: () => ({exec: cb => cb(sel === '#qr' ? [{node: canvas, width: 200, height: 200}] : [null])})}),
  })}
  let drawn
  qr.drawOnCanvas(page, '#qr', 'cq1.7.1.a.b', ok => { drawn = ok })
  assert.equal(drawn, true)
  assert.equal(canvas.width, 400)
  assert.equal(scan(ctx), 'cq1.7.1.a.b')
  qr.drawOnCanvas(page, '#gone', 'x', ok => { drawn = ok })
  assert.equal(drawn, false)
})

test('member numbers are shown in groups of four', () => {
  assert.equal(format.memberNumber('600123456786'), '6001 2345 6786')
  assert.equal(format.memberNumber('60012'), '6001 2')
})

test('money in fen reads as yuan', () => {
  assert.equal(format.yuan(5000), '50')
  assert.equal(format.yuan(5005), '50.05')
  assert.equal(format.yuan(123456), '1234.56')
})

test('times read as Beijing time', () => {
  assert.equal(format.beijing('2027-01-04T15:59:59Z'), '2027-01-04 23:59')
  assert.equal(format.beijing('2027-01-04T16:00:00Z', false), '2027-01-05')
  assert.equal(format.beijing(null), '')
})

test('coupon values and terms by type', () => {
  assert.equal(format.couponValue({type: 'cash', value_fen: 5000}), '¥50')
  assert.equal(format.couponTerms({type: 'cash', threshold_fen: 30000}), '满300元可用')
  assert.equal(format.couponValue({type: 'discount', percent_off: 15}), '8.5折')
  assert.equal(format.couponTerms({type: 'discount', threshold_fen: 0, max_discount_fen: 2000}),
    '无门槛，最多减20元')
  assert.equal(format.couponTerms({type: 'exchange', item: '免费洗车'}), '可兑换：免费洗车')
  assert.equal(format.stockValidity({valid_days: 30}), '领取后30天内有效')
  assert.equal(format.stockValidity({valid_days: 0, valid_from: '2027-02-28T16:00:00Z',
    valid_until: '2027-05-31T15:59:59Z'}), '2027-03-01 至 2027-05-31')
})

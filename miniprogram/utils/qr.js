// QR codes drawn on a canvas 2D node: the member code on the home page and a coupon's
// redemption token on its page. The matrix comes from qrcode-generator (npm), copied into
// vendor/ by tools/vendor.js; drawing is plain canvas API, so no DOM is needed.
const qrcode = require('../vendor/qrcode-generator')

// The dark/light modules of text as a QR code (smallest version that fits, level M).
function matrix(text) {
  const qr = qrcode(0, 'M')
  qr.addData(text, 'Byte')
  qr.make()
  const count = qr.getModuleCount()
  const rows = []
  for (let r = 0; r < count; r++) {
    const row = []
    for (let c = 0; c < count; c++) row.push(qr.isDark(r, c))
    rows.push(row)
  }
  return rows
}

// Draws text as a QR code filling a size x size square of ctx (a CanvasRenderingContext2D),
// with a 4-module quiet zone, in whole device pixels so scanners see sharp edges.
function draw(ctx, text, size) {
  const rows = matrix(text)
  const modules = rows.length + 8
  const cell = Math.max(1, Math.floor(size / modules))
  const offset = Math.floor((size - cell * rows.length) / 2)
  ctx.fillStyle = '#ffffff'
  ctx.fillRect(0, 0, size, size)
  ctx.fillStyle = '#000000'
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < rows.length; c++) {
      if (rows[r][c]) ctx.fillRect(offset + c * cell, offset + r * cell, cell, cell)
    }
  }
}

// Finds the <canvas type="2d"> matching selector in component (a page) and draws text on it
// at the device's pixel ratio. Calls done(true) once drawn, done(false) when there is no
// canvas node (e.g. the page has gone).
function drawOnCanvas(component, selector, text, done) {
  const finish = done || function () {}
  component.createSelectorQuery().select(selector).fields({node: true, size: true}).exec(res => {
    const found = res && res[0]
    if (!found || !found.node) {
      finish(false)
      return
    }
    let dpr = 2
    try {
      dpr = wx.getWindowInfo().pixelRatio || dpr
    } catch (e) {
      // getWindowInfo needs base library 2.20.1; 2 is a safe ratio for older ones.
    }
    const canvas = found.node
    const size = Math.floor(Math.min(found.width, found.height) * dpr)
    canvas.width = size
    canvas.height = size
    draw(canvas.getContext('2d'), text, size)
    finish(true)
  })
}

module.exports = {matrix, draw, drawOnCanvas}

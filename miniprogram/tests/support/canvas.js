// A canvas 2D context that paints fillRect into an RGBA buffer, as a phone screen would, and
// a scanner for it: what a QR drawn by utils/qr.js reads as.
const jsQR = require('jsqr')

function rgbaContext(size) {
  const pixels = new Uint8ClampedArray(size * size * 4)
  let colour = [0, 0, 0]
  return {
    pixels,
    size,
    set fillStyle(v) { colour = v === '#ffffff' ? [255, 255, 255] : [0, 0, 0] },
    fillRect(x, y, w, h) {
      for (let r = y; r < Math.min(size, y + h); r++) {
        for (let c = x; c < Math.min(size, x + w); c++) {
          const i = (r * size + c) * 4
          pixels[i] = colour[0]; pixels[i + 1] = colour[1]; pixels[i + 2] = colour[2]; pixels[i + 3] = 255
        }
      }
    },
  }
}

// The text of the QR code in ctx, or null when none is found.
function scan(ctx) {
  const found = jsQR(ctx.pixels, ctx.size, ctx.size)
  return found ? found.data : null
}

module.exports = {rgbaContext, scan}

// Copies the mini-program's runtime npm dependency into vendor/ (run by `npm ci` through
// postinstall, and before the tests): a mini-program cannot require from node_modules, and
// this avoids DevTools' "构建 npm" step. The copy is not committed; package-lock.json pins it.
const fs = require('fs')
const path = require('path')

const root = path.join(__dirname, '..')
const files = [
  ['node_modules/qrcode-generator/dist/qrcode.js', 'vendor/qrcode-generator.js'],
]

fs.mkdirSync(path.join(root, 'vendor'), {recursive: true})
for (const [from, to] of files) {
  const src = path.join(root, from)
  if (!fs.existsSync(src)) {
    console.error(`vendor: ${from} is missing; run npm ci in miniprogram/ first`)
    process.exit(1)
  }
  fs.copyFileSync(src, path.join(root, to))
}

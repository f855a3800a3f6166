// Writes <file>.gz beside every compressible file of the build, which `mileage serve` sends to
// clients that accept gzip (Content-Encoding: gzip). Usage: node scripts/precompress.js dist
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs'
import { join, extname } from 'node:path'
import { gzipSync, constants } from 'node:zlib'

const compressible = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.map', '.txt'])
const root = process.argv[2] || 'dist'
let count = 0
let before = 0
let after = 0

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const file = join(dir, name)
    if (statSync(file).isDirectory()) {
      walk(file)
    } else if (compressible.has(extname(name))) {
      const bytes = readFileSync(file)
      const gz = gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION })
      writeFileSync(file + '.gz', gz)
      count += 1
      before += bytes.length
      after += gz.length
    }
  }
}

walk(root)
console.log(`precompressed ${count} files: ${before} -> ${after} bytes`)

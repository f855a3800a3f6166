// The rules of docs/API.md ("WeChat Pay merchants") that the registration forms check before
// sending, so that staff see a mistake next to the field; the server checks them all again and
// alone parses the keys (RSA, at least 2048 bits, the certificate's expiry).
import { errorMessage } from './errors.js'

export const MAX_PLATFORM_KEYS = 20
const PEM_LIMIT = 16384
const PUBLIC_KEY_ID = 'PUB_KEY_ID_'

export const MCHID_RULE = /^[0-9]{1,32}$/
// 32 printable ASCII characters without spaces (0x21..0x7E).
export const APIV3_KEY_RULE = /^[\x21-\x7e]{32}$/
const SERIAL_RULE = /^[A-Za-z0-9_-]{1,64}$/

// A certificate serial as the server compares it: hex, case and leading zeros aside.
export function canonicalSerial(serial) {
  const upper = String(serial).toUpperCase()
  const trimmed = upper.replace(/^0+/, '')
  return trimmed || (upper ? '0' : '')
}

export function isPublicKeyId(serial) {
  return serial.startsWith(PUBLIC_KEY_ID)
}

function holdsCertificate(pem) {
  return pem.includes('-----BEGIN CERTIFICATE-----')
}

// The serial of the first certificate in `pem` (upper-case hex, no leading zeros), or '' when
// there is none or it does not read as DER: tbsCertificate's serialNumber, after the optional
// [0] version.
export function certificateSerial(pem) {
  const m = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem)
  if (!m) return ''
  let der
  try {
    der = Uint8Array.from(atob(m[1].replace(/\s+/g, '')), (c) => c.charCodeAt(0))
  } catch {
    return ''
  }
  // Reads the header of the element at `at`: its tag, where its content starts and its length.
  const header = (at) => {
    if (at + 2 > der.length) return null
    let length = der[at + 1]
    let start = at + 2
    if (length & 0x80) {
      const bytes = length & 0x7f
      if (bytes < 1 || bytes > 4 || start + bytes > der.length) return null
      length = 0
      for (let i = 0; i < bytes; i += 1) length = length * 256 + der[start + i]
      start += bytes
    }
    return start + length <= der.length ? { tag: der[at], start, length } : null
  }
  const cert = header(0)
  const tbs = cert && cert.tag === 0x30 ? header(cert.start) : null
  let field = tbs && tbs.tag === 0x30 ? header(tbs.start) : null
  if (field && field.tag === 0xa0) field = header(field.start + field.length)
  if (!field || field.tag !== 0x02 || !field.length) return ''
  const hex = Array.from(der.subarray(field.start, field.start + field.length),
    (b) => b.toString(16).padStart(2, '0')).join('')
  return canonicalSerial(hex)
}

// What is wrong with one platform key as entered ('' when the server may judge it).
export function platformKeyProblem(serial, pem) {
  if (!serial) return '请填写证书序列号或公钥 ID'
  if (!SERIAL_RULE.test(serial)) return '序列号为 1 到 64 位字母、数字、_ 或 -'
  if (!pem.trim()) return '请粘贴 PEM 内容或选择 .pem 文件'
  if (new TextEncoder().encode(pem).length > PEM_LIMIT) return 'PEM 内容不能超过 16 KB'
  if (!pem.includes('-----BEGIN ')) return 'PEM 内容应以 -----BEGIN 开头'
  if (isPublicKeyId(serial)) {
    if (!/^\d+$/.test(serial.slice(PUBLIC_KEY_ID.length))) return '公钥 ID 为 PUB_KEY_ID_ 后接数字'
    if (holdsCertificate(pem)) return '公钥 ID（PUB_KEY_ID_…）需配微信支付公钥（BEGIN PUBLIC KEY），不是证书'
    return ''
  }
  if (!holdsCertificate(pem)) return '证书序列号需配平台证书（BEGIN CERTIFICATE）；微信支付公钥请填写其 PUB_KEY_ID_ 开头的公钥 ID'
  const own = certificateSerial(pem)
  if (own && own !== canonicalSerial(serial)) return `序列号与证书不符：该证书的序列号是 ${own}`
  return ''
}

// The problems of a list of keys: one per key, and a repeated serial flagged on its second use.
export function platformKeyProblems(keys) {
  const seen = new Set()
  return keys.map(({ serial, pem }) => {
    const problem = platformKeyProblem(serial.trim(), pem)
    if (problem) return problem
    const canonical = canonicalSerial(serial.trim())
    if (seen.has(canonical)) return '序列号重复'
    seen.add(canonical)
    return ''
  })
}

// Whether a platform key still verifies notifications: in use and, for a certificate, unexpired.
export function usableKey(key, now = Date.now()) {
  return !key.retired_at && (!key.expires_at || Date.parse(key.expires_at) > now)
}

const KEY_CODES = new Set(['INVALID_PLATFORM_KEY', 'PLATFORM_KEY_SERIAL_MISMATCH', 'PLATFORM_KEY_EXPIRED'])

// A refusal of a merchant write in Chinese. A platform key refusal names the key first in the
// server's message ("platform key SERIAL: ..."): with several keys in a form, staff need to
// know which one; the rest of that message (parser text) is not shown.
export function merchantError(err) {
  if (err?.code === 'PARENT_INACTIVE') return '该门店已停用，不能在其下注册商户'
  const text = errorMessage(err)
  const m = /^platform key ([A-Za-z0-9_-]+)/.exec(err?.serverMessage || '')
  return KEY_CODES.has(err?.code) && m ? `${text}（${m[1]}）` : text
}

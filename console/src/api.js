// The one way to the console API (/api/console/...): the session token from sessionStorage as
// a Bearer token, JSON in and out, errors as ApiError with the server's stable code. Any 401
// (the session expired, was revoked, or the account changed) ends the session here and hands
// control to onUnauthorized (set by main.js: back to login, then to the page the user was on).
const TOKEN_KEY = 'mileage.console.token'
const STAFF_KEY = 'mileage.console.staff'

export class ApiError extends Error {
  constructor(status, code, message, retryAfter = 0) {
    super(message || code)
    this.status = status
    this.code = code
    this.serverMessage = message || ''
    this.retryAfter = retryAfter
  }
}

let unauthorizedHandler = () => {}
export function onUnauthorized(handler) {
  unauthorizedHandler = handler
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY)
}

export function storedStaff() {
  try {
    return JSON.parse(sessionStorage.getItem(STAFF_KEY) || 'null')
  } catch {
    return null
  }
}

export function saveSession(tokenValue, staff) {
  sessionStorage.setItem(TOKEN_KEY, tokenValue)
  sessionStorage.setItem(STAFF_KEY, JSON.stringify(staff))
}

export function clearSession() {
  sessionStorage.removeItem(TOKEN_KEY)
  sessionStorage.removeItem(STAFF_KEY)
}

export async function api(method, path, body) {
  const headers = { Accept: 'application/json' }
  const bearer = token()
  if (bearer && path !== '/login') headers.Authorization = `Bearer ${bearer}`
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  let res
  try {
    res = await fetch(`/api/console${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    })
  } catch {
    throw new ApiError(0, 'NETWORK', '')
  }
  let data = null
  if (res.status !== 204) {
    try {
      data = await res.json()
    } catch {
      data = null
    }
  }
  if (!res.ok) throw failure(res, path, data)
  return data
}

// The ApiError of a failed answer (its JSON body in `data`); a 401 ends the session.
function failure(res, path, data) {
  const err = new ApiError(
    res.status,
    (data && data.code) || `HTTP_${res.status}`,
    data && data.message,
    Number(res.headers.get('Retry-After')) || 0,
  )
  if (res.status === 401 && path !== '/login') {
    clearSession()
    unauthorizedHandler(err)
  }
  return err
}

// Downloads a file the API answers (a CSV export) with the bearer token: fetched into a Blob and
// saved through a temporary object URL and an <a download>, since a plain link cannot carry the
// token. The file name is the one Content-Disposition gives, else `fallbackName`. Errors as
// api() throws them.
export async function download(path, fallbackName) {
  let res
  try {
    res = await fetch(`/api/console${path}`, {
      headers: { Authorization: `Bearer ${token()}` },
      credentials: 'same-origin',
    })
  } catch {
    throw new ApiError(0, 'NETWORK', '')
  }
  if (!res.ok) {
    let data = null
    try {
      data = await res.json()
    } catch {
      data = null
    }
    throw failure(res, path, data)
  }
  const blob = await res.blob()
  const named = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '')
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = named ? named[1] : fallbackName
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

export const get = (path) => api('GET', path)
export const post = (path, body = {}) => api('POST', path, body)
export const patch = (path, body) => api('PATCH', path, body)
export const put = (path, body) => api('PUT', path, body)

// A query string of the given values, skipping empty ones.
export function query(params) {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

// 1..64 of [A-Za-z0-9_-]: one per redemption attempt, reused by its retries.
export function newRequestId(prefix = 'c') {
  const bytes = new Uint8Array(8)
  crypto.getRandomValues(bytes)
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  return `${prefix}-${Date.now().toString(36)}-${hex}`
}

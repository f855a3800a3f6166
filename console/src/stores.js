// The stores a page lets the caller pick (门店交易, 积分规则): every store the caller reads,
// deactivated ones too (their history stays readable), and the last one picked, remembered in
// the browser. A clerk's store is fixed by their scope.
import { get } from './api.js'
import { session } from './session.js'

const STORE_KEY = 'mileage.console.pickedStore'

export function fixedStoreId() {
  return session.staff?.scope?.type === 'store' ? session.staff.scope.id : null
}

export function rememberedStoreId() {
  return fixedStoreId() ?? (Number(localStorage.getItem(STORE_KEY)) || null)
}

export function rememberStore(id) {
  if (id) localStorage.setItem(STORE_KEY, String(id))
}

// Resolves the stores (at most 200 pages of 200), named with 已停用 where deactivated.
export async function loadStores() {
  const items = []
  for (let page = 1; page <= 200; page += 1) {
    const res = await get(`/stores?page=${page}&page_size=200`)
    items.push(...res.items)
    if (items.length >= res.total || !res.items.length) break
  }
  return items.map((s) => ({ ...s, label: s.active ? s.name : `${s.name}（已停用）` }))
}

// The store to show: the remembered one if still listed, else the only one, else none.
export function pickStore(stores, wanted) {
  if (stores.some((s) => s.id === wanted)) return wanted
  return stores.length === 1 ? stores[0].id : null
}

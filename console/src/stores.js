// The stores a page lets the caller pick (门店交易, 积分规则, 预约, 预约时段, 车主活动): every store the caller reads,
// deactivated ones too (their history stays readable), and the last one picked, remembered in
// the browser. A clerk's store is fixed by their scope.
import { computed, ref } from 'vue'
import { get } from './api.js'
import { errorMessage } from './errors.js'
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

// The store picker of a page (门店交易, 积分规则, 预约, 预约时段, 车主活动): the stores with their loading and error
// state, the picked store (the remembered one; a clerk's own) and labels. loadStoreList() loads
// the stores once the page shows; when the remembered store is not among them it picks another
// (pickStore) and calls `reload`.
export function useStorePicker(reload) {
  const stores = ref([])
  const storesLoading = ref(false)
  const storesError = ref('')
  const fixedStore = computed(() => fixedStoreId() !== null)
  const storeId = ref(rememberedStoreId())
  const storeLabel = (id) => stores.value.find((s) => s.id === id)?.label || `门店 #${id}`
  const storeName = computed(() => storeLabel(storeId.value))

  async function loadStoreList() {
    storesLoading.value = true
    try {
      stores.value = await loadStores()
      if (!fixedStore.value) {
        const picked = pickStore(stores.value, storeId.value)
        if (picked !== storeId.value) {
          storeId.value = picked
          reload()
        }
      }
    } catch (err) {
      storesError.value = `门店列表加载失败：${errorMessage(err)}`
    } finally {
      storesLoading.value = false
    }
  }

  return { stores, storesLoading, storesError, fixedStore, storeId, storeName, storeLabel, loadStoreList }
}

// The state of one paged list page (items, total, page, loading, error) and its load(), for
// the console's list views. `path` returns the API path without paging (or '' when the list
// cannot load yet, e.g. no store chosen); `params` the filters. A response that arrives after
// a newer load started is dropped, so a slow answer for an old filter never replaces a newer one.
// `pageSize` is a number or a ref (a page that lets the user choose it).
import { isRef, ref } from 'vue'
import { get, query } from './api.js'
import { errorMessage } from './errors.js'

export function usePagedList(path, params = () => ({}), pageSize = 20) {
  const size = isRef(pageSize) ? pageSize : ref(pageSize)
  const items = ref([])
  const total = ref(0)
  const page = ref(1)
  const loading = ref(false)
  const error = ref('')
  let latest = 0

  async function load() {
    const base = path()
    if (!base) return
    const mine = ++latest
    loading.value = true
    error.value = ''
    try {
      const res = await get(`${base}${query({ ...params(), page: page.value, page_size: size.value })}`)
      if (mine !== latest) return
      items.value = res.items
      total.value = res.total
    } catch (err) {
      if (mine !== latest) return
      items.value = []
      error.value = errorMessage(err)
    } finally {
      if (mine === latest) loading.value = false
    }
  }

  return { items, total, page, pageSize: size, loading, error, load }
}

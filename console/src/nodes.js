// The organisation nodes the caller can read (its brand, regions, dealers, stores), for pickers
// and for naming a node by its id. A level the role may not read (403) or that fails to load is
// left out: the pickers then offer what they have, and names fall back to "门店 #7".
import { get } from './api.js'
import { LEVELS } from './format.js'
import { session } from './session.js'

const LIST_ROUTES = { region: '/regions', dealer: '/dealers', store: '/stores' }
// The levels each role may list (region.read, dealer.read, store.read in the role table).
const READABLE = {
  brand_admin: ['region', 'dealer', 'store'],
  region_manager: ['region', 'dealer', 'store'],
  dealer_manager: ['dealer', 'store'],
  store_clerk: ['store'],
  analyst: ['region', 'dealer', 'store'],
}

async function listLevel(type) {
  const items = []
  for (let page = 1; page <= 50; page += 1) {
    const res = await get(`${LIST_ROUTES[type]}?page=${page}&page_size=200`)
    items.push(...res.items)
    if (items.length >= res.total || !res.items.length) break
  }
  return items
}

export async function loadNodes() {
  const loaders = [get('/brand').then((b) => [b]), ...(READABLE[session.staff?.role] || []).map(listLevel)]
  const levels = await Promise.allSettled(loaders)
  return levels
    .filter((r) => r.status === 'fulfilled')
    .flatMap((r) => r.value)
    .map((n) => ({ ...n, key: `${n.type}:${n.id}`, label: `${LEVELS[n.type]}：${n.name}` }))
}

export function nodeLabel(nodes, type, id) {
  const found = nodes.find((n) => n.type === type && n.id === id)
  return found ? found.label : `${LEVELS[type] || type} #${id}`
}

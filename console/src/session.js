// The signed-in staff member (what login returned), shared by the pages.
import { reactive } from 'vue'
import { storedStaff } from './api.js'

export const session = reactive({ staff: storedStaff() })

const REVERSERS = new Set(['brand_admin', 'region_manager', 'dealer_manager'])
const STOCK_WRITERS = REVERSERS
const REDEEMERS = new Set(['brand_admin', 'region_manager', 'dealer_manager', 'store_clerk'])

export const can = {
  reverse: () => REVERSERS.has(session.staff?.role),
  writeStocks: () => STOCK_WRITERS.has(session.staff?.role),
  redeem: () => REDEEMERS.has(session.staff?.role),
}

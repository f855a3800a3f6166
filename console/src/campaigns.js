// A campaign's state moves (启用, 暂停, 恢复, 结束), shared by the list and a campaign's page:
// the buttons a state offers and the confirmed PATCH that makes the move.
import { ref } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { get, patch } from './api.js'
import { errorMessage } from './errors.js'
import { STOCK_STATES, stockWorth } from './format.js'

const MOVES = {
  draft: [['active', '启用', 'success']],
  active: [['paused', '暂停', 'warning'], ['ended', '结束', 'danger']],
  paused: [['active', '恢复', 'success'], ['ended', '结束', 'danger']],
  ended: [],
}

// [{ state, verb, type }] for the buttons of a stock in `state`.
export function stockMoves(state) {
  return (MOVES[state] || []).map(([to, verb, type]) => ({ state: to, verb, type }))
}

// Asks to confirm, then moves the stock; resolves the STOCK_VIEW, or null when cancelled or
// refused (the refusal is shown).
export async function moveStock(stock, state, verb) {
  try {
    await ElMessageBox.confirm(`确定${verb}活动「${stock.name}」吗？`, `${verb}活动`, {
      confirmButtonText: verb, cancelButtonText: '取消', type: 'warning',
    })
  } catch {
    return null
  }
  try {
    const view = await patch(`/stocks/${stock.id}`, { state })
    ElMessage.success(`已${verb}`)
    return view
  } catch (err) {
    ElMessage.error(errorMessage(err))
    return null
  }
}

// Whether a stock can be given by a rule now (active, taking the grant channel).
export const grantable = (s) => s.state === 'active' && s.channels.includes('grant')

// "#12 满300减50（¥50.00，已暂停）": a stock as a rule's picker shows it, saying why it cannot
// be picked.
export function grantStockLabel(s) {
  const why = s.state !== 'active' ? `，${STOCK_STATES[s.state] || s.state}` : (s.channels.includes('grant') ? '' : '，不可员工发放')
  return `#${s.id} ${s.name}（${stockWorth(s)}${why}）`
}

// The brand's stocks a rule (care, referrals) may name, at most 5 pages of 200, for its picker
// and to name a rule's stock: { stocks, stocksLoading, stocksError, loadStocks }.
export function useGrantStocks() {
  const stocks = ref([])
  const stocksLoading = ref(false)
  const stocksError = ref('')
  async function loadStocks() {
    stocksLoading.value = true
    stocksError.value = ''
    try {
      const found = []
      for (let page = 1; page <= 5; page += 1) {
        const res = await get(`/stocks?page=${page}&page_size=200`)
        found.push(...res.items)
        if (found.length >= res.total || !res.items.length) break
      }
      stocks.value = found
    } catch (err) {
      stocksError.value = `券活动列表加载失败：${errorMessage(err)}`
    } finally {
      stocksLoading.value = false
    }
  }
  return { stocks, stocksLoading, stocksError, loadStocks }
}

// A campaign's state moves (启用, 暂停, 恢复, 结束), shared by the list and a campaign's page:
// the buttons a state offers and the confirmed PATCH that makes the move.
import { ElMessage, ElMessageBox } from 'element-plus'
import { patch } from './api.js'
import { errorMessage } from './errors.js'

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

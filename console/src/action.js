import { ref } from 'vue'
import { errorMessage } from './errors.js'

// A page's one-at-a-time writes on its rows (启用, 删除, 取消 ...): `busy` while one runs, then
// its outcome or its refusal in Chinese, shown above the table. `describeError` turns a refusal
// into text (errorMessage, or a page's own, e.g. careError).
export function useAction(describeError = errorMessage) {
  const busy = ref(false)
  const outcome = ref('')
  const actionError = ref('')

  // Runs `work` unless another write is running. `done` is the outcome text, or a function of
  // work's result giving it; `failed`, when given, prefixes the refusal ("#3 未能删除：...").
  // Resolves whether the write succeeded.
  async function act(work, done, failed = '') {
    if (busy.value) return false
    busy.value = true
    actionError.value = ''
    outcome.value = ''
    try {
      const result = await work()
      outcome.value = typeof done === 'function' ? done(result) : done
      return true
    } catch (err) {
      const text = describeError(err)
      actionError.value = failed ? `${failed}：${text}` : text
      return false
    } finally {
      busy.value = false
    }
  }

  return { busy, outcome, actionError, act }
}

import { ElMessageBox } from 'element-plus'

// A warning box with the action's own button and 返回; resolves whether the user confirmed.
export async function confirmAction(message, title, button) {
  try {
    await ElMessageBox.confirm(message, title, { confirmButtonText: button, cancelButtonText: '返回', type: 'warning' })
    return true
  } catch {
    return false
  }
}

import { ref, shallowRef } from 'vue'

// The camera scanner beside a page's code box (收银台, 预约 and 车主活动 check-in). CameraScan
// (and jsQR with it) loads on the first 扫码, so a page that never scans never downloads it.
// `onDecoded(text)` takes a decoded code as if it had been typed; `refocus()` puts the focus
// back in the code box when the camera closes without a code.
export function useCameraScan(onDecoded, refocus) {
  const CameraScan = shallowRef(null)
  const cameraOpen = ref(false)
  const cameraLoadError = ref('')

  async function openCamera() {
    cameraLoadError.value = ''
    try {
      CameraScan.value ||= (await import('./components/CameraScan.vue')).default
      cameraOpen.value = true
    } catch {
      cameraLoadError.value = '扫码组件加载失败，请检查网络后重试，或用扫码枪、键盘输入'
    }
  }

  function closeCamera() {
    cameraOpen.value = false
    refocus()
  }

  function cameraDecoded(text) {
    cameraOpen.value = false
    onDecoded(text)
  }

  return { CameraScan, cameraOpen, cameraLoadError, openCamera, closeCamera, cameraDecoded }
}

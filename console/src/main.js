import { createApp } from 'vue'
import App from './App.vue'
import { router } from './router.js'
import { onUnauthorized } from './api.js'
import { session } from './session.js'
// ElMessage and ElMessageBox are called from code, which the component resolver does not see.
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import './style.css'

// A 401 anywhere: back to login, remembering the page (and why), then back to it after login.
onUnauthorized((err) => {
  session.staff = null
  const current = router.currentRoute.value
  if (current.name === 'login') return
  router.replace({ name: 'login', query: { redirect: current.fullPath, reason: err.code } })
})

createApp(App).use(router).mount('#app')

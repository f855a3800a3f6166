import { nextTick, onBeforeUnmount, onMounted, ref } from 'vue'

// One ECharts chart of a page, with ECharts loaded on first draw (charts.js, its own chunk) so
// that pages which never chart never load it. Bind `chartEl` to the chart's element and show
// `chartError` when the library cannot load (the page's table still holds the numbers). The
// chart follows the window's size and is disposed with the component.
export function useLazyChart() {
  const chartEl = ref()
  const chartError = ref('')
  let chart = null

  // Draws `option` (an ECharts option, replacing the previous one).
  async function draw(option) {
    let echarts
    try {
      echarts = (await import('./charts.js')).echarts
      chartError.value = ''
    } catch {
      chartError.value = '图表组件加载失败，请查看下方明细或刷新重试'
      return
    }
    await nextTick()
    if (!chartEl.value) return
    if (chart && chart.getDom() !== chartEl.value) {
      chart.dispose()
      chart = null
    }
    if (!chart) chart = echarts.init(chartEl.value, null, { locale: 'ZH', renderer: 'canvas' })
    chart.setOption(option, true)
  }

  function resize() {
    if (chart) chart.resize()
  }
  onMounted(() => window.addEventListener('resize', resize))
  onBeforeUnmount(() => {
    window.removeEventListener('resize', resize)
    if (chart) chart.dispose()
  })

  return { chartEl, chartError, draw }
}

// ECharts for the dashboard and a campaign's page, tree-shaken: the core, the two chart types and
// the components they use, drawn on canvas. Only DashboardView and CampaignDaily import this
// module, and dynamically, so no other page (the counter above all) loads it.
import * as echarts from 'echarts/core'
import { BarChart, LineChart } from 'echarts/charts'
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, AriaComponent, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export { echarts }

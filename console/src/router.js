import { createRouter, createWebHistory } from 'vue-router'
import { token } from './api.js'
import { session } from './session.js'

function homeRedirect() {
  if (!token()) return { name: 'login', query: { redirect: '/' } }
  return { name: session.staff?.role === 'store_clerk' ? 'counter' : 'dashboard' }
}

// Pages load on demand: the counter's first load carries only what the counter needs.
const routes = [
  { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { title: '登录' } },
  {
    path: '/',
    component: () => import('./views/LayoutView.vue'),
    children: [
      // The landing page: a clerk's is the counter (their fast path), everyone else's the dashboard.
      // A redirect runs before the guards: signed out, it goes to login and back here to choose.
      { path: '', name: 'home', redirect: homeRedirect },
      { path: 'dashboard', name: 'dashboard', component: () => import('./views/DashboardView.vue'), meta: { title: '数据看板' } },
      { path: 'counter', name: 'counter', component: () => import('./views/CounterView.vue'), meta: { title: '柜台核销' } },
      { path: 'appointments', name: 'appointments', component: () => import('./views/AppointmentsView.vue'), meta: { title: '预约' } },
      { path: 'schedule', name: 'schedule', component: () => import('./views/ScheduleView.vue'), meta: { title: '预约时段' } },
      { path: 'activities', name: 'activities', component: () => import('./views/ActivitiesView.vue'), meta: { title: '车主活动' } },
      { path: 'campaigns', name: 'campaigns', component: () => import('./views/CampaignsView.vue'), meta: { title: '活动' } },
      { path: 'campaigns/:id', name: 'campaign', component: () => import('./views/CampaignView.vue'), meta: { title: '活动详情' } },
      { path: 'members', name: 'members', component: () => import('./views/MembersView.vue'), meta: { title: '会员' } },
      { path: 'members/:id', name: 'member', component: () => import('./views/MemberView.vue'), meta: { title: '会员详情' } },
      { path: 'transactions', name: 'transactions', component: () => import('./views/TransactionsView.vue'), meta: { title: '门店交易' } },
      { path: 'earning-rules', name: 'earning-rules', component: () => import('./views/EarningRulesView.vue'), meta: { title: '积分规则' } },
      { path: 'staff', name: 'staff', component: () => import('./views/StaffView.vue'), meta: { title: '员工' } },
      { path: 'audit', name: 'audit', component: () => import('./views/AuditView.vue'), meta: { title: '审计日志' } },
      { path: 'merchants', name: 'merchants', component: () => import('./views/MerchantsView.vue'), meta: { title: '商户' } },
      // Nested so that the sidebar's 合作伙伴 stays marked on a partner's page.
      {
        path: 'partners',
        children: [
          { path: '', name: 'partners', component: () => import('./views/PartnersView.vue'), meta: { title: '合作伙伴' } },
          { path: ':id(\\d+)', name: 'partner', component: () => import('./views/PartnerView.vue'), meta: { title: '合作伙伴详情' } },
        ],
      },
      { path: 'settlements', name: 'settlements', component: () => import('./views/SettlementsView.vue'), meta: { title: '结算' } },
      { path: 'feedback', name: 'feedback', component: () => import('./views/FeedbackView.vue'), meta: { title: '满意度' } },
      { path: 'care', name: 'care', component: () => import('./views/CareView.vue'), meta: { title: '车主关怀' } },
      { path: 'referrals', name: 'referrals', component: () => import('./views/ReferralsView.vue'), meta: { title: '推荐有礼' } },
      { path: 'winback', name: 'winback', component: () => import('./views/WinbackView.vue'), meta: { title: '流失预警' } },
      { path: 'segments', name: 'segments', component: () => import('./views/SegmentsView.vue'), meta: { title: '会员分群' } },
      { path: 'webhooks', name: 'webhooks', component: () => import('./views/WebhooksView.vue'), meta: { title: '推送' } },
      { path: ':rest(.*)*', name: 'missing', component: () => import('./views/MissingView.vue'), meta: { title: '页面不存在' } },
    ],
  },
]

export const router = createRouter({ history: createWebHistory('/console/'), routes })

router.beforeEach((to) => {
  if (to.name !== 'login' && !token()) {
    return { name: 'login', query: { redirect: to.fullPath } }
  }
  return true
})

router.afterEach((to) => {
  document.title = `${to.meta.title || ''} - Mileage 控制台`
})

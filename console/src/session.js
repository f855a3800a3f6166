// The signed-in staff member (what login returned), shared by the pages.
import { reactive } from 'vue'
import { storedStaff } from './api.js'

export const session = reactive({ staff: storedStaff() })

const REVERSERS = new Set(['brand_admin', 'region_manager', 'dealer_manager'])
const STOCK_WRITERS = REVERSERS
const REDEEMERS = new Set(['brand_admin', 'region_manager', 'dealer_manager', 'store_clerk'])

const STAFF_READERS = new Set(['brand_admin', 'region_manager', 'dealer_manager', 'analyst'])
const STAFF_WRITERS = REVERSERS
const MERCHANT_READERS = STAFF_READERS
const BRAND_ADMIN = new Set(['brand_admin'])
const PARTNER_READERS = new Set(['brand_admin', 'analyst'])
const EVERY_ROLE = new Set(['brand_admin', 'region_manager', 'dealer_manager', 'store_clerk', 'analyst'])
const RULE_WRITERS = REVERSERS
const SETTLEMENT_READERS = PARTNER_READERS
const GRANTERS = REVERSERS
const SCHEDULE_WRITERS = REVERSERS
const APPOINTMENT_WRITERS = REDEEMERS
const ACTIVITY_WRITERS = REDEEMERS
const GREETING_READERS = STAFF_READERS
const CARE_SETTING_READERS = PARTNER_READERS
const WINBACK_READERS = STAFF_READERS

// Mirrors docs/API.md's role table: the pages hide what the server would refuse.
export const can = {
  reverse: () => REVERSERS.has(session.staff?.role),
  writeStocks: () => STOCK_WRITERS.has(session.staff?.role),
  redeem: () => REDEEMERS.has(session.staff?.role),
  readStaff: () => STAFF_READERS.has(session.staff?.role),
  writeStaff: () => STAFF_WRITERS.has(session.staff?.role),
  readAudit: () => BRAND_ADMIN.has(session.staff?.role),
  readMerchants: () => MERCHANT_READERS.has(session.staff?.role),
  writeMerchants: () => BRAND_ADMIN.has(session.staff?.role),
  readPartners: () => PARTNER_READERS.has(session.staff?.role),
  writePartners: () => BRAND_ADMIN.has(session.staff?.role),
  readPayments: () => EVERY_ROLE.has(session.staff?.role),
  readEarningRules: () => EVERY_ROLE.has(session.staff?.role),
  // The brand's rule belongs to the brand node: only brand-scope staff see it (404 below).
  readBrandRule: () => EVERY_ROLE.has(session.staff?.role) && session.staff?.scope?.type === 'brand',
  writeStoreRules: () => RULE_WRITERS.has(session.staff?.role),
  writeBrandRule: () => RULE_WRITERS.has(session.staff?.role) && session.staff?.scope?.type === 'brand',
  grantCoupons: () => GRANTERS.has(session.staff?.role),
  readAppointments: () => EVERY_ROLE.has(session.staff?.role),
  writeSchedule: () => SCHEDULE_WRITERS.has(session.staff?.role),
  writeAppointments: () => APPOINTMENT_WRITERS.has(session.staff?.role),
  readActivities: () => EVERY_ROLE.has(session.staff?.role),
  writeActivities: () => ACTIVITY_WRITERS.has(session.staff?.role),
  // webhook.read and webhook.write: brand admins only.
  readWebhooks: () => BRAND_ADMIN.has(session.staff?.role),
  writeWebhooks: () => BRAND_ADMIN.has(session.staff?.role),
  // Settlement belongs to the brand node: only brand-scope staff read it (404 below).
  readSettlements: () => SETTLEMENT_READERS.has(session.staff?.role) && session.staff?.scope?.type === 'brand',
  // Subscribe templates, care rules and service intervals belong to the brand node: brand admins
  // and brand-scope analysts read them (404 below the brand), brand admins write them.
  readCareSettings: () => CARE_SETTING_READERS.has(session.staff?.role) && session.staff?.scope?.type === 'brand',
  writeCareSettings: () => BRAND_ADMIN.has(session.staff?.role) && session.staff?.scope?.type === 'brand',
  // care_greeting.read: every role but the clerk, each in its scope.
  readGreetings: () => GREETING_READERS.has(session.staff?.role),
  readCare: () => can.readCareSettings() || can.readGreetings(),
  // The referral rule and the referrals belong to the brand node: brand admins and brand-scope
  // analysts read them, brand admins write the rule.
  readReferrals: () => PARTNER_READERS.has(session.staff?.role) && session.staff?.scope?.type === 'brand',
  writeReferrals: () => BRAND_ADMIN.has(session.staff?.role) && session.staff?.scope?.type === 'brand',
  // feedback.read: every role in its scope; feedback.follow_up: brand admins, region and dealer
  // managers.
  readFeedback: () => EVERY_ROLE.has(session.staff?.role),
  followUpFeedback: () => REVERSERS.has(session.staff?.role),
  // winback.read: every role but the clerk, each in its scope; winback.write: brand admins.
  readWinback: () => WINBACK_READERS.has(session.staff?.role),
  writeWinback: () => BRAND_ADMIN.has(session.staff?.role),
  // Segments, RFM thresholds and segment grants belong to the brand node: brand admins and
  // brand-scope analysts read them (segment.read), brand admins write and grant.
  // tag.write: brand admins, region and dealer managers, on the members they see.
  writeTags: () => REVERSERS.has(session.staff?.role),
  readSegments: () => PARTNER_READERS.has(session.staff?.role) && session.staff?.scope?.type === 'brand',
  writeSegments: () => BRAND_ADMIN.has(session.staff?.role) && session.staff?.scope?.type === 'brand',
  grantSegments: () => BRAND_ADMIN.has(session.staff?.role) && session.staff?.scope?.type === 'brand',
  closeSettlements: () => BRAND_ADMIN.has(session.staff?.role) && session.staff?.scope?.type === 'brand',
}

// Whether the caller owns a stock (it was created in the caller's subtree): only owners grant it.
export function ownsStock(stock) {
  const scope = session.staff?.scope
  if (!scope || !stock) return false
  return stock[`${scope.type}_id`] === scope.id
}

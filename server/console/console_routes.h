#pragma once

#include "care/care_module.h"
#include "care/subscribe_service.h"
#include "growth/winback_service.h"
#include "common/clock.h"
#include "coupons/coupons_module.h"
#include "growth/referral_service.h"
#include "growth/growth_module.h"
#include "org/org_module.h"
#include "payments/earning_rule_service.h"
#include "payments/member_views.h"
#include "payments/partner_rule_service.h"
#include "payments/payment_views.h"
#include "payments/report_service.h"
#include "points/settlement.h"
#include "relay/webhook_service.h"
#include "server/console/console_router.h"
#include "server/http/metrics.h"

namespace mileage::server {

// Registers every /api/console/ route (docs/API.md, "Console") through `router`. Each route
// parses its input, calls one org service and renders the result.
void RegisterConsoleRoutes(ConsoleRouter& router, org::OrgModule& org);

// The parts, one file each.
void RegisterSessionRoutes(ConsoleRouter& router, org::SessionService& sessions);
void RegisterHierarchyRoutes(ConsoleRouter& router, org::HierarchyService& hierarchy);
void RegisterMerchantRoutes(ConsoleRouter& router, org::MerchantService& merchants);
void RegisterAppRoutes(ConsoleRouter& router, org::BrandAppService& apps);
void RegisterPartnerRoutes(ConsoleRouter& router, org::PartnerService& partners);
void RegisterStaffRoutes(ConsoleRouter& router, org::StaffService& staff);
void RegisterAuditRoutes(ConsoleRouter& router, org::AuditService& audit);

// Members, payments and earning rules (payments/ services), registered by the App.
void RegisterMemberRoutes(ConsoleRouter& router, payments::MemberViews& members);
void RegisterPaymentRoutes(ConsoleRouter& router, payments::PaymentViews& payments);
void RegisterEarningRuleRoutes(ConsoleRouter& router, payments::EarningRuleService& rules);
void RegisterPartnerRuleRoutes(ConsoleRouter& router, payments::PartnerRuleService& rules);
// CSV downloads of members (a search, or every member the caller sees), a store's redemptions and a
// store's transactions
// (/api/console/exports/...), each under the action and scope rule of the matching list.
void RegisterExportRoutes(ConsoleRouter& router, payments::MemberViews& members,
                          payments::PaymentViews& payments,
                          coupons::RedemptionService& redemptions);
// The dashboard's reports (/api/console/reports/...).
void RegisterReportRoutes(ConsoleRouter& router, payments::ReportService& reports);

// Partner settlement (/api/console/settlements..., docs/API.md "Settlement"), registered by the
// App: a period's statements, a party's lines and their CSV and JSON exports, the lot uses
// behind a line, closing a period.
void RegisterSettlementRoutes(ConsoleRouter& router, points::SettlementService& settlements);

// The brand's webhook endpoints, their deliveries, dead letters and replays
// (/api/console/webhooks..., docs/API.md "Webhooks"), registered by the App.
void RegisterWebhookRoutes(ConsoleRouter& router, relay::WebhookService& webhooks);

// The brand's WeChat subscribe-message templates (/api/console/subscribe-templates...,
// docs/API.md "Subscribe messages"), registered by the App.
void RegisterSubscriptionRoutes(ConsoleRouter& router, care::SubscribeService& subscriptions);

// Coupons (coupons/ services, docs/API.md "Coupons (console)"), registered by the App: stocks and
// grants; the counter (lookup, redemption, reversal), a store's redemptions and a member's
// coupons. `clock` gives the services their "now".
void RegisterCouponRoutes(ConsoleRouter& router, coupons::CouponsModule& coupons,
                          const Clock& clock);
void RegisterStockRoutes(ConsoleRouter& router, coupons::StockService& stocks,
                         coupons::GrantService& grants, const Clock& clock);
void RegisterRedemptionRoutes(ConsoleRouter& router, coupons::RedemptionService& redemptions,
                              coupons::CouponViews& views, const Clock& clock);
void RegisterPackageRoutes(ConsoleRouter& router, coupons::PackageService& packages);

// Appointments (care/ services, docs/API.md "Appointments"), registered by the App: a store's
// schedule and slots, its day's appointments, check-in and completion.
void RegisterAppointmentRoutes(ConsoleRouter& router, care::CareModule& care, const Clock& clock);

// Owner activities (care::ActivityService, docs/API.md "Activities"), registered by the App:
// create, list, get and cancel a node's activities, list an activity's sign-ups, check a member
// in at the event.
void RegisterActivityRoutes(ConsoleRouter& router, care::ActivityService& activities,
                            const Clock& clock);

// Birthday and anniversary care (care::CareRuleService, docs/API.md "Birthday and anniversary
// care"), registered by the App: the caller's brand's care rules (list, create, get, change,
// delete) and the greetings the job wrote.
void RegisterCareRuleRoutes(ConsoleRouter& router, care::CareRuleService& rules,
                            const Clock& clock);
// Maintenance reminders (care::MaintenanceService, docs/API.md "Maintenance reminders"),
// registered by the App: the brand's service intervals (list, put, delete) and a store's
// service flag.
void RegisterMaintenanceRoutes(ConsoleRouter& router, care::MaintenanceService& maintenance,
                               const Clock& clock);
// Churn and win-back (growth::WinbackService, docs/API.md "Win-back"), registered by the App:
// the brand's win-back settings (read, change), the drifting owners in the caller's scope and
// their count per dealer, and the come-back report.
void RegisterWinbackRoutes(ConsoleRouter& router, growth::WinbackService& winback,
                           const Clock& clock);

// Referrals (growth::ReferralService, docs/API.md "Referrals (console)"), registered by the App:
// the caller's brand's referral rule (get, put) and its referrals.
void RegisterReferralRoutes(ConsoleRouter& router, growth::ReferralService& referrals,
                            const Clock& clock);
// Tags and segments (growth::GrowthModule, docs/API.md "Tags and segments"), registered by the
// App: RFM thresholds, segments with live counts and daily sizes, segment grants, and a member's
// tags.
void RegisterSegmentRoutes(ConsoleRouter& router, growth::GrowthModule& growth,
                           const Clock& clock);
// The segment grants' gauges on /metrics (docs/OPERATIONS.md "Segment grants"):
// mileage_segment_grants_running, mileage_segment_grant_members_pending and
// mileage_segment_grant_coupons_granted, each read from segment_grants at the scrape (-1 when
// the database does not answer).
void AddSegmentGrantMetrics(Metrics& metrics, db::Db& db);

}  // namespace mileage::server

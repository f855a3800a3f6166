#pragma once

#include "org/org_module.h"
#include "payments/earning_rule_service.h"
#include "payments/member_views.h"
#include "payments/payment_views.h"
#include "server/console/console_router.h"

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

}  // namespace mileage::server

#include "server/console/console_routes.h"

namespace mileage::server {

void RegisterConsoleRoutes(ConsoleRouter& router, org::OrgModule& org) {
  RegisterSessionRoutes(router, org.sessions());
  RegisterHierarchyRoutes(router, org.hierarchy());
  RegisterMerchantRoutes(router, org.merchants());
  RegisterAppRoutes(router, org.apps());
  RegisterPartnerRoutes(router, org.partners());
  RegisterStaffRoutes(router, org.staff());
  RegisterAuditRoutes(router, org.audit());
}

void RegisterCouponRoutes(ConsoleRouter& router, coupons::CouponsModule& coupons,
                          const Clock& clock) {
  RegisterStockRoutes(router, coupons.stocks(), coupons.grants(), clock);
  RegisterRedemptionRoutes(router, coupons.redemptions(), coupons.views(), clock);
  RegisterPackageRoutes(router, coupons.packages());
}

}  // namespace mileage::server

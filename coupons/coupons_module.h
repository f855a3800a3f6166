#pragma once

#include "common/clock.h"
#include "common/random.h"
#include "coupons/coupon_service.h"
#include "coupons/coupon_views.h"
#include "coupons/grant_service.h"
#include "coupons/package_fulfilment.h"
#include "coupons/package_sales.h"
#include "coupons/package_service.h"
#include "coupons/payment_rewards.h"
#include "coupons/qr_tokens.h"
#include "coupons/redemption_service.h"
#include "coupons/stock_service.h"
#include "crypto/data_key.h"
#include "db/db.h"
#include "db/transaction_runner.h"
#include "members/types.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"

namespace mileage::coupons {

// The coupons module wired together on the composition root's database, transaction runner
// (claims share commits on SQLite), the org module's authorizer and audited writer, the clock,
// randomness and data key (all of which must outlive it), the deployment's tiers and the member
// visibility rule of the console (payments::MemberViews::Visible). Built once by the server's
// App or an operator command; every part is safe for concurrent use.
class CouponsModule {
 public:
  CouponsModule(db::Db& db, db::TransactionRunner& transactions, const org::Authorizer& authorizer,
                org::AuditedWriter& writer, const Clock& clock, RandomSource& random,
                const crypto::DataKey& data_key, const members::TierPolicy& tiers,
                MemberVisibility visible)
      : tokens_(data_key, random),
        stocks_(db, authorizer, writer, clock, tiers),
        coupons_(db, transactions, random, tokens_, tiers),
        grants_(db, authorizer, writer, random, tiers, visible),
        views_(db, authorizer, std::move(visible)),
        redemptions_(db, authorizer, writer, tokens_),
        payment_rewards_(random, tiers),
        packages_(db, authorizer, writer, clock),
        package_sales_(db, random),
        package_fulfilment_(random) {}
  CouponsModule(const CouponsModule&) = delete;
  CouponsModule& operator=(const CouponsModule&) = delete;

  StockService& stocks() { return stocks_; }
  CouponService& coupons() { return coupons_; }
  GrantService& grants() { return grants_; }
  CouponViews& views() { return views_; }
  RedemptionService& redemptions() { return redemptions_; }
  PaymentRewards& payment_rewards() { return payment_rewards_; }
  PackageService& packages() { return packages_; }
  PackageSales& package_sales() { return package_sales_; }
  PackageFulfilment& package_fulfilment() { return package_fulfilment_; }
  const QrTokens& qr_tokens() const { return tokens_; }

 private:
  QrTokens tokens_;
  StockService stocks_;
  CouponService coupons_;
  GrantService grants_;
  CouponViews views_;
  RedemptionService redemptions_;
  PaymentRewards payment_rewards_;
  PackageService packages_;
  PackageSales package_sales_;
  PackageFulfilment package_fulfilment_;
};

}  // namespace mileage::coupons

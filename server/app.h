#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>

#include "care/care_module.h"
#include "care/subscribe_service.h"
#include "common/clock.h"
#include "common/config.h"
#include "common/random.h"
#include "coupons/coupons_module.h"
#include "db/db.h"
#include "db/transaction_runner.h"
#include "growth/growth_module.h"
#include "kv/kv.h"
#include "members/member_codes.h"
#include "members/member_directory.h"
#include "members/partner_identities.h"
#include "members/phone_vault.h"
#include "members/vehicle_service.h"
#include "members/vehicle_vault.h"
#include "org/org_module.h"
#include "payments/earning_rule_service.h"
#include "payments/member_views.h"
#include "payments/merchant_keys.h"
#include "payments/notification_service.h"
#include "payments/partner_rule_service.h"
#include "payments/payment_recorder.h"
#include "payments/payment_views.h"
#include "payments/report_service.h"
#include "points/ledger.h"
#include "points/partner_points.h"
#include "points/partner_reports.h"
#include "points/settlement.h"
#include "privacy/key_rotation.h"
#include "privacy/member_rights.h"
#include "relay/webhook_service.h"
#include "server/cache_sync.h"
#include "server/console/console_router.h"
#include "server/health.h"
#include "server/http/http_server.h"
#include "server/http/metrics.h"
#include "server/jobs.h"
#include "server/mp/member_api.h"
#include "server/mp/owner_card.h"
#include "server/mp/referral_routes.h"
#include "server/partner/partner_authenticator.h"
#include "server/partner/partner_router.h"
#include "server/relay_runner.h"
#include "server/webhook_http_sender.h"
#include "server/wechat_subscribe_sender.h"

namespace mileage::server {

// What tests may replace in an App; production leaves every field unset. Whatever is given
// must outlive the App.
struct AppOptions {
  // Default: the system clock. A test clock also drives the in-process Kv's expiry.
  const Clock* clock = nullptr;
  // Default: the OS CSPRNG.
  RandomSource* random = nullptr;
  // Default: crypto::kDefaultScryptParams. Tests lower it to keep hundreds of logins fast.
  std::optional<crypto::ScryptParams> scrypt;
  // Default: org::LoginLimits{}.
  std::optional<org::LoginLimits> login_limits;
  // Default: org::SessionOptions{}.truth_cache (how long an account's or a member's state
  // read from the database is trusted; console and member sessions alike).
  std::optional<std::chrono::milliseconds> session_truth_cache;
  // Default: members::MemberLoginLimits{}.
  std::optional<members::MemberLoginLimits> member_login_limits;
  // Default: the tiers and expiry of the config.
  std::optional<payments::PaymentPolicy> payment_policy;
  // Default: privacy::MemberRightsLimits{} (3 data exports per member per hour).
  std::optional<privacy::MemberRightsLimits> privacy_limits;
};

// The composition root: owns the clock, randomness, database, Kv, metrics and HTTP server of
// one `mileage serve` process and wires the routes. Create, Bind, Serve on one thread; Stop
// from any thread. Destruction closes the pools.
class App {
 public:
  // Opens the database (reachable, migrations applied), the data keys (server/data_key_source.h)
  // and the Kv, then registers routes. Nothing listens yet. Errors: Unavailable when the
  // database or Kv cannot be reached or data.key cannot be written; FailedPrecondition when a
  // recorded migration changed; InvalidArgument for a bad URL or a missing data key.
  static Result<std::unique_ptr<App>> Create(const Config& config, AppOptions options = {});
  ~App();

  // Binds config.listen; returns the bound port. Unavailable when the address is taken.
  Result<int> Bind();
  // Serves until Stop(); in-flight requests finish, then the jobs stop (releasing their lease)
  // and the pools close.
  void Serve();
  // Stops accepting (in-flight requests finish); from any thread, and again.
  void Stop();
  // What SIGTERM does: GET /healthz answers 503 DRAINING at once, every other route is served
  // as before for config drain_s seconds (so that a load balancer's checks take the node out),
  // then Stop(). Blocks its caller (the signal watcher) for the drain; an earlier Stop() ends
  // the wait.
  void DrainAndStop();

  db::Db& db() { return *db_; }
  kv::Kv& kv() { return *kv_; }
  HttpServer& http() { return *http_; }
  org::OrgModule& org() { return *org_; }
  // The coupons services (stocks, claims, grants, redemptions) for the routes to call.
  coupons::CouponsModule& coupons() { return *coupons_; }
  // The appointment services (schedules, slots, bookings, check-in, completion).
  care::CareModule& care() { return *care_; }
  // Growth (issue 16): tags and segments, referrals, visit feedback, win-back.
  growth::GrowthModule& growth() { return *growth_; }
  const ConsoleRouter& console() const { return *console_; }
  const PartnerRouter& partner_api() const { return *partner_router_; }
  MemberApi& member_api() { return *member_api_; }
  payments::NotificationService& notifications() { return *notifications_; }
  // The notification path's merchant keys (what a node has cached).
  payments::MerchantKeyCache& merchant_keys() { return *merchant_keys_; }
  const members::PhoneVault& phones() const { return *phones_; }
  const members::VehicleVault& vehicle_vault() const { return *vehicle_vault_; }
  // Members' exports and deletions (privacy/).
  privacy::MemberRights& member_rights() { return *member_rights_; }
  // Members' vehicles: the member routes' service, and the read the owner card composes.
  members::VehicleService& vehicles() { return *vehicles_; }
  // Members as partners know them (pseudonymous ids, links): the partner routes' service.
  members::PartnerIdentities& partner_identities() { return *partner_identities_; }
  // The brands' webhook endpoints (console routes).
  relay::WebhookService& webhooks() { return *webhooks_; }
  // The brand's subscribe templates and members' grants; the WeChat sender of their messages.
  care::SubscribeService& subscriptions() { return *subscriptions_; }
  WechatSubscribeSender& subscribe_sender() { return *subscribe_sender_; }
  // Earn, burn, reversal and cancellation at partners, and their earning rules.
  points::PartnerPoints& partner_points() { return *partner_points_; }

 private:
  App(const Config& config, const AppOptions& options)
      : config_(config),
        clock_(options.clock != nullptr ? *options.clock : system_clock_),
        random_(options.random != nullptr ? *options.random : os_random_),
        webhook_sender_(config.webhook_allow_private_urls) {}
  void RegisterRoutes();
  // Relays changes of merchants and partners between nodes (CacheSync) and starts its thread.
  void StartCacheSync();
  // <public_base_url, or http://127.0.0.1:<bound port>>/wechatpay/v3/notify/<mchid>.
  std::string NotifyUrl(std::string_view mchid) const;

  Config config_;
  std::atomic<int> bound_port_{0};
  std::mutex drain_mu_;
  std::condition_variable drain_cv_;
  bool stopped_ = false;  // guarded by drain_mu_
  SystemClock system_clock_;
  OsRandom os_random_;
  const Clock& clock_;
  RandomSource& random_;
  std::unique_ptr<db::Db> db_;
  std::unique_ptr<kv::Kv> kv_;
  std::unique_ptr<org::OrgModule> org_;
  std::unique_ptr<db::TransactionRunner> transactions_;
  std::unique_ptr<coupons::CouponsModule> coupons_;
  std::unique_ptr<payments::MerchantKeyCache> merchant_keys_;
  std::unique_ptr<payments::PaymentRecorder> payment_recorder_;
  std::unique_ptr<payments::NotificationService> notifications_;
  std::unique_ptr<JobScheduler> jobs_;
  // The segment grants job on its own shorter schedule (segment_grant_interval_s), without the
  // lease: concurrent runners take turns on each grant's cursor.
  std::unique_ptr<JobScheduler> grant_jobs_;
  std::unique_ptr<relay::WebhookService> webhooks_;
  WebhookHttpSender webhook_sender_;
  std::unique_ptr<care::SubscribeService> subscriptions_;
  std::unique_ptr<WechatSubscribeSender> subscribe_sender_;
  std::unique_ptr<RelayRunner> relay_;  // runs while Serve() does
  std::unique_ptr<members::PhoneVault> phones_;
  std::unique_ptr<members::VehicleVault> vehicle_vault_;
  std::unique_ptr<members::VehicleService> vehicles_;
  std::unique_ptr<members::MemberDirectory> directory_;
  std::unique_ptr<payments::MemberViews> member_views_;
  std::unique_ptr<payments::PaymentViews> payment_views_;
  std::unique_ptr<payments::ReportService> reports_;
  std::unique_ptr<payments::EarningRuleService> earning_rules_;
  std::unique_ptr<payments::PartnerRuleService> partner_rules_;
  std::unique_ptr<points::SettlementService> settlements_;
  Metrics metrics_;
  std::unique_ptr<HealthChecker> health_;
  std::unique_ptr<HttpServer> http_;
  std::unique_ptr<ConsoleRouter> console_;
  std::unique_ptr<PartnerAuthenticator> partner_authenticator_;
  std::unique_ptr<PartnerRouter> partner_router_;
  std::unique_ptr<points::PartnerPoints> partner_points_;
  std::unique_ptr<points::PartnerReports> partner_reports_;
  std::unique_ptr<PartnerApi> partner_api_;
  std::unique_ptr<MemberApi> member_api_;
  std::unique_ptr<points::MemberPoints> member_points_;
  std::unique_ptr<members::MemberCodes> member_codes_;
  std::unique_ptr<care::CareModule> care_;
  std::unique_ptr<growth::GrowthModule> growth_;
  std::unique_ptr<ReferralCodeImages> referral_images_;
  std::unique_ptr<members::PartnerIdentities> partner_identities_;
  std::unique_ptr<OwnerCard> owner_card_;
  std::unique_ptr<members::MemberPrivacy> member_privacy_;
  std::unique_ptr<privacy::MemberRights> member_rights_;
  // The data key rotation's progress for /metrics (the job runs its own, server/jobs.h).
  std::unique_ptr<privacy::KeyRotation> key_rotation_;
  std::unique_ptr<CacheSync> cache_sync_;  // last: its drops use the caches above
};

}  // namespace mileage::server

#include "server/app.h"

#include "common/log.h"
#include "db/migrate.h"
#include "payments/payment_store.h"
#include "server/config_loader.h"
#include "server/console/console_routes.h"
#include "server/console/feedback_routes.h"
#include "server/console/segment_json.h"
#include "server/data_key_source.h"
#include "server/mp/activity_routes.h"
#include "server/mp/appointment_routes.h"
#include "server/mp/card_routes.h"
#include "server/mp/coupon_routes.h"
#include "server/mp/feedback_routes.h"
#include "server/mp/package_routes.h"
#include "server/mp/partner_routes.h"
#include "server/mp/privacy_routes.h"
#include "server/mp/reminder_routes.h"
#include "server/mp/store_routes.h"
#include "server/mp/subscription_routes.h"
#include "server/mp/vehicle_routes.h"
#include "server/routes/console_static_routes.h"
#include "server/routes/system_routes.h"
#include "server/routes/wechatpay_routes.h"
#include "server/storage.h"

namespace mileage::server {

Result<std::unique_ptr<App>> App::Create(const Config& config, AppOptions options) {
  std::unique_ptr<App> app(new App(config, options));
  MILEAGE_ASSIGN_OR_RETURN(crypto::DataKey data_key, ResolveDataKey(app->config_, app->random_));
  MILEAGE_ASSIGN_OR_RETURN(std::vector<crypto::DataKey> previous_keys,
                           PreviousDataKeys(app->config_));
  MILEAGE_ASSIGN_OR_RETURN(app->db_, OpenDatabase(app->config_));
  MILEAGE_RETURN_IF_ERROR(db::Migrate(*app->db_, app->clock_).status());
  MILEAGE_ASSIGN_OR_RETURN(app->kv_, OpenKv(app->config_, app->clock_));
  org::OrgOptions org_options;
  org_options.sessions.ttl = std::chrono::seconds(app->config_.session_ttl_s);
  org_options.previous_data_keys = previous_keys;
  if (options.login_limits.has_value()) org_options.sessions.limits = *options.login_limits;
  if (options.session_truth_cache.has_value()) {
    org_options.sessions.truth_cache = *options.session_truth_cache;
  }
  if (options.scrypt.has_value()) org_options.scrypt = *options.scrypt;
  app->org_ = std::make_unique<org::OrgModule>(*app->db_, *app->kv_, app->clock_, app->random_,
                                               data_key, org_options);
  app->merchant_keys_ =
      std::make_unique<payments::MerchantKeyCache>(app->org_->merchants(), app->clock_);
  const payments::PaymentPolicy policy =
      options.payment_policy.value_or(PaymentPolicyOf(app->config_));
  // SQLite pays an fsync per commit and runs one writer at a time: share commits. InnoDB
  // shares log flushes among concurrent transactions by itself.
  if (app->db_->dialect() == db::Dialect::kSqlite) {
    app->transactions_ = std::make_unique<db::GroupCommitter>(*app->db_);
  } else {
    app->transactions_ = std::make_unique<db::SeparateTransactions>(*app->db_);
  }
  // Grants see the members the console shows the caller (payments' rule, above coupons).
  app->coupons_ = std::make_unique<coupons::CouponsModule>(
      *app->db_, *app->transactions_, app->org_->authorizer(), app->org_->writer(), app->clock_,
      app->random_, data_key, policy.tiers, payments::MemberViews::Visible);
  app->payment_recorder_ = std::make_unique<payments::PaymentRecorder>(
      app->random_, policy, app->coupons_->payment_rewards(), app->coupons_->package_fulfilment());
  // Growth sees payments through the recorder's observer hook (payments/payment_observer.h).
  app->growth_ = std::make_unique<growth::GrowthModule>(*app->db_, app->org_->authorizer(),
                                                        app->org_->writer(), app->random_,
                                                        policy.expiry, ParseFilterText);
  app->payment_recorder_->AddObserver(app->growth_->referral_rewards());
  app->notifications_ = std::make_unique<payments::NotificationService>(
      *app->transactions_, *app->merchant_keys_, *app->payment_recorder_, app->clock_);
  app->phones_ =
      std::make_unique<members::PhoneVault>(data_key, app->org_->cipher(), previous_keys);
  app->vehicle_vault_ =
      std::make_unique<members::VehicleVault>(data_key, app->org_->cipher(), previous_keys);
  app->key_rotation_ = std::make_unique<privacy::KeyRotation>(*app->db_, data_key, previous_keys);
  app->vehicles_ = std::make_unique<members::VehicleService>(*app->db_, *app->vehicle_vault_,
                                                             *app->kv_, app->clock_);
  app->directory_ =
      std::make_unique<members::MemberDirectory>(*app->db_, *app->phones_, *app->vehicle_vault_);
  app->member_codes_ = std::make_unique<members::MemberCodes>(data_key, app->random_);
  app->care_ = std::make_unique<care::CareModule>(
      *app->db_, app->org_->authorizer(), app->org_->writer(), *app->member_codes_,
      app->coupons_->redemptions(), policy.tiers, app->random_,
      payments::PaymentStore::AppendMembersSeenIn);
  app->partner_identities_ = std::make_unique<members::PartnerIdentities>(
      *app->db_, data_key, *app->member_codes_, *app->vehicle_vault_, *app->kv_, app->clock_,
      app->random_);
  app->member_views_ = std::make_unique<payments::MemberViews>(
      *app->db_, app->org_->authorizer(), *app->directory_, *app->member_codes_, app->clock_);
  app->payment_views_ =
      std::make_unique<payments::PaymentViews>(*app->db_, app->org_->authorizer());
  app->reports_ =
      std::make_unique<payments::ReportService>(*app->db_, app->org_->authorizer(), app->clock_);
  app->earning_rules_ = std::make_unique<payments::EarningRuleService>(
      *app->db_, app->org_->authorizer(), app->org_->writer(), policy.tiers);
  app->partner_rules_ = std::make_unique<payments::PartnerRuleService>(
      *app->db_, app->org_->authorizer(), app->org_->writer(), policy.tiers);
  app->settlements_ = std::make_unique<points::SettlementService>(
      *app->db_, app->org_->authorizer(), app->org_->writer(), app->clock_);
  MemberApiOptions member_options;
  member_options.first_tier = policy.tiers.tiers.front().name;
  member_options.truth_cache = org_options.sessions.truth_cache;
  if (options.member_login_limits.has_value()) {
    member_options.login_limits = *options.member_login_limits;
  }
  MILEAGE_ASSIGN_OR_RETURN(
      app->member_api_,
      MemberApi::Create(app->config_, *app->db_, *app->kv_, app->clock_, app->random_, data_key,
                        *app->org_, *app->merchant_keys_, *app->phones_, member_options));
  app->member_points_ = std::make_unique<points::MemberPoints>(*app->db_);
  app->partner_points_ = std::make_unique<points::PartnerPoints>(*app->db_, policy.expiry);
  app->partner_reports_ = std::make_unique<points::PartnerReports>(*app->db_, app->clock_);
  app->owner_card_ = std::make_unique<OwnerCard>(
      *app->db_, app->member_api_->accounts(), *app->member_points_, app->coupons_->coupons(),
      *app->vehicles_, *app->member_codes_, policy.tiers);
  app->member_privacy_ =
      std::make_unique<members::MemberPrivacy>(*app->phones_, *app->vehicle_vault_);
  app->member_rights_ = std::make_unique<privacy::MemberRights>(
      *app->db_, *app->kv_, app->clock_, *app->member_privacy_, app->member_api_->truth(),
      options.privacy_limits.value_or(privacy::MemberRightsLimits{}));
  app->webhooks_ = std::make_unique<relay::WebhookService>(
      *app->db_, app->clock_, app->org_->authorizer(), app->org_->writer(), app->org_->cipher(),
      app->random_, app->config_.webhook_allow_private_urls);
  app->subscriptions_ = std::make_unique<care::SubscribeService>(
      *app->db_, app->clock_, app->org_->authorizer(), app->org_->writer());
  app->referral_images_ = std::make_unique<ReferralCodeImages>(app->member_api_->wechat(),
                                                               app->org_->apps(), *app->kv_);
  app->subscribe_sender_ =
      std::make_unique<WechatSubscribeSender>(app->member_api_->wechat(), app->org_->apps());
  app->relay_ = std::make_unique<RelayRunner>(*app->db_, app->config_, app->org_->cipher(),
                                              app->webhook_sender_, app->clock_, app->random_,
                                              app->subscribe_sender_.get());
  app->StartCacheSync();
  app->health_ = std::make_unique<HealthChecker>(*app->db_, *app->kv_);
  app->http_ = std::make_unique<HttpServer>(app->config_, app->metrics_);
  app->RegisterRoutes();
  return app;
}

void App::StartCacheSync() {
  payments::MerchantKeyCache* keys = merchant_keys_.get();
  MerchantPayClients* pay_clients = &member_api_->pay_clients();
  org::PartnerService* partners = &org_->partners();
  cache_sync_ = std::make_unique<CacheSync>(
      *kv_, CacheSync::kDefaultPoll,
      std::vector<std::function<void()>>{[keys] { keys->MerchantChanged(""); },
                                         [pay_clients] { pay_clients->MerchantChanged(""); },
                                         [partners] { partners->ForgetCredentials(); }});
  org_->merchants().changes().Subscribe(cache_sync_.get());
  partners->SetChangeHook([sync = cache_sync_.get()] { sync->Bump(); });
  cache_sync_->Start();
}

App::~App() {
  if (cache_sync_) {
    org_->merchants().changes().Unsubscribe(cache_sync_.get());
    org_->partners().SetChangeHook({});
    cache_sync_->Stop();
  }
  transactions_.reset();  // the group committer's writer thread uses the database
  if (db_) db_->Close();
}

void App::RegisterRoutes() {
  db::Db* db = db_.get();
  metrics_.AddGauge("mileage_db_pool_size", "Configured maximum database connections.",
                    [db] { return static_cast<double>(db->Stats().size); });
  metrics_.AddGauge("mileage_db_pool_open", "Database connections open.",
                    [db] { return static_cast<double>(db->Stats().open); });
  metrics_.AddGauge("mileage_db_pool_in_use", "Database connections checked out.",
                    [db] { return static_cast<double>(db->Stats().in_use); });
  metrics_.AddGauge("mileage_db_pool_waits", "Acquisitions that waited for a connection.",
                    [db] { return static_cast<double>(db->Stats().waits); });
  metrics_.AddGauge("mileage_db_pool_replaced", "Broken database connections replaced.",
                    [db] { return static_cast<double>(db->Stats().replaced); });
  AddRelayMetrics(metrics_, *db_, clock_, relay_.get());
  privacy::KeyRotation* rotation = key_rotation_.get();
  metrics_.AddGauge("mileage_data_key_stale_values",
                    "Sealed values still under a previous data key (0 when no rotation runs; "
                    "-1 when the count failed).",
                    [rotation] {
                      Result<int64_t> left = rotation->Remaining();
                      return left.ok() ? static_cast<double>(*left) : -1.0;
                    });
  AddSegmentGrantMetrics(metrics_, *db_);
  RegisterSystemRoutes(*http_, *health_, metrics_);
  console_ =
      std::make_unique<ConsoleRouter>(*http_, org_->sessions(), org_->authorizer(), org_->writer());
  RegisterConsoleRoutes(*console_, *org_);
  RegisterMemberRoutes(*console_, *member_views_);
  RegisterPaymentRoutes(*console_, *payment_views_);
  RegisterEarningRuleRoutes(*console_, *earning_rules_);
  RegisterPartnerRuleRoutes(*console_, *partner_rules_);
  RegisterReportRoutes(*console_, *reports_);
  RegisterSettlementRoutes(*console_, *settlements_);
  RegisterWebhookRoutes(*console_, *webhooks_);
  RegisterSubscriptionRoutes(*console_, *subscriptions_);
  RegisterCouponRoutes(*console_, *coupons_, clock_);
  RegisterAppointmentRoutes(*console_, *care_, clock_);
  RegisterActivityRoutes(*console_, care_->activities(), clock_);
  RegisterCareRuleRoutes(*console_, care_->care_rules(), clock_);
  RegisterMaintenanceRoutes(*console_, care_->maintenance(), clock_);
  RegisterReferralRoutes(*console_, growth_->referrals(), clock_);
  RegisterFeedbackRoutes(*console_, growth_->feedback(), clock_);
  RegisterWinbackRoutes(*console_, growth_->winback(), clock_);
  RegisterSegmentRoutes(*console_, *growth_, clock_);
  RegisterExportRoutes(*console_, *member_views_, *payment_views_, coupons_->redemptions());
  member_api_->RegisterRoutes(*http_);
  RegisterMemberCouponRoutes(member_api_->router(), coupons_->coupons(), clock_);
  RegisterMemberVehicleRoutes(member_api_->router(), *vehicles_, clock_);
  RegisterMemberAppointmentRoutes(member_api_->router(), *care_, clock_);
  RegisterMemberActivityRoutes(member_api_->router(), care_->activities(), clock_);
  RegisterMemberSubscriptionRoutes(member_api_->router(), *subscriptions_);
  RegisterMemberReminderRoutes(member_api_->router(), care_->maintenance(), clock_);
  RegisterMemberReferralRoutes(member_api_->router(), growth_->referrals(), *referral_images_,
                               clock_);
  RegisterMemberFeedbackRoutes(member_api_->router(), growth_->feedback(), clock_);
  RegisterMemberStoreRoutes(member_api_->router(), org_->stores());
  RegisterMemberCardRoutes(member_api_->router(), *owner_card_, *member_points_, clock_);
  RegisterMemberPartnerRoutes(member_api_->router(), *partner_identities_, *partner_reports_);
  RegisterMemberPrivacyRoutes(member_api_->router(), *member_rights_);
  RegisterMemberPackageRoutes(
      member_api_->router(), coupons_->package_sales(), member_api_->pay_clients(),
      [this](std::string_view mchid) { return NotifyUrl(mchid); }, clock_);
  RegisterWechatPayRoutes(*http_, *notifications_);
  partner_authenticator_ = std::make_unique<PartnerAuthenticator>(org_->partners(), *kv_, clock_);
  partner_router_ = std::make_unique<PartnerRouter>(*http_, *partner_authenticator_);
  partner_api_ = std::make_unique<PartnerApi>(PartnerApi{
      *partner_identities_, *partner_points_, *member_points_, *partner_reports_, clock_});
  RegisterPartnerApiRoutes(*partner_router_, *partner_api_);
  if (!config_.console_dir.empty()) RegisterConsoleStaticRoutes(*http_, config_.console_dir);
}

Result<int> App::Bind() {
  Result<int> port = http_->Bind(config_.listen);
  if (port.ok()) bound_port_ = *port;
  return port;
}

std::string App::NotifyUrl(std::string_view mchid) const {
  const std::string base = !config_.public_base_url.empty()
                               ? config_.public_base_url
                               : "http://127.0.0.1:" + std::to_string(bound_port_.load());
  return base + "/wechatpay/v3/notify/" + std::string(mchid);
}

void App::Serve() {
  jobs_ = std::make_unique<JobScheduler>(*db_, config_, clock_);
  jobs_->Start();
  JobTiming grant_timing;
  grant_timing.interval_s = config_.segment_grant_interval_s;
  grant_jobs_ = std::make_unique<JobScheduler>(
      *db_, std::vector<Job>{SegmentGrantsJob(*db_, config_)}, grant_timing, clock_);
  grant_jobs_->Start();
  relay_->Start();
  http_->Serve();
  relay_->Stop();
  grant_jobs_.reset();
  jobs_.reset();
  db_->Close();
}

void App::DrainAndStop() {
  health_->SetDraining();
  MILEAGE_LOG(kInfo) << "draining: /healthz answers 503; serving " << config_.drain_s
                     << " s more before stopping";
  {
    std::unique_lock lock(drain_mu_);
    drain_cv_.wait_for(lock, std::chrono::seconds(config_.drain_s), [this] { return stopped_; });
  }
  Stop();
}

void App::Stop() {
  {
    std::lock_guard lock(drain_mu_);
    stopped_ = true;
  }
  drain_cv_.notify_all();
  http_->Stop();
}

}  // namespace mileage::server

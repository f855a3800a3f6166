#include "growth/winback_service.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>

#include "common/civil_time.h"
#include "coupons/coupon_store.h"
#include "coupons/rules.h"
#include "coupons/stock_store.h"
#include "growth/winback_store.h"
#include "members/member_drift.h"
#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::growth {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kReportBatch = 500;
constexpr int64_t kMaxReportMonths = 12;

using Counts = std::map<int64_t, int64_t>;

Status InvalidDays(const char* field, int64_t low) {
  return InvalidArgumentError(std::string(field) + " must be " + std::to_string(low) + ".." +
                                  std::to_string(WinbackSettings::kMaxDays),
                              "INVALID_DAYS");
}

// The merged settings' checks.
Status Validate(const WinbackSettings& s) {
  if (s.drift_days < 1 || s.drift_days > WinbackSettings::kMaxDays) {
    return InvalidDays("drift_days", 1);
  }
  if (s.post_warranty_days < 1 || s.post_warranty_days > WinbackSettings::kMaxDays) {
    return InvalidDays("post_warranty_days", 1);
  }
  if (s.cooldown_days < 0 || s.cooldown_days > WinbackSettings::kMaxDays) {
    return InvalidDays("cooldown_days", 0);
  }
  if (s.warranty_years < 0 || s.warranty_years > WinbackSettings::kMaxWarrantyYears) {
    return InvalidArgumentError("warranty_years must be 0..30", "INVALID_WARRANTY");
  }
  if (s.post_warranty_days < s.drift_days) {
    return InvalidArgumentError("post_warranty_days must not be below drift_days",
                                "INVALID_THRESHOLD");
  }
  return Status::Ok();
}

bool EmptyPatch(const WinbackSettingsPatch& p) {
  return !p.drift_days && !p.warranty_years && !p.post_warranty_days && !p.cooldown_days &&
         !p.stock_id && !p.enabled;
}

void Apply(const WinbackSettingsPatch& p, WinbackSettings& s) {
  if (p.drift_days) s.drift_days = *p.drift_days;
  if (p.warranty_years) s.warranty_years = *p.warranty_years;
  if (p.post_warranty_days) s.post_warranty_days = *p.post_warranty_days;
  if (p.cooldown_days) s.cooldown_days = *p.cooldown_days;
  if (p.stock_id) s.stock_id = *p.stock_id;
  if (p.enabled) s.enabled = *p.enabled;
}

std::string Describe(const WinbackSettings& s) {
  return "drift_days " + std::to_string(s.drift_days) + ", warranty_years " +
         std::to_string(s.warranty_years) + ", post_warranty_days " +
         std::to_string(s.post_warranty_days) + ", cooldown_days " +
         std::to_string(s.cooldown_days) + ", stock " +
         (s.stock_id ? std::to_string(*s.stock_id) : std::string("none")) +
         (s.enabled ? ", enabled" : ", disabled");
}

Status NodeNotFound(org::NodeType type, int64_t id) {
  const bool dealer = type == org::NodeType::kDealer;
  return NotFoundError(
      std::string(dealer ? "dealer " : "store ") + std::to_string(id) + " not found",
      dealer ? "DEALER_NOT_FOUND" : "STORE_NOT_FOUND");
}

// Whole days between a last visit and `now`.
int64_t DaysAway(int64_t last_visit_at, int64_t now) { return (now - last_visit_at) / kDay; }

// Whether `m` drifts under the longer, after-warranty threshold of `cut`.
bool OutOfWarranty(const members::DriftingMember& m, const members::DriftCut& cut) {
  return m.newest_purchase_date.has_value() && *m.newest_purchase_date <= cut.bought_by;
}

// The report's month of a grant: "YYYY-MM" (Beijing).
std::string MonthOf(int64_t at) { return civil::FormatDate(civil::BeijingDate(at)).substr(0, 7); }

}  // namespace

Result<int64_t> WinbackService::BrandOf(const org::Actor& actor, org::Action action) const {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, action));
  if (!actor.staff.has_value()) {
    return FailedPreconditionError("win-back is for staff", "STAFF_ONLY");
  }
  return actor.staff->scope.brand_id;
}

Status WinbackService::CheckStock(db::Connection& conn, int64_t brand_id, int64_t stock_id,
                                  int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<coupons::Stock> stock,
                           coupons::StockStore(conn).Find(stock_id));
  if (!stock.has_value() || stock->node.brand_id != brand_id) {
    return NotFoundError("stock " + std::to_string(stock_id) + " not found", "STOCK_NOT_FOUND");
  }
  return coupons::CheckIssuing(*stock, coupons::Channel::kGrant, now);
}

Result<WinbackSettings> WinbackService::Settings(const org::Actor& actor) {
  MILEAGE_ASSIGN_OR_RETURN(int64_t brand_id, BrandOf(actor, org::Action::kWinbackRead));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<WinbackSettings> stored,
                           WinbackStore(*conn).FindSettings(brand_id));
  if (stored.has_value()) return std::move(*stored);
  WinbackSettings defaults;
  defaults.brand_id = brand_id;
  return defaults;
}

Result<WinbackSettings> WinbackService::UpdateSettings(const org::Actor& actor,
                                                       const WinbackSettingsPatch& patch,
                                                       int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(int64_t brand_id, BrandOf(actor, org::Action::kWinbackWrite));
  if (EmptyPatch(patch)) {
    return InvalidArgumentError(
        "give at least one of drift_days, warranty_years, post_warranty_days, cooldown_days, "
        "stock_id and enabled",
        "MISSING_FIELD");
  }
  if (patch.stock_id.has_value() && patch.stock_id->has_value()) {
    MILEAGE_RETURN_IF_ERROR(org::ValidateId(**patch.stock_id, "stock_id"));
  }
  org::AuditRecord base;
  base.action = "winback.update";
  base.object_type = "winback_settings";
  base.object_id = brand_id;
  WinbackSettings saved;
  const Status written =
      writer_.Run(actor, base, [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kWinbackWrite,
                                                  org::NodePath::Brand(brand_id),
                                                  "brand " + std::to_string(brand_id)));
        WinbackStore store(conn);
        MILEAGE_ASSIGN_OR_RETURN(std::optional<WinbackSettings> stored,
                                 store.FindSettings(brand_id, true));
        WinbackSettings s = stored.value_or(WinbackSettings{});
        s.brand_id = brand_id;
        const std::optional<int64_t> old_stock = s.stock_id;
        Apply(patch, s);
        MILEAGE_RETURN_IF_ERROR(Validate(s));
        if (s.stock_id.has_value() && s.stock_id != old_stock) {
          MILEAGE_RETURN_IF_ERROR(CheckStock(conn, brand_id, *s.stock_id, now));
        }
        s.updated_at = now;
        MILEAGE_RETURN_IF_ERROR(store.SaveSettings(s));
        record.brand_id = brand_id;
        record.detail = Describe(s);
        saved = std::move(s);
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return saved;
}

Result<std::optional<std::vector<int64_t>>> WinbackService::StoresIn(
    db::Connection& conn, const org::NodePath& scope, const std::optional<org::NodePath>& parent) {
  using Stores = std::optional<std::vector<int64_t>>;
  if (scope.type == org::NodeType::kBrand && !parent.has_value()) return Stores();
  std::vector<int64_t> ids;
  PageRequest page;
  page.page_size = PageRequest::kMaxPageSize;
  for (;; ++page.page) {
    MILEAGE_ASSIGN_OR_RETURN(PageOf<org::Node> nodes,
                             org::NodeStore(conn).List(org::NodeType::kStore, scope, parent, page));
    for (const org::Node& n : nodes.items) ids.push_back(n.path.store_id);
    if (static_cast<int64_t>(nodes.items.size()) < page.page_size) break;
  }
  return Stores(std::move(ids));
}

Result<std::optional<std::vector<int64_t>>> WinbackService::FilterStores(
    db::Connection& conn, const org::Actor& actor, const DriftFilter& filter) {
  const org::NodePath& scope = actor.staff->scope;
  std::optional<org::NodePath> parent;
  if (filter.dealer_id.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> dealer,
                             org::NodeStore(conn).Find(org::NodeType::kDealer, *filter.dealer_id));
    if (!dealer.has_value() ||
        !authorizer_.Check(actor, org::Action::kWinbackRead, dealer->path, "dealer").ok()) {
      return NodeNotFound(org::NodeType::kDealer, *filter.dealer_id);
    }
    parent = dealer->path;
  }
  if (filter.store_id.has_value()) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> store,
                             org::NodeStore(conn).Find(org::NodeType::kStore, *filter.store_id));
    if (!store.has_value() ||
        !authorizer_.Check(actor, org::Action::kWinbackRead, store->path, "store").ok() ||
        (parent.has_value() && store->path.dealer_id != parent->dealer_id)) {
      return NodeNotFound(org::NodeType::kStore, *filter.store_id);
    }
    return std::optional<std::vector<int64_t>>(std::vector<int64_t>{*filter.store_id});
  }
  return StoresIn(conn, scope, parent);
}

Result<DriftingPage> WinbackService::Drifting(const org::Actor& actor, const DriftFilter& filter,
                                              int64_t now) {
  MILEAGE_RETURN_IF_ERROR(BrandOf(actor, org::Action::kWinbackRead).status());
  if (filter.limit < 1 || filter.limit > DriftFilter::kMaxLimit) {
    return InvalidArgumentError("limit must be 1..200", "INVALID_LIMIT");
  }
  if (filter.dealer_id) MILEAGE_RETURN_IF_ERROR(org::ValidateId(*filter.dealer_id, "dealer_id"));
  if (filter.store_id) MILEAGE_RETURN_IF_ERROR(org::ValidateId(*filter.store_id, "store_id"));
  MILEAGE_ASSIGN_OR_RETURN(WinbackSettings settings, Settings(actor));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::vector<int64_t>> stores,
                           FilterStores(*conn, actor, filter));
  DriftingPage out;
  if (stores.has_value() && stores->empty()) return out;
  const members::DriftCut cut = CutOf(settings, now);
  members::DriftPage page;
  page.store_ids = std::move(stores);
  page.after = filter.after;
  page.limit = filter.limit + 1;  // one more tells whether a next page exists
  MILEAGE_ASSIGN_OR_RETURN(std::vector<members::DriftingMember> rows,
                           members::MemberDrift(*conn).Drifting(cut, page, now));
  const bool more = static_cast<int64_t>(rows.size()) > filter.limit;
  if (more) rows.pop_back();
  Places places;
  for (members::DriftingMember& m : rows) {
    MILEAGE_ASSIGN_OR_RETURN(Place place, places.Of(*conn, m.store_id));
    DriftingOwner o;
    o.out_of_warranty = OutOfWarranty(m, cut);
    o.threshold_days = o.out_of_warranty ? settings.post_warranty_days : settings.drift_days;
    o.days_away = DaysAway(m.last_visit_at, now);
    o.dealer_id = place.path.dealer_id;
    o.store_name = place.store_name;
    o.dealer_name = place.dealer_name;
    o.member = std::move(m);
    out.items.push_back(std::move(o));
  }
  if (more && !out.items.empty()) {
    out.next = std::make_pair(out.items.back().member.last_visit_at, out.items.back().member.id);
  }
  return out;
}

Result<std::vector<DealerDrift>> WinbackService::Dealers(const org::Actor& actor, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(WinbackSettings settings, Settings(actor));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::vector<int64_t>> stores,
                           StoresIn(*conn, actor.staff->scope, std::nullopt));
  MILEAGE_ASSIGN_OR_RETURN(Counts by_store,
                           members::MemberDrift(*conn).CountByStore(CutOf(settings, now)));
  if (stores.has_value()) std::sort(stores->begin(), stores->end());
  Places places;
  std::map<int64_t, DealerDrift> by_dealer;
  for (const auto& [store_id, count] : by_store) {
    if (stores.has_value() && !std::binary_search(stores->begin(), stores->end(), store_id)) {
      continue;
    }
    MILEAGE_ASSIGN_OR_RETURN(Place place, places.Of(*conn, store_id));
    DealerDrift& d = by_dealer[place.path.dealer_id];
    d.dealer_id = place.path.dealer_id;
    d.name = place.dealer_name;
    d.drifting += count;
  }
  std::vector<DealerDrift> out;
  for (auto& [id, d] : by_dealer) out.push_back(std::move(d));
  return out;
}

Result<std::vector<ComeBackRow>> WinbackService::Report(const org::Actor& actor,
                                                        std::string_view from, std::string_view to,
                                                        int64_t now) {
  MILEAGE_RETURN_IF_ERROR(BrandOf(actor, org::Action::kWinbackRead).status());
  const std::optional<civil::Date> first = civil::ParseMonth(from);
  const std::optional<civil::Date> last = civil::ParseMonth(to);
  if (!first.has_value() || !last.has_value()) {
    return InvalidArgumentError("from and to must be months YYYY-MM", "INVALID_MONTH");
  }
  const int64_t months = (last->year - first->year) * 12 + (last->month - first->month) + 1;
  if (months < 1 || months > kMaxReportMonths) {
    return InvalidArgumentError("to must be from or up to 11 months after it", "INVALID_RANGE");
  }
  const int64_t begin = civil::BeijingStartOfDay(*first);
  const int64_t end = civil::BeijingStartOfDay(civil::AddMonths(*last, 1));
  const int64_t brand_id = actor.staff->scope.brand_id;
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<std::vector<int64_t>> stores,
                           StoresIn(*conn, actor.staff->scope, std::nullopt));
  std::map<std::pair<std::string, int64_t>, ComeBackRow> rows;
  int64_t after_id = 0;
  for (;;) {
    MILEAGE_ASSIGN_OR_RETURN(
        std::vector<WinbackGrant> grants,
        WinbackStore(*conn).GrantsBetween(brand_id, begin, end, stores, after_id, kReportBatch));
    for (const WinbackGrant& g : grants) {
      ComeBackRow& row = rows[{MonthOf(g.created_at), g.dealer_id}];
      ++row.granted;
      if (g.messaged) ++row.messaged;
      const bool back =
          g.returned_at.has_value() && *g.returned_at <= g.created_at + kComeBackWindowS;
      if (back) ++row.returned;
      if (!back && now < g.created_at + kComeBackWindowS) ++row.waiting;
      if (!g.coupon_id.has_value()) continue;
      ++row.coupons;
      if (g.coupon_redeemed) ++row.redeemed;
    }
    if (static_cast<int64_t>(grants.size()) < kReportBatch) break;
    after_id = grants.back().id;
  }
  Places places;
  std::vector<ComeBackRow> out;
  for (auto& [key, row] : rows) {
    row.month = key.first;
    row.dealer_id = key.second;
    MILEAGE_ASSIGN_OR_RETURN(row.dealer_name, places.DealerName(*conn, key.second));
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace mileage::growth

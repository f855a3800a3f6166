#include "growth/segment_service.h"

#include <string>
#include <utility>

#include "common/civil_time.h"
#include "coupons/rules.h"
#include "coupons/stock_store.h"
#include "growth/segment_store.h"
#include "growth/tag_store.h"
#include "org/validation.h"

namespace mileage::growth {
namespace {

std::string Label(int64_t id) { return "segment " + std::to_string(id); }
std::string BrandLabel(int64_t id) { return "brand " + std::to_string(id); }

Status SegmentNotFound(int64_t id) {
  return NotFoundError(Label(id) + " not found", "SEGMENT_NOT_FOUND");
}

Status GrantNotFound(int64_t id) {
  return NotFoundError("segment grant " + std::to_string(id) + " not found", "GRANT_NOT_FOUND");
}

Status ValidateName(const std::string& name) {
  if (name.empty() || name.size() > SegmentService::kMaxName) {
    return InvalidArgumentError(
        "name must be 1.." + std::to_string(SegmentService::kMaxName) + " bytes", "INVALID_NAME");
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return InvalidArgumentError("name must not hold control characters", "INVALID_NAME");
    }
  }
  return Status::Ok();
}

// A taken name (the unique key) as its stable code; other statuses unchanged.
Status NameTaken(Status status) {
  if (status.code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("the brand has a segment of that name", "SEGMENT_NAME_TAKEN");
  }
  return status;
}

org::AuditRecord Base(const char* action, const char* type, std::optional<int64_t> id) {
  org::AuditRecord base;
  base.action = action;
  base.object_type = type;
  base.object_id = id;
  return base;
}

std::string DescribeThresholds(const RfmThresholds& t) {
  auto list = [](const std::array<int64_t, 4>& a) {
    return std::to_string(a[0]) + "," + std::to_string(a[1]) + "," + std::to_string(a[2]) + "," +
           std::to_string(a[3]);
  };
  return "recency_days " + list(t.recency_days) + "; visits " + list(t.visits) + "; spend_fen " +
         list(t.spend_fen);
}

int64_t DayNumber(const civil::Date& d) { return d.year * 10000 + d.month * 100 + d.day; }

}  // namespace

Status SegmentService::CheckBrand(const org::Actor& actor, org::Action action, int64_t brand_id) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, action));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(brand_id, "brand_id"));
  return authorizer_.Check(actor, action, org::NodePath::Brand(brand_id), BrandLabel(brand_id));
}

Result<Segment> SegmentService::Authorized(db::Connection& conn, const org::Actor& actor,
                                           org::Action action, int64_t id, bool lock) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Segment> segment, SegmentStore(conn).Find(id, lock));
  if (!segment.has_value()) return SegmentNotFound(id);
  Status allowed =
      authorizer_.Check(actor, action, org::NodePath::Brand(segment->brand_id), Label(id));
  if (allowed.code() == StatusCode::kNotFound) return SegmentNotFound(id);
  MILEAGE_RETURN_IF_ERROR(allowed);
  return std::move(*segment);
}

Result<FilterNode> SegmentService::FilterOf(const Segment& segment) {
  MILEAGE_ASSIGN_OR_RETURN(FilterNode filter, parse_(segment.filter_json));
  MILEAGE_RETURN_IF_ERROR(ValidateFilter(filter));
  return filter;
}

Result<RfmThresholds> SegmentService::Thresholds(const org::Actor& actor, int64_t brand_id) {
  MILEAGE_RETURN_IF_ERROR(CheckBrand(actor, org::Action::kSegmentRead, brand_id));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return TagStore(*conn).Thresholds(brand_id);
}

Result<RfmThresholds> SegmentService::SetThresholds(const org::Actor& actor, int64_t brand_id,
                                                    const RfmThresholds& thresholds, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kSegmentWrite));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateThresholds(thresholds));
  const Status written = writer_.Run(
      actor, Base("rfm_thresholds.update", "brand", brand_id),
      [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kSegmentWrite,
                                                  org::NodePath::Brand(brand_id),
                                                  BrandLabel(brand_id)));
        MILEAGE_RETURN_IF_ERROR(TagStore(conn).SaveThresholds(brand_id, thresholds, now));
        record.brand_id = brand_id;
        record.detail = DescribeThresholds(thresholds);
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return thresholds;
}

Result<SegmentView> SegmentService::Create(const org::Actor& actor, int64_t brand_id,
                                           const NewSegment& request, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kSegmentWrite));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateName(request.name));
  MILEAGE_RETURN_IF_ERROR(ValidateFilter(request.filter));
  SegmentView view;
  const Status written =
      writer_.Run(actor, Base("segment.create", "segment", std::nullopt),
                  [&](db::Connection& conn, org::AuditRecord& record) -> Status {
                    MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kSegmentWrite,
                                                              org::NodePath::Brand(brand_id),
                                                              BrandLabel(brand_id)));
                    Segment s;
                    s.brand_id = brand_id;
                    s.name = request.name;
                    s.filter_json = FilterJson(request.filter);
                    if (actor.staff.has_value()) s.created_by = actor.staff->staff_id;
                    s.created_at = s.updated_at = now;
                    SegmentStore store(conn);
                    MILEAGE_ASSIGN_OR_RETURN(s.id, store.Insert(s));
                    MILEAGE_ASSIGN_OR_RETURN(view.count, store.Count(brand_id, request.filter));
                    record.brand_id = brand_id;
                    record.object_id = s.id;
                    record.detail = s.name + ": " + s.filter_json.substr(0, 200);
                    view.segment = std::move(s);
                    return Status::Ok();
                  });
  MILEAGE_RETURN_IF_ERROR(NameTaken(written));
  return view;
}

Result<PageOf<SegmentView>> SegmentService::List(const org::Actor& actor, int64_t brand_id,
                                                 const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_RETURN_IF_ERROR(CheckBrand(actor, org::Action::kSegmentRead, brand_id));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return SegmentStore(*conn).List(brand_id, page);
}

Result<SegmentView> SegmentService::Get(const org::Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kSegmentRead));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  SegmentView view;
  MILEAGE_ASSIGN_OR_RETURN(view.segment,
                           Authorized(*conn, actor, org::Action::kSegmentRead, id, false));
  MILEAGE_ASSIGN_OR_RETURN(FilterNode filter, FilterOf(view.segment));
  SegmentStore store(*conn);
  MILEAGE_ASSIGN_OR_RETURN(view.count, store.Count(view.segment.brand_id, filter));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SegmentSize> latest, store.LatestSize(id));
  if (latest.has_value()) {
    view.latest_size = latest->size;
    view.latest_day = latest->day;
  }
  return view;
}

Result<SegmentView> SegmentService::Update(const org::Actor& actor, int64_t id,
                                           const SegmentPatch& patch, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kSegmentWrite));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  if (!patch.name.has_value() && !patch.filter.has_value()) {
    return InvalidArgumentError("give name or filter", "MISSING_FIELD");
  }
  if (patch.name.has_value()) MILEAGE_RETURN_IF_ERROR(ValidateName(*patch.name));
  if (patch.filter.has_value()) MILEAGE_RETURN_IF_ERROR(ValidateFilter(*patch.filter));
  const Status written =
      writer_.Run(actor, Base("segment.update", "segment", id),
                  [&](db::Connection& conn, org::AuditRecord& record) -> Status {
                    MILEAGE_ASSIGN_OR_RETURN(
                        Segment s, Authorized(conn, actor, org::Action::kSegmentWrite, id, true));
                    if (patch.name.has_value()) s.name = *patch.name;
                    if (patch.filter.has_value()) s.filter_json = FilterJson(*patch.filter);
                    s.updated_at = now;
                    MILEAGE_RETURN_IF_ERROR(SegmentStore(conn).Update(s));
                    record.brand_id = s.brand_id;
                    record.detail = s.name + ": " + s.filter_json.substr(0, 200);
                    return Status::Ok();
                  });
  MILEAGE_RETURN_IF_ERROR(NameTaken(written));
  return Get(actor, id);
}

Status SegmentService::Delete(const org::Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kSegmentWrite));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  return writer_.Run(actor, Base("segment.delete", "segment", id),
                     [&](db::Connection& conn, org::AuditRecord& record) -> Status {
                       MILEAGE_ASSIGN_OR_RETURN(
                           Segment s,
                           Authorized(conn, actor, org::Action::kSegmentWrite, id, true));
                       MILEAGE_RETURN_IF_ERROR(SegmentStore(conn).Delete(id));
                       record.brand_id = s.brand_id;
                       record.detail = s.name;
                       return Status::Ok();
                     });
}

Result<int64_t> SegmentService::Preview(const org::Actor& actor, int64_t brand_id,
                                        const FilterNode& filter) {
  MILEAGE_RETURN_IF_ERROR(CheckBrand(actor, org::Action::kSegmentRead, brand_id));
  MILEAGE_RETURN_IF_ERROR(ValidateFilter(filter));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return SegmentStore(*conn).Count(brand_id, filter);
}

Result<std::vector<SegmentSize>> SegmentService::Sizes(const org::Actor& actor, int64_t id,
                                                       int64_t days, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kSegmentRead));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  if (days < 1 || days > kMaxSizeDays) {
    return InvalidArgumentError("days must be 1.." + std::to_string(kMaxSizeDays), "INVALID_DAYS");
  }
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_RETURN_IF_ERROR(Authorized(*conn, actor, org::Action::kSegmentRead, id, false).status());
  const civil::Date today = civil::BeijingDate(now);
  const civil::Date first = civil::CivilFromDays(civil::DaysFromCivil(today) - (days - 1));
  return SegmentStore(*conn).Sizes(id, DayNumber(first));
}

Result<std::pair<SegmentGrant, bool>> SegmentService::StartGrant(const org::Actor& actor,
                                                                 int64_t segment_id,
                                                                 int64_t stock_id,
                                                                 const std::string& request_id,
                                                                 int64_t now) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kSegmentGrant));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(segment_id, "segment_id"));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(stock_id, "stock_id"));
  MILEAGE_RETURN_IF_ERROR(coupons::ValidateRequestId(request_id));
  std::pair<SegmentGrant, bool> out;
  const Status written = writer_.Run(
      actor, Base("segment.grant", "segment_grant", std::nullopt),
      [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        MILEAGE_ASSIGN_OR_RETURN(
            Segment segment, Authorized(conn, actor, org::Action::kSegmentGrant, segment_id, true));
        SegmentStore store(conn);
        MILEAGE_ASSIGN_OR_RETURN(std::optional<SegmentGrant> earlier,
                                 store.FindGrantByRequest(segment.brand_id, request_id));
        if (earlier.has_value()) {
          if (earlier->segment_id != segment_id || earlier->stock_id != stock_id) {
            return AlreadyExistsError("request_id started another grant", "REQUEST_ID_REUSED");
          }
          out = {std::move(*earlier), false};
          record.brand_id = segment.brand_id;
          record.object_id = out.first.id;
          record.detail = "repeated request " + request_id;
          return Status::Ok();
        }
        MILEAGE_ASSIGN_OR_RETURN(std::optional<coupons::Stock> stock,
                                 coupons::StockStore(conn).Find(stock_id));
        if (!stock.has_value() || stock->node.brand_id != segment.brand_id) {
          return NotFoundError("stock " + std::to_string(stock_id) + " not found",
                               "STOCK_NOT_FOUND");
        }
        MILEAGE_RETURN_IF_ERROR(coupons::CheckIssuing(*stock, coupons::Channel::kGrant, now));
        MILEAGE_ASSIGN_OR_RETURN(FilterNode filter, FilterOf(segment));
        SegmentGrant g;
        g.brand_id = segment.brand_id;
        g.segment_id = segment_id;
        g.stock_id = stock_id;
        g.request_id = request_id;
        if (actor.staff.has_value()) g.created_by = actor.staff->staff_id;
        g.created_at = g.updated_at = now;
        MILEAGE_ASSIGN_OR_RETURN(g, store.InsertGrant(std::move(g), filter));
        record.brand_id = g.brand_id;
        record.object_id = g.id;
        record.detail = "segment " + std::to_string(segment_id) + " (" + segment.name +
                        "), stock " + std::to_string(stock_id) + ", " + std::to_string(g.total) +
                        " members";
        out = {std::move(g), true};
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(written);
  return out;
}

Result<PageOf<SegmentGrant>> SegmentService::Grants(const org::Actor& actor, int64_t brand_id,
                                                    const PageRequest& page) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_RETURN_IF_ERROR(CheckBrand(actor, org::Action::kSegmentRead, brand_id));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return SegmentStore(*conn).Grants(brand_id, page);
}

Result<SegmentGrant> SegmentService::GetGrant(const org::Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kSegmentRead));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SegmentGrant> grant, SegmentStore(*conn).FindGrant(id));
  if (!grant.has_value()) return GrantNotFound(id);
  Status allowed = authorizer_.Check(actor, org::Action::kSegmentRead,
                                     org::NodePath::Brand(grant->brand_id), "segment grant");
  if (allowed.code() == StatusCode::kNotFound) return GrantNotFound(id);
  MILEAGE_RETURN_IF_ERROR(allowed);
  return std::move(*grant);
}

}  // namespace mileage::growth

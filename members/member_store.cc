#include "members/member_store.h"

#include <utility>

#include "common/civil_time.h"
#include "db/in_list.h"
#include "db/sql_dialect.h"
#include "members/phone_vault.h"
#include "members/rules.h"
#include "members/validation.h"

namespace mileage::members {
namespace {

Status MemberNotFound(int64_t member_id) {
  return NotFoundError("member " + std::to_string(member_id) + " not found", "MEMBER_NOT_FOUND");
}

// A new number collides with an existing one with probability members / 9e10 per draw; five
// straight collisions mean something other than chance (a broken random source).
constexpr int kNumberDraws = 5;
constexpr size_t kMaxTierName = 32;
constexpr int64_t kMaxSearchResults = 100;

// The upsert tail that adds the inserted values to an existing row's `columns` (an activity
// counter): db::UpsertClause only overwrites.
std::string AddOnConflict(db::Dialect dialect,
                          std::initializer_list<std::string_view> conflict_columns,
                          std::initializer_list<std::string_view> columns) {
  std::string out;
  if (dialect == db::Dialect::kSqlite) {
    out = " ON CONFLICT (";
    bool first = true;
    for (std::string_view c : conflict_columns) {
      out += first ? "" : ", ";
      out += c;
      first = false;
    }
    out += ") DO UPDATE SET ";
  } else {
    out = " ON DUPLICATE KEY UPDATE ";
  }
  bool first = true;
  for (std::string_view c : columns) {
    out += first ? "" : ", ";
    out += std::string(c) + " = " + std::string(c) + " + " + db::InsertedValue(dialect, c);
    first = false;
  }
  return out;
}

std::optional<IdentityKind> IdentityKindFromName(std::string_view name) {
  if (name == "openid") return IdentityKind::kOpenid;
  if (name == "unionid") return IdentityKind::kUnionid;
  if (name == "phone") return IdentityKind::kPhone;
  return std::nullopt;
}

Status ValidateTierName(std::string_view tier) {
  if (!tier.empty() && tier.size() <= kMaxTierName) return Status::Ok();
  return InvalidArgumentError("tier must be 1..32 characters", "INVALID_FIELD");
}

}  // namespace

Member MemberFromRow(const db::Row& row) {
  Member m;
  m.id = row.Int(0);
  m.brand_id = row.Int(1);
  m.number = row.Text(2);
  m.tier = row.Text(3);
  m.status = row.Text(4);
  m.enrolled_via = row.Text(5);
  m.enrolled_store_id = row.Int(6);
  m.created_at = row.Int(7);
  m.updated_at = row.Int(8);
  return m;
}

std::string_view IdentityKindName(IdentityKind kind) {
  switch (kind) {
    case IdentityKind::kOpenid:
      return "openid";
    case IdentityKind::kUnionid:
      return "unionid";
    case IdentityKind::kPhone:
      return "phone";
  }
  return "openid";
}

Result<Enrollment> MemberStore::FindOrEnroll(const PayerIdentity& payer,
                                             std::string_view first_tier,
                                             std::string_view enrolled_via, int64_t store_id,
                                             int64_t now) {
  MILEAGE_RETURN_IF_ERROR(ValidatePayer(payer));
  MILEAGE_RETURN_IF_ERROR(ValidateTierName(first_tier));
  MILEAGE_RETURN_IF_ERROR(ValidateEnrolledVia(enrolled_via));
  if (store_id < 0) return InvalidArgumentError("store_id must be 0 or an id", "INVALID_ID");

  // The hot path (a returning payer): one query finds the member and whether it has a unionid.
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kMemberColumns +
                      ", u.value FROM member_identities i JOIN members m ON m.id = i.member_id "
                      "LEFT JOIN member_identities u ON u.member_id = i.member_id AND "
                      "u.kind = 'unionid' WHERE i.brand_id = ? AND i.kind = 'openid' AND "
                      "i.value = ? AND i.appid = ?",
                  {db::Value(payer.brand_id), db::Value(payer.openid), db::Value(payer.appid)}));
  if (!rows.empty()) {
    Enrollment found{MemberFromRow(rows.front()), false};
    // A unionid learned after enrollment (e.g. from the mini-program) joins the member, unless
    // another member of the brand already holds it.
    if (payer.unionid.has_value() && rows.front().IsNull(9)) {
      MILEAGE_RETURN_IF_ERROR(conn_
                                  .Exec(std::string(db::InsertIgnoreInto(conn_.dialect())) +
                                            " member_identities (member_id, brand_id, kind, "
                                            "appid, value, created_at) VALUES (?, ?, 'unionid', "
                                            "'', ?, ?)",
                                        {db::Value(found.member.id), db::Value(payer.brand_id),
                                         db::Value(*payer.unionid), db::Value(now)})
                                  .status());
    }
    return found;
  }

  MILEAGE_ASSIGN_OR_RETURN(Member member,
                           InsertMember(payer.brand_id, first_tier, enrolled_via, store_id, now));
  Result<db::ExecResult> identity = conn_.Exec(
      "INSERT INTO member_identities (member_id, brand_id, kind, appid, value, created_at) "
      "VALUES (?, ?, 'openid', ?, ?, ?)",
      {db::Value(member.id), db::Value(payer.brand_id), db::Value(payer.appid),
       db::Value(payer.openid), db::Value(now)});
  if (!identity.ok() && identity.status().code() == StatusCode::kAlreadyExists) {
    // A concurrent transaction enrolled this payer and committed after our lookup. Rolling
    // back (and the caller's retry finding that member) keeps one member per payer.
    return AbortedError("the payer was enrolled concurrently; retry the transaction",
                        "ENROLLMENT_RACE");
  }
  MILEAGE_RETURN_IF_ERROR(identity.status());
  if (payer.unionid.has_value()) {
    // Another member may hold the unionid (a payer seen first through another appid): the
    // member is still enrolled; joining the two is an explicit merge, not ours to do here.
    MILEAGE_RETURN_IF_ERROR(
        conn_
            .Exec(std::string(db::InsertIgnoreInto(conn_.dialect())) +
                      " member_identities (member_id, brand_id, kind, appid, value, created_at) "
                      "VALUES (?, ?, 'unionid', '', ?, ?)",
                  {db::Value(member.id), db::Value(payer.brand_id), db::Value(*payer.unionid),
                   db::Value(now)})
            .status());
  }
  return Enrollment{std::move(member), true};
}

Result<Member> MemberStore::InsertMember(int64_t brand_id, std::string_view tier,
                                         std::string_view enrolled_via, int64_t store_id,
                                         int64_t now) {
  for (int draw = 0; draw < kNumberDraws; ++draw) {
    Member m;
    m.brand_id = brand_id;
    m.number = NewMemberNumber(random_);
    m.tier = std::string(tier);
    m.enrolled_via = std::string(enrolled_via);
    m.enrolled_store_id = store_id;
    m.created_at = now;
    m.updated_at = now;
    // The only unique key a new row can hit is the number (the id is generated).
    Result<int64_t> inserted = conn_.Insert(
        "INSERT INTO members (brand_id, number, tier, status, enrolled_via, enrolled_store_id, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        {db::Value(brand_id), db::Value(m.number), db::Value(m.tier), db::Value(m.status),
         db::Value(m.enrolled_via), db::Value(store_id), db::Value(now), db::Value(now)});
    if (inserted.ok()) {
      m.id = *inserted;
      return m;
    }
    if (inserted.status().code() != StatusCode::kAlreadyExists) return inserted.status();
  }
  return InternalError("no free member number after " + std::to_string(kNumberDraws) + " draws");
}

Result<std::optional<Member>> MemberStore::Find(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kMemberColumns + " FROM members m WHERE m.id = ?",
                  {db::Value(member_id)}));
  if (rows.empty()) return std::optional<Member>();
  return std::optional<Member>(MemberFromRow(rows.front()));
}

Result<std::optional<Member>> MemberStore::FindByNumber(std::string_view number) {
  if (!IsValidMemberNumber(number)) return std::optional<Member>();  // no such card can exist
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kMemberColumns + " FROM members m WHERE m.number = ?",
                  {db::Value(std::string(number))}));
  if (rows.empty()) return std::optional<Member>();
  return std::optional<Member>(MemberFromRow(rows.front()));
}

Result<std::optional<Member>> MemberStore::FindByOpenid(int64_t brand_id, std::string_view appid,
                                                        std::string_view openid) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(
          std::string("SELECT ") + kMemberColumns +
              " FROM member_identities i JOIN members m ON m.id = i.member_id "
              "WHERE i.brand_id = ? AND i.kind = 'openid' AND i.value = ? AND i.appid = ?",
          {db::Value(brand_id), db::Value(std::string(openid)), db::Value(std::string(appid))}));
  if (rows.empty()) return std::optional<Member>();
  return std::optional<Member>(MemberFromRow(rows.front()));
}

Result<std::vector<Identity>> MemberStore::Identities(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT kind, appid, value, display, created_at FROM member_identities "
                  "WHERE member_id = ? ORDER BY created_at, kind, appid",
                  {db::Value(member_id)}));
  std::vector<Identity> out;
  for (const db::Row& row : rows) {
    std::optional<IdentityKind> kind = IdentityKindFromName(row.Text(0));
    if (!kind.has_value()) continue;  // a kind this build does not know (a newer writer)
    Identity identity;
    identity.kind = *kind;
    identity.appid = row.Text(1);
    // A phone's value column is its hash; what may be shown is the masked copy.
    identity.value = *kind == IdentityKind::kPhone ? row.Text(3) : row.Text(2);
    identity.created_at = row.Int(4);
    out.push_back(std::move(identity));
  }
  return out;
}

Result<std::map<int64_t, std::string>> MemberStore::MaskedPhones(
    const std::vector<int64_t>& member_ids) {
  // member_identities_member (member_id, kind) serves it; `display` is the masked copy.
  return db::TextsById(
      conn_,
      "SELECT member_id, display FROM member_identities WHERE kind = 'phone' AND member_id IN",
      member_ids);
}

Result<std::map<int64_t, std::string>> MemberStore::Numbers(
    const std::vector<int64_t>& member_ids) {
  return db::TextsById(conn_, "SELECT id, number FROM members WHERE id IN", member_ids);
}

Result<std::optional<MemberStanding>> MemberStore::Standing(db::Connection& conn, int64_t member_id,
                                                            std::string_view appid) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn.Query("SELECT m.brand_id, m.status, (SELECT COUNT(*) FROM member_identities i "
                 "WHERE i.member_id = m.id AND i.kind = 'openid' AND i.appid = ?) "
                 "FROM members m WHERE m.id = ?",
                 {db::Value(std::string(appid)), db::Value(member_id)}));
  if (rows.empty()) return std::optional<MemberStanding>();
  return std::optional<MemberStanding>(
      MemberStanding{rows.front().Int(0), rows.front().Text(1), rows.front().Int(2) > 0});
}

Result<bool> MemberStore::SetStatus(int64_t member_id, std::string_view status, int64_t now) {
  if (status != "active" && status != "suspended") {
    return InvalidArgumentError("status must be active or suspended", "INVALID_FIELD");
  }
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE members SET status = ?, updated_at = ? WHERE id = ? AND status <> ? "
                 "AND status <> 'deleted'",
                 {db::Value(std::string(status)), db::Value(now), db::Value(member_id),
                  db::Value(std::string(status))}));
  if (updated.affected_rows > 0) return true;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Member> member, Find(member_id));
  if (!member.has_value()) {
    return NotFoundError("member " + std::to_string(member_id) + " not found", "MEMBER_NOT_FOUND");
  }
  if (member->status == "deleted") {
    return FailedPreconditionError("the member was deleted at their request", "MEMBER_DELETED");
  }
  return false;
}

Status MemberStore::RecordActivity(int64_t member_id, int64_t spend_fen, int64_t visits,
                                   int64_t at) {
  MILEAGE_RETURN_IF_ERROR(ValidatePositiveId(member_id, "member_id"));
  if (visits < 0) return InvalidArgumentError("visits must not be negative", "INVALID_FIELD");
  const std::string sql =
      "INSERT INTO member_activity (member_id, month, spend_fen, visits) VALUES (?, ?, ?, ?)" +
      AddOnConflict(conn_.dialect(), {"member_id", "month"}, {"spend_fen", "visits"});
  return conn_
      .Exec(sql, {db::Value(member_id), db::Value(civil::BeijingMonth(at)), db::Value(spend_fen),
                  db::Value(visits)})
      .status();
}

Result<std::optional<std::pair<Member, MemberStore::Activity>>> MemberStore::FindWithActivity(
    int64_t member_id, int64_t now) {
  const MonthRange window = RollingWindow(now);
  constexpr const char* kWindow =
      " FROM member_activity a WHERE a.member_id = m.id AND a.month >= ? AND a.month <= ?)";
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT ") + kMemberColumns +
                      ", (SELECT COALESCE(SUM(a.spend_fen), 0)" + kWindow +
                      ", (SELECT COALESCE(SUM(a.visits), 0)" + kWindow +
                      " FROM members m WHERE m.id = ?",
                  {db::Value(window.first), db::Value(window.last), db::Value(window.first),
                   db::Value(window.last), db::Value(member_id)}));
  if (rows.empty()) return std::optional<std::pair<Member, Activity>>();
  const db::Row& row = rows.front();
  return std::optional<std::pair<Member, Activity>>(
      std::pair<Member, Activity>(MemberFromRow(row), Activity{row.Int(9), row.Int(10)}));
}

Result<MemberStore::Activity> MemberStore::RollingActivity(int64_t member_id, int64_t now) {
  const MonthRange window = RollingWindow(now);
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT COALESCE(SUM(spend_fen), 0), COALESCE(SUM(visits), 0) "
                  "FROM member_activity WHERE member_id = ? AND month >= ? AND month <= ?",
                  {db::Value(member_id), db::Value(window.first), db::Value(window.last)}));
  Activity out;
  if (!rows.empty()) {
    out.spend_fen = rows.front().Int(0);
    out.visits = rows.front().Int(1);
  }
  return out;
}

Result<std::optional<TierChange>> MemberStore::UpgradeIfQualified(int64_t member_id,
                                                                  const TierPolicy& policy,
                                                                  int64_t now) {
  MILEAGE_RETURN_IF_ERROR(ValidateTierPolicy(policy));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<TierState> state, LockTierState(member_id, now));
  if (!state.has_value()) return MemberNotFound(member_id);
  return UpgradeFrom(*state, policy, now);
}

Result<std::optional<TierChange>> MemberStore::RecordPayment(int64_t member_id, int64_t spend_fen,
                                                             int64_t at, int64_t store_id,
                                                             const TierPolicy& policy,
                                                             int64_t now) {
  MILEAGE_RETURN_IF_ERROR(ValidateTierPolicy(policy));
  // The lock comes first, as LockMember's: every writer of a member goes in the same order.
  MILEAGE_ASSIGN_OR_RETURN(std::optional<TierState> state, LockTier(member_id));
  if (!state.has_value()) return MemberNotFound(member_id);
  MILEAGE_RETURN_IF_ERROR(RecordActivity(member_id, spend_fen, 1, at));
  MILEAGE_RETURN_IF_ERROR(RecordPaymentDates(*state, at, store_id));
  MILEAGE_ASSIGN_OR_RETURN(Activity activity, RollingActivity(member_id, now));
  state->spend_fen = activity.spend_fen;
  state->visits = activity.visits;
  return UpgradeFrom(*state, policy, now);
}

Status MemberStore::RecordPaymentDates(const TierState& state, int64_t at, int64_t store_id) {
  // The earliest payment is the one whose anniversary care greets (care/greeting_job.h); a
  // notification of an earlier payment that arrives later moves it back. The latest visit is
  // what churn and recency read (growth/). The locked row says what to write, so both go in at
  // most one statement.
  std::string sets;
  std::vector<db::Value> params;
  if (!state.first_paid_at.has_value() || *state.first_paid_at > at) {
    sets = "first_paid_at = ?, first_paid_md = ?";
    params = {db::Value(at), db::Value(civil::FormatMonthDay(civil::BeijingDate(at)))};
  }
  if (!state.last_visit_at.has_value() || *state.last_visit_at < at) {
    sets += std::string(sets.empty() ? "" : ", ") + "last_visit_at = ?, last_visit_store_id = ?";
    params.push_back(db::Value(at));
    params.push_back(db::Value(store_id));
  }
  if (sets.empty()) return Status::Ok();
  params.push_back(db::Value(state.member_id));
  return conn_.Exec("UPDATE members SET " + sets + " WHERE id = ?", params).status();
}

Status MemberStore::RecordVisit(int64_t member_id, int64_t store_id, int64_t at) {
  return conn_
      .Exec(
          "UPDATE members SET last_visit_at = ?, last_visit_store_id = ? WHERE id = ? AND "
          "(last_visit_at IS NULL OR last_visit_at < ?)",
          {db::Value(at), db::Value(store_id), db::Value(member_id), db::Value(at)})
      .status();
}

Result<std::optional<TierChange>> MemberStore::UpgradeFrom(const TierState& state,
                                                           const TierPolicy& policy, int64_t now) {
  // A tier the policy no longer names cannot be compared; an operator moves such members.
  const std::optional<size_t> current = TierRank(policy, state.tier);
  const size_t qualified = QualifiedRank(policy, state.spend_fen, state.visits);
  if (!current.has_value() || qualified <= *current) return std::optional<TierChange>();
  MILEAGE_ASSIGN_OR_RETURN(
      TierChange change,
      ChangeTier(state.member_id, state.tier, policy.tiers[qualified].name,
                 "qualified: " + ActivitySummary(state.spend_fen, state.visits), now));
  return std::optional<TierChange>(std::move(change));
}

Result<std::vector<TierChange>> MemberStore::TierHistory(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query("SELECT member_id, from_tier, to_tier, reason, changed_at "
                                       "FROM member_tier_changes WHERE member_id = ? ORDER BY id",
                                       {db::Value(member_id)}));
  std::vector<TierChange> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) {
    out.push_back({row.Int(0), row.Text(1), row.Text(2), row.Text(3), row.Int(4)});
  }
  return out;
}

Status MemberStore::AttachPhone(int64_t member_id, int64_t brand_id, std::string_view phone,
                                const PhoneVault& phones, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(ValidatePositiveId(member_id, "member_id"));
  MILEAGE_RETURN_IF_ERROR(ValidatePositiveId(brand_id, "brand_id"));
  MILEAGE_ASSIGN_OR_RETURN(ProtectedPhone protected_phone, phones.Protect(brand_id, phone));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<Member> member, Find(member_id));
  if (!member.has_value() || member->brand_id != brand_id) {
    return NotFoundError("member " + std::to_string(member_id) + " not found", "MEMBER_NOT_FOUND");
  }
  // While a data key rotation runs, a holder's row may still carry the previous key's hash,
  // which the unique key below cannot see: look for those first.
  MILEAGE_ASSIGN_OR_RETURN(std::vector<std::string> hashes, phones.Hashes(phone));
  for (size_t i = 1; i < hashes.size(); ++i) {
    MILEAGE_ASSIGN_OR_RETURN(
        std::vector<db::Row> held,
        conn_.Query("SELECT member_id FROM member_identities WHERE brand_id = ? AND "
                    "kind = 'phone' AND value = ? AND appid = '' AND member_id <> ?",
                    {db::Value(brand_id), db::Value(hashes[i]), db::Value(member_id)}));
    if (!held.empty()) {
      return AlreadyExistsError("another member of the brand holds this phone", "PHONE_TAKEN");
    }
  }
  // Try the insert first: the unique key decides who holds a phone, not a prior read.
  Result<db::ExecResult> inserted = conn_.Exec(
      "INSERT INTO member_identities (member_id, brand_id, kind, appid, value, value_sealed, "
      "display, created_at) VALUES (?, ?, 'phone', '', ?, ?, ?, ?)",
      {db::Value(member_id), db::Value(brand_id), db::Value(protected_phone.hash),
       db::Value(protected_phone.sealed), db::Value(protected_phone.masked), db::Value(now)});
  if (!inserted.ok() && inserted.status().code() != StatusCode::kAlreadyExists) {
    return inserted.status();
  }
  if (!inserted.ok()) {
    MILEAGE_ASSIGN_OR_RETURN(
        std::vector<db::Row> holder,
        conn_.Query("SELECT member_id FROM member_identities WHERE brand_id = ? AND "
                    "kind = 'phone' AND value = ? AND appid = ''",
                    {db::Value(brand_id), db::Value(protected_phone.hash)}));
    if (holder.empty() || holder.front().Int(0) != member_id) {
      return AlreadyExistsError("another member of the brand holds this phone", "PHONE_TAKEN");
    }
  }
  // One phone per member: the new one replaces whatever the member held before.
  return conn_
      .Exec(
          "DELETE FROM member_identities WHERE member_id = ? AND kind = 'phone' AND "
          "value <> ?",
          {db::Value(member_id), db::Value(protected_phone.hash)})
      .status();
}

Result<std::vector<Member>> MemberStore::FindByIdentity(int64_t brand_id, IdentityKind kind,
                                                        std::string_view value, int64_t limit) {
  if (limit < 1 || limit > kMaxSearchResults) {
    return InvalidArgumentError("limit must be 1..100", "INVALID_FIELD");
  }
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query(std::string("SELECT DISTINCT ") + kMemberColumns +
                      " FROM member_identities i JOIN members m ON m.id = i.member_id "
                      "WHERE i.brand_id = ? AND i.kind = ? AND i.value = ? ORDER BY m.id LIMIT ?",
                  {db::Value(brand_id), db::Value(std::string(IdentityKindName(kind))),
                   db::Value(std::string(value)), db::Value(limit)}));
  std::vector<Member> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) out.push_back(MemberFromRow(row));
  return out;
}

Result<std::vector<TierState>> MemberStore::ScanTiers(std::string_view base_tier, int64_t after_id,
                                                      int64_t limit, int64_t now) {
  const MonthRange window = RollingWindow(now);
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT m.id, m.tier, m.tier_below_since, COALESCE(SUM(a.spend_fen), 0), "
                  "COALESCE(SUM(a.visits), 0) FROM members m LEFT JOIN member_activity a ON "
                  "a.member_id = m.id AND a.month >= ? AND a.month <= ? "
                  "WHERE m.id > ? AND m.tier <> ? GROUP BY m.id, m.tier, m.tier_below_since "
                  "ORDER BY m.id LIMIT ?",
                  {db::Value(window.first), db::Value(window.last), db::Value(after_id),
                   db::Value(std::string(base_tier)), db::Value(limit)}));
  std::vector<TierState> out;
  out.reserve(rows.size());
  for (const db::Row& row : rows) {
    out.push_back({row.Int(0), row.Text(1), row.OptionalInt(2), row.Int(3), row.Int(4), {}, {}});
  }
  return out;
}

Status MemberStore::LockMember(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<db::Row> rows,
                           conn_.Query("SELECT id FROM members WHERE id = ?" +
                                           std::string(db::ForUpdate(conn_.dialect())),
                                       {db::Value(member_id)}));
  if (rows.empty()) return MemberNotFound(member_id);
  return Status::Ok();
}

Result<std::optional<TierState>> MemberStore::LockTierState(int64_t member_id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<TierState> state, LockTier(member_id));
  if (!state.has_value()) return state;
  MILEAGE_ASSIGN_OR_RETURN(Activity activity, RollingActivity(member_id, now));
  state->spend_fen = activity.spend_fen;
  state->visits = activity.visits;
  return state;
}

Result<std::optional<TierState>> MemberStore::LockTier(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn_.Query("SELECT id, tier, tier_below_since, first_paid_at, last_visit_at FROM members "
                  "WHERE id = ?" +
                      std::string(db::ForUpdate(conn_.dialect())),
                  {db::Value(member_id)}));
  if (rows.empty()) return std::optional<TierState>();
  const db::Row& row = rows.front();
  return std::optional<TierState>(TierState{row.Int(0), row.Text(1), row.OptionalInt(2), 0, 0,
                                            row.OptionalInt(3), row.OptionalInt(4)});
}

Status MemberStore::SetTierBelowSince(int64_t member_id, std::optional<int64_t> since,
                                      int64_t now) {
  const db::Value since_value = since.has_value() ? db::Value(*since) : db::Value(nullptr);
  return conn_
      .Exec("UPDATE members SET tier_below_since = ?, updated_at = ? WHERE id = ?",
            {since_value, db::Value(now), db::Value(member_id)})
      .status();
}

Result<TierChange> MemberStore::ChangeTier(int64_t member_id, std::string_view from,
                                           std::string_view to, std::string reason, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(
      db::ExecResult updated,
      conn_.Exec("UPDATE members SET tier = ?, tier_below_since = NULL, updated_at = ? "
                 "WHERE id = ? AND tier = ?",
                 {db::Value(std::string(to)), db::Value(now), db::Value(member_id),
                  db::Value(std::string(from))}));
  if (updated.affected_rows == 0) {
    return FailedPreconditionError(
        "member " + std::to_string(member_id) + " left tier " + std::string(from), "TIER_CHANGED");
  }
  TierChange change{member_id, std::string(from), std::string(to), std::move(reason), now};
  MILEAGE_RETURN_IF_ERROR(
      conn_
          .Exec("INSERT INTO member_tier_changes (member_id, from_tier, "
                "to_tier, reason, changed_at) VALUES (?, ?, ?, ?, ?)",
                {db::Value(member_id), db::Value(change.from_tier), db::Value(change.to_tier),
                 db::Value(change.reason), db::Value(now)})
          .status());
  return change;
}

}  // namespace mileage::members

#include "members/member_profile.h"

#include <algorithm>

#include "db/sql_dialect.h"
#include "members/member_store.h"
#include "org/validation.h"

namespace mileage::members {
namespace {

constexpr civil::Date kEarliestBirthday{1900, 1, 1};

bool Before(const civil::Date& a, const civil::Date& b) {
  return civil::DaysFromCivil(a) < civil::DaysFromCivil(b);
}

Status InvalidField(std::string_view field, std::string_view what) {
  return InvalidArgumentError(std::string(field) + " " + std::string(what), "INVALID_FIELD");
}

// 1..32 of [A-Za-z0-9._-].
bool IsTextVersion(std::string_view version) {
  if (version.empty() || version.size() > 32) return false;
  for (char c : version) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// The profile row and the latest consent record of each kind, on `conn`.
Result<OwnProfile> ReadProfile(db::Connection& conn, int64_t member_id) {
  OwnProfile profile;
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn.Query("SELECT nickname, birthday FROM member_profiles WHERE member_id = ?",
                 {db::Value(member_id)}));
  if (!rows.empty()) {
    profile.nickname = rows.front().Text(0);
    const std::optional<std::string> birthday = rows.front().OptionalText(1);
    if (birthday.has_value()) profile.birthday = civil::ParseDate(*birthday);
  }
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> latest,
      conn.Query("SELECT kind, state, text_version, at FROM member_consents c WHERE "
                 "c.member_id = ? AND c.id = (SELECT MAX(l.id) FROM member_consents l WHERE "
                 "l.member_id = c.member_id AND l.kind = c.kind)",
                 {db::Value(member_id)}));
  for (ConsentKind kind : kConsentKinds) {
    ConsentState none;
    none.kind = kind;
    profile.consents.push_back(std::move(none));
  }
  for (const db::Row& row : latest) {
    const std::optional<ConsentKind> kind = ParseConsentKind(row.Text(0));
    if (!kind.has_value()) continue;
    ConsentState& state = profile.consents[static_cast<size_t>(*kind)];
    state.recorded = true;
    state.granted = row.Text(1) == "granted";
    state.text_version = row.Text(2);
    state.at = row.Int(3);
  }
  return profile;
}

}  // namespace

std::string_view ConsentKindName(ConsentKind kind) {
  switch (kind) {
    case ConsentKind::kMarketing:
      return "marketing";
    case ConsentKind::kPartnerSharing:
      return "partner_sharing";
    case ConsentKind::kPlateRecognition:
      return "plate_recognition";
  }
  return "marketing";
}

std::optional<ConsentKind> ParseConsentKind(std::string_view name) {
  for (ConsentKind kind : kConsentKinds) {
    if (ConsentKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

Result<OwnProfile> MemberProfiles::Get(int64_t member_id) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return ReadProfile(*conn, member_id);
}

Result<bool> MemberProfiles::Granted(db::Connection& conn, int64_t member_id, ConsentKind kind) {
  MILEAGE_ASSIGN_OR_RETURN(
      std::vector<db::Row> rows,
      conn.Query("SELECT state FROM member_consents WHERE member_id = ? AND kind = ? ORDER BY id "
                 "DESC LIMIT 1",
                 {db::Value(member_id), db::Value(std::string(ConsentKindName(kind)))}));
  return !rows.empty() && rows.front().Text(0) == "granted";
}

Status MemberProfiles::Validate(const ProfileChange& change) const {
  if (!change.nickname.has_value() && !change.birthday.has_value() && change.consents.empty()) {
    return InvalidArgumentError("give at least one of nickname, birthday and consents",
                                "MISSING_FIELD");
  }
  if (change.nickname.has_value()) {
    MILEAGE_RETURN_IF_ERROR(org::ValidateText(*change.nickname, "nickname", 0, 32));
  }
  if (change.birthday.has_value() && change.birthday->has_value()) {
    const std::optional<civil::Date> date = civil::ParseDate(**change.birthday);
    if (!date.has_value()) return InvalidField("birthday", "must be a date YYYY-MM-DD");
    const civil::Date today = civil::BeijingDate(UnixSeconds(clock_.Now()));
    if (Before(*date, kEarliestBirthday) || Before(today, *date)) {
      return InvalidField("birthday", "must be from 1900-01-01 to today");
    }
  }
  std::vector<ConsentKind> seen;
  for (const ConsentChange& consent : change.consents) {
    const std::string field = "consents." + std::string(ConsentKindName(consent.kind));
    if (std::find(seen.begin(), seen.end(), consent.kind) != seen.end()) {
      return InvalidField(field, "is given twice");
    }
    seen.push_back(consent.kind);
    if (!IsTextVersion(consent.text_version)) {
      return InvalidField(field + ".text_version", "must be 1..32 of [A-Za-z0-9._-]");
    }
  }
  return Status::Ok();
}

Status MemberProfiles::AppendConsents(db::Connection& conn, int64_t member_id,
                                      const ProfileChange& change, const OwnProfile& current,
                                      int64_t now) {
  for (const ConsentChange& consent : change.consents) {
    const ConsentState& state = current.consents[static_cast<size_t>(consent.kind)];
    if (state.recorded && state.granted == consent.granted &&
        state.text_version == consent.text_version) {
      continue;  // no change: nothing to record
    }
    MILEAGE_RETURN_IF_ERROR(
        conn.Exec("INSERT INTO member_consents (member_id, kind, state, text_version, at) "
                  "VALUES (?, ?, ?, ?, ?)",
                  {db::Value(member_id), db::Value(std::string(ConsentKindName(consent.kind))),
                   db::Value(std::string(consent.granted ? "granted" : "withdrawn")),
                   db::Value(consent.text_version), db::Value(now)})
            .status());
  }
  return Status::Ok();
}

Result<OwnProfile> MemberProfiles::Update(int64_t member_id, const ProfileChange& change) {
  MILEAGE_RETURN_IF_ERROR(Validate(change));
  const int64_t now = UnixSeconds(clock_.Now());
  OwnProfile after;
  const Status written = db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    // One change of a member at a time, so that each consent record follows the one it saw.
    MILEAGE_RETURN_IF_ERROR(MemberStore(conn, random_).LockMember(member_id));
    MILEAGE_ASSIGN_OR_RETURN(OwnProfile current, ReadProfile(conn, member_id));
    if (change.nickname.has_value() || change.birthday.has_value()) {
      const std::string nickname = change.nickname.value_or(current.nickname);
      db::Value birthday(nullptr);
      if (change.birthday.has_value()) {
        if (change.birthday->has_value()) birthday = **change.birthday;
      } else if (current.birthday.has_value()) {
        birthday = civil::FormatDate(*current.birthday);
      }
      MILEAGE_RETURN_IF_ERROR(
          conn.Exec("INSERT INTO member_profiles (member_id, nickname, birthday, updated_at) "
                    "VALUES (?, ?, ?, ?)" +
                        db::UpsertClause(conn.dialect(), {"member_id"},
                                         {"nickname", "birthday", "updated_at"}),
                    {db::Value(member_id), db::Value(nickname), birthday, db::Value(now)})
              .status());
    }
    MILEAGE_RETURN_IF_ERROR(AppendConsents(conn, member_id, change, current, now));
    MILEAGE_ASSIGN_OR_RETURN(after, ReadProfile(conn, member_id));
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return after;
}

}  // namespace mileage::members

#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/civil_time.h"
#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "db/db.h"

namespace mileage::members {

// What a member may consent to, each recorded separately.
enum class ConsentKind { kMarketing, kPartnerSharing, kPlateRecognition };
inline constexpr std::array<ConsentKind, 3> kConsentKinds = {
    ConsentKind::kMarketing, ConsentKind::kPartnerSharing, ConsentKind::kPlateRecognition};

// "marketing", "partner_sharing", "plate_recognition".
std::string_view ConsentKindName(ConsentKind kind);
std::optional<ConsentKind> ParseConsentKind(std::string_view name);

// The current state of one kind of consent: the latest record, or nothing recorded yet
// (`recorded` false: not granted, no text version, no time).
struct ConsentState {
  ConsentKind kind = ConsentKind::kMarketing;
  bool recorded = false;
  bool granted = false;
  std::string text_version;
  int64_t at = 0;  // Unix seconds
};

// What the member told about themself. `consents` holds every kind, in kConsentKinds order.
struct OwnProfile {
  std::string nickname;                 // "" when not given
  std::optional<civil::Date> birthday;  // nullopt when not given
  std::vector<ConsentState> consents;
};

// One consent as the member gives or withdraws it.
struct ConsentChange {
  ConsentKind kind = ConsentKind::kMarketing;
  bool granted = false;
  std::string text_version;  // the version of the text the member was shown: "2026-01"
};

// A change to the profile: each member that holds a value replaces the profile's (`birthday`
// holding nullopt removes it); each consent appends a record when its state or text version
// differs from the current one.
struct ProfileChange {
  std::optional<std::string> nickname;
  std::optional<std::optional<std::string>> birthday;  // "YYYY-MM-DD"
  std::vector<ConsentChange> consents;
};

// The member's own profile and consents (GET and PATCH /api/mp/profile): a nickname, a birthday
// and consents kept as an append-only record of grants and withdrawals. Owned by the
// composition root; safe for concurrent use.
class MemberProfiles {
 public:
  MemberProfiles(db::Db& db, const Clock& clock, RandomSource& random)
      : db_(db), clock_(clock), random_(random) {}

  // The member's profile (empty when never set). Storage errors.
  Result<OwnProfile> Get(int64_t member_id);

  // Applies `change` in one transaction and returns the profile after it; nothing is written
  // unless every field is valid. Errors: InvalidArgument naming the field: MISSING_FIELD (an
  // empty change), INVALID_FIELD (a nickname over 32 characters, not UTF-8 or with control
  // characters; a birthday that is not a real YYYY-MM-DD date, before 1900-01-01 or after
  // today in Beijing; a text version not 1..32 of [A-Za-z0-9._-]; a kind named twice);
  // storage errors.
  Result<OwnProfile> Update(int64_t member_id, const ProfileChange& change);

  // Whether the member's current consent of `kind` (its latest record) is a grant, on the
  // caller's connection; false when none is recorded. Storage errors.
  static Result<bool> Granted(db::Connection& conn, int64_t member_id, ConsentKind kind);

 private:
  Status Validate(const ProfileChange& change) const;
  // Appends the consents of `change` that differ from `current` (the profile before it).
  static Status AppendConsents(db::Connection& conn, int64_t member_id, const ProfileChange& change,
                               const OwnProfile& current, int64_t now);

  db::Db& db_;
  const Clock& clock_;
  RandomSource& random_;
};

}  // namespace mileage::members

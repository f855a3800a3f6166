#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "db/db.h"
#include "growth/winback_types.h"

namespace mileage::growth {

// A member's earlier win-back, as the job checks episodes and the cooling-off against.
struct PastWinback {
  int64_t member_id = 0;
  int64_t episode_at = 0;
  int64_t created_at = 0;
};

// The SQL of winback_settings and winback_grants (migration 0039) on one connection, usually
// inside the caller's transaction. Lives for one use of its connection; not safe for
// concurrent use. Errors: the db::Connection errors.
class WinbackStore {
 public:
  explicit WinbackStore(db::Connection& conn) : conn_(conn) {}

  // The brand's stored settings (nullopt: never written); `lock` locks the row until commit.
  Result<std::optional<WinbackSettings>> FindSettings(int64_t brand_id, bool lock = false);
  Status SaveSettings(const WinbackSettings& settings);
  // Every brand's enabled settings, brand order.
  Result<std::vector<WinbackSettings>> EnabledSettings();

  // Inserts the win-back unless the member's episode has one: its id, or nullopt when another
  // run claimed the episode first (the unique key decides, also between nodes).
  Result<std::optional<int64_t>> InsertGrant(const WinbackGrant& grant);
  Status SetOutcome(int64_t id, std::string_view outcome, std::string_view reason,
                    std::optional<int64_t> coupon_id, bool messaged);
  // The win-backs of `member_ids` (1..1000 ids).
  Result<std::vector<PastWinback>> PastOf(const std::vector<int64_t>& member_ids);

  // Win-backs made at or after `since`, not yet returned, id order after `after_id`.
  Result<std::vector<WinbackGrant>> AwaitingReturn(int64_t since, int64_t after_id, int64_t limit);
  // Records the first visit seen after win-back `id`, unless one is recorded.
  Status MarkReturned(int64_t id, int64_t at);

  // The brand's win-backs made in [from, to), id order after `after_id`, at most `limit`;
  // those of `store_ids` only when given (not empty); each with coupon_redeemed set.
  Result<std::vector<WinbackGrant>> GrantsBetween(
      int64_t brand_id, int64_t from, int64_t to,
      const std::optional<std::vector<int64_t>>& store_ids, int64_t after_id, int64_t limit);

 private:
  db::Connection& conn_;
};

}  // namespace mileage::growth

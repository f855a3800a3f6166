#pragma once

#include <cstdint>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include "common/paging.h"
#include "common/result.h"
#include "coupons/types.h"
#include "db/db.h"
#include "org/types.h"

namespace mileage::coupons {

// What issuing a coupon of a stock to one member needs, read in one statement: the stock
// (without its store list), how many coupons of it the member holds (the highest member_slot)
// and the counter shards that had room.
struct IssueContext {
  Stock stock;
  int64_t member_slots = 0;
  std::vector<int64_t> shards_with_room;
};

// A stock a member may be offered (StockStore::ClaimCandidates), with what is left of it.
struct ClaimCandidate {
  Stock stock;
  int64_t remaining = 0;     // of the effective total
  int64_t member_slots = 0;  // coupons of it the member holds
  int64_t issued_today = 0;  // for a daily quantity
};

// The numbers of StockView.
struct StockCounts {
  int64_t issued = 0;
  int64_t remaining = 0;
  int64_t redeemed = 0;
  int64_t expired = 0;
  int64_t voided = 0;
};

// The SQL of coupon_stocks, coupon_stock_stores, coupon_stock_counters and coupon_stock_days on
// one connection, usually inside the caller's transaction. Business rules live in the
// services. Lives for one use of its connection; not safe for concurrent use. Errors: the
// db::Connection errors.
class StockStore {
 public:
  explicit StockStore(db::Connection& conn) : conn_(conn) {}

  // Inserts the stock (its id is ignored), its stores and its counter shards with `caps`;
  // returns the new id.
  Result<int64_t> Insert(const Stock& stock, const std::vector<int64_t>& caps);
  // The stock with its stores, or nullopt. `lock` locks the stock's row until commit (MySQL FOR
  // UPDATE; SQLite's write transaction holds the lock already).
  Result<std::optional<Stock>> Find(int64_t id, bool lock = false);
  // The stocks of `ids` that exist, id order, in two queries (stocks, then their stores).
  // The names of the stocks of `ids` that exist, by id; one statement.
  Result<std::map<int64_t, std::string>> Names(const std::vector<int64_t>& ids);
  Result<std::vector<Stock>> FindMany(const std::vector<int64_t>& ids);
  // Writes the stock's name, description, total, daily quantity, valid_until, state and
  // updated_at.
  Status Update(const Stock& stock);
  Status ReplaceStores(int64_t stock_id, const std::vector<org::NodePath>& stores);
  // Adds `increase` to the caps of the stock's shards, spread evenly (the smallest caps first).
  Status RaiseCaps(int64_t stock_id, int64_t increase);
  Result<StockCounts> Counts(int64_t stock_id);

  // A page of stocks by id: those that staff scoped at `viewer` see (nullopt: every stock, for
  // the system actor) by the visibility rule of coupons/access.h, optionally in one state, of
  // one type and created in the subtree of `node`.
  Result<PageOf<Stock>> List(const std::optional<org::NodePath>& viewer,
                             const std::optional<StockState>& state,
                             const std::optional<StockType>& type,
                             const std::optional<org::NodePath>& node, const PageRequest& page);

  // The issue context of `stock_id` for `member_id`; nullopt when there is no such stock. A
  // plain read: the conditional updates below decide.
  Result<std::optional<IssueContext>> LoadForIssue(int64_t stock_id, int64_t member_id);
  // Takes one unit of shard `shard`: false when it is full (or gone).
  Result<bool> TakeShard(int64_t stock_id, int64_t shard);
  // Takes one unit of the stock's quantity for Beijing day `day`: false when `daily_quantity`
  // were issued that day already.
  Result<bool> TakeDay(int64_t stock_id, int64_t day, int64_t daily_quantity);

  // The active stocks of the brand that issue through `channel` and whose window is not over at
  // `now` (with their stores), id order, at most `limit`.
  Result<std::vector<Stock>> Issuing(int64_t brand_id, Channel channel, int64_t now, int64_t limit);
  // The same for claims, with the numbers a member's offer needs on `day`.
  Result<std::vector<ClaimCandidate>> ClaimCandidates(int64_t brand_id, int64_t member_id,
                                                      int64_t day, int64_t now, int64_t limit);

 private:
  // Fills in the stores of each stock.
  Status LoadStores(std::vector<Stock>& stocks);

  db::Connection& conn_;
};

}  // namespace mileage::coupons

#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "care/subscribe_types.h"
#include "common/result.h"
#include "db/db.h"

namespace mileage::care {

// An outbox event as the subscribe relay reads it.
struct SubscribeEvent {
  int64_t id = 0;
  std::string topic;
  int64_t brand_id = 0;
  std::string payload;
};

// A message row as the subscribe relay works on it.
struct SubscribeMessage {
  int64_t id = 0;
  int64_t event_id = 0;
  int64_t template_ref = 0;
  int64_t brand_id = 0;
  int64_t member_id = 0;
  std::string state;
  std::string reason;
  std::string grant_appid;
  int64_t attempts = 0;
  int64_t first_attempt_at = 0;
  int64_t next_attempt_at = 0;
  int64_t finished_at = 0;
};

// The SQL of subscribe_templates, subscribe_grants, subscribe_messages and the subscribe relay's
// reads and marks of outbox_events, on one connection (migration 0030). Lives for one use of its
// connection; not safe for concurrent use. Errors: the db::Connection errors (AlreadyExists on a
// unique key).
class SubscribeStore {
 public:
  explicit SubscribeStore(db::Connection& conn) : conn_(conn) {}

  // Templates.
  Result<int64_t> InsertTemplate(int64_t brand_id, const TemplateInput& input, int64_t now);
  // Replaces every field but the id and brand; false when no template has the id.
  Result<bool> UpdateTemplate(int64_t id, const TemplateInput& input, int64_t now);
  // Deletes the template and its grants.
  Status DeleteTemplate(int64_t id);
  Result<std::optional<SubscribeTemplate>> FindTemplate(int64_t id);
  // The brand's templates, id order.
  Result<std::vector<SubscribeTemplate>> Templates(int64_t brand_id);
  Result<int64_t> CountTemplates(int64_t brand_id);

  // Grants.
  // Adds `count` grants to (template, member, appid), at most `cap` in all.
  Status AddGrants(int64_t template_ref, int64_t member_id, std::string_view appid, int64_t count,
                   int64_t cap, int64_t now);
  // The member's remaining grants of `template_ref` under `appid` (0 when none).
  Result<int64_t> Remaining(int64_t template_ref, int64_t member_id, std::string_view appid);
  // The apps under which the member holds a grant of the template, appid order.
  Result<std::vector<std::string>> GrantApps(int64_t template_ref, int64_t member_id);
  // Takes one grant with a conditional update (remaining > 0); false when none was left.
  Result<bool> ConsumeGrant(int64_t template_ref, int64_t member_id, std::string_view appid,
                            int64_t now);

  // Outbox events.
  // The oldest `limit` events whose messages are not yet created (messaged_at = 0), id order.
  Result<std::vector<SubscribeEvent>> UnmessagedEvents(int64_t limit);
  Status MarkMessaged(std::span<const int64_t> ids, int64_t now);
  Result<std::optional<SubscribeEvent>> Event(int64_t id);

  // Messages.
  // A pending message unless the event has one for the template already.
  Status AddMessage(int64_t event_id, int64_t template_ref, int64_t brand_id, int64_t member_id,
                    int64_t now);
  // Pending messages due at `now`, id order, at most `limit`.
  Result<std::vector<SubscribeMessage>> DueMessages(int64_t now, int64_t limit);
  // Claims a message read with `seen_attempts`: one more attempt, first_attempt_at set when
  // it is the first, next_attempt_at = `hold_until` (a crash before the result leads to a
  // retry then). False when it changed since it was read (another relay claimed it).
  Result<bool> Claim(int64_t id, int64_t seen_attempts, int64_t now, int64_t hold_until);
  // Records the grant the message holds.
  Status HoldGrant(int64_t id, std::string_view appid);
  // Finishes the claimed attempt `attempt`: `state` with `reason`; `next` when pending again.
  Status Finish(int64_t id, int64_t attempt, std::string_view state, std::string_view reason,
                int64_t next, int64_t now);
  Result<std::optional<SubscribeMessage>> FindMessage(int64_t id);

  // Counts of messages by state (for /metrics): sent, skipped, failed, pending.
  Result<int64_t> CountMessages(std::string_view state);

 private:
  db::Connection& conn_;
};

// The fields column text ("thing1=title;time2=starts_at") and back.
std::string JoinFields(const std::vector<TemplateField>& fields);
std::vector<TemplateField> SplitFields(std::string_view column);

}  // namespace mileage::care

#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "common/status.h"
#include "db/db.h"

namespace mileage::db {

// One field of an outbox event payload: a name and an integer or text value.
using PayloadField = std::pair<std::string_view, std::variant<int64_t, std::string_view>>;

// The JSON object text of the fields, in order, strings escaped (the domain modules do not
// link a JSON library; outbox consumers parse it). Pure.
std::string PayloadJson(std::initializer_list<PayloadField> fields);

// The payload's top-level integer "member_id", if any (every event about a member carries one,
// whatever its aggregate): what orders webhook deliveries and addresses subscribe messages. The
// payload is a flat JSON object as PayloadJson writes it; strings are skipped with their escapes,
// so a string value that contains the text "member_id" does not count. Pure.
std::optional<int64_t> PayloadMemberId(std::string_view payload);

// Appends a domain event to outbox_events inside the caller's transaction on `conn`, so that
// the event commits (or rolls back) with the change it reports; a relay publishes it later.
// `payload` is a JSON object text (PayloadJson). Every domain module writes its events here.
// Errors: the Connection's.
Status AddOutboxEvent(Connection& conn, std::string_view topic, int64_t brand_id,
                      std::string_view aggregate_ref, std::string_view payload, int64_t now);

// One event for AddOutboxEvents.
struct OutboxEvent {
  std::string topic;
  int64_t brand_id = 0;
  std::string aggregate_ref;
  std::string payload;  // a JSON object text (PayloadJson)
};
// Appends `events` in this order (ascending ids) with one statement, as AddOutboxEvent does
// one: a change that reports several events pays one round trip. Nothing when empty.
// Errors: the Connection's.
Status AddOutboxEvents(Connection& conn, std::span<const OutboxEvent> events, int64_t now);

}  // namespace mileage::db

#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace mileage::payments {

// One field of an outbox event payload: a name and an integer or text value.
using PayloadField = std::pair<std::string_view, std::variant<int64_t, std::string_view>>;

// The JSON object text of the fields, in order, strings escaped (the domain modules do not
// link a JSON library; outbox consumers parse it). Pure.
std::string PayloadJson(std::initializer_list<PayloadField> fields);

}  // namespace mileage::payments

#include "server/partner/partner_requests.h"

#include <array>
#include <functional>
#include <optional>
#include <string_view>

#include "server/console/console_json.h"
#include "server/http/json.h"
#include "server/http/json_fields.h"

namespace mileage::server {
namespace {

constexpr int64_t kMaxMillilitres = 10000000;   // 10 m3: more than any tank
constexpr int64_t kMaxParkingMinutes = 527040;  // 366 days
constexpr size_t kMaxDetailText = 64;

// Fuel grades as Chinese stations sell them: petrol 89-98 (E: ethanol blends), diesel by its
// cold-filter grade, gas.
constexpr std::array<std::string_view, 12> kFuelGrades = {"89", "92",  "95",  "98",  "e92", "e95",
                                                          "0",  "-10", "-20", "-35", "cng", "lng"};
constexpr std::array<std::string_view, 5> kWashTypes = {"basic", "standard", "premium", "interior",
                                                        "detailing"};

Status BadReference(const std::string& why) {
  return InvalidArgumentError("member " + why, "INVALID_MEMBER_REFERENCE");
}

Status BadDetail(const std::string& why) {
  return InvalidArgumentError("detail: " + why, "INVALID_DETAIL");
}

template <size_t N>
bool OneOf(const std::array<std::string_view, N>& set, std::string_view value) {
  for (std::string_view item : set) {
    if (item == value) return true;
  }
  return false;
}

// An integer field of the detail in [1, max].
Result<int64_t> DetailInt(const rapidjson::Value& detail, const char* field, int64_t max) {
  auto it = detail.FindMember(field);
  if (it == detail.MemberEnd()) return BadDetail(std::string(field) + " is required");
  if (!it->value.IsInt64() || it->value.GetInt64() < 1 || it->value.GetInt64() > max) {
    return BadDetail(std::string(field) + " must be an integer 1.." + std::to_string(max));
  }
  return it->value.GetInt64();
}

// A text field of the detail: 1..max bytes without control characters; nullopt when absent
// and optional.
Result<std::optional<std::string>> DetailText(const rapidjson::Value& detail, const char* field,
                                              size_t max, bool required) {
  auto it = detail.FindMember(field);
  if (it == detail.MemberEnd()) {
    if (required) return BadDetail(std::string(field) + " is required");
    return std::optional<std::string>();
  }
  if (!it->value.IsString()) return BadDetail(std::string(field) + " must be a string");
  std::string value(it->value.GetString(), it->value.GetStringLength());
  bool control = false;
  for (unsigned char c : value) control = control || c < 0x20 || c == 0x7f;
  if (value.empty() || value.size() > max || control) {
    return BadDetail(std::string(field) + " must be 1.." + std::to_string(max) +
                     " bytes without control characters");
  }
  return std::optional<std::string>(std::move(value));
}

// Only the category's fields (the message names the first other one).
Status OnlyFields(const rapidjson::Value& detail, std::initializer_list<std::string_view> allowed,
                  org::PartnerCategory category) {
  Status known = CheckMembers(detail, allowed, "detail");
  if (known.ok()) return known;
  return BadDetail(std::string(known.message()) + " (a " +
                   std::string(org::PartnerCategoryName(category)) + " partner's detail)");
}

std::string Written(const std::function<void(JsonWriter&)>& fill) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  fill(writer);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Result<members::MemberReference> ParseMemberReference(const rapidjson::Value& body) {
  auto it = body.FindMember("member");
  if (it == body.MemberEnd() || it->value.IsNull()) {
    return InvalidArgumentError("field \"member\" is required", "MISSING_FIELD");
  }
  const rapidjson::Value& member = it->value;
  if (!member.IsObject() || member.MemberCount() != 1) {
    return BadReference("must be an object with one of code, plate, partner_member_id");
  }
  const auto& field = *member.MemberBegin();
  const std::string_view name(field.name.GetString(), field.name.GetStringLength());
  std::optional<members::MemberLookup> by = members::ParseMemberLookup(name);
  if (!by.has_value()) return BadReference("must be one of code, plate, partner_member_id");
  if (!field.value.IsString() || field.value.GetStringLength() == 0 ||
      field.value.GetStringLength() > kMaxMemberReference) {
    return BadReference(std::string(name) + " must be a string of 1.." +
                        std::to_string(kMaxMemberReference) + " bytes");
  }
  return members::MemberReference{
      *by, std::string(field.value.GetString(), field.value.GetStringLength())};
}

Result<std::string> CanonicalDetail(org::PartnerCategory category, const rapidjson::Value* detail) {
  if (detail == nullptr || detail->IsNull()) {
    if (category == org::PartnerCategory::kOther) return std::string("{}");
    return InvalidArgumentError("field \"detail\" is required", "MISSING_FIELD");
  }
  if (!detail->IsObject()) return BadDetail("must be an object");
  const rapidjson::Value& d = *detail;
  switch (category) {
    case org::PartnerCategory::kFuel: {
      MILEAGE_RETURN_IF_ERROR(OnlyFields(d, {"millilitres", "grade"}, category));
      MILEAGE_ASSIGN_OR_RETURN(int64_t millilitres, DetailInt(d, "millilitres", kMaxMillilitres));
      MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> grade,
                               DetailText(d, "grade", kMaxDetailText, /*required=*/true));
      if (!OneOf(kFuelGrades, *grade)) {
        return BadDetail("grade must be one of 89 92 95 98 e92 e95 0 -10 -20 -35 cng lng");
      }
      return Written([&](JsonWriter& w) {
        WriteText(w, "grade", *grade);
        WriteInt(w, "millilitres", millilitres);
      });
    }
    case org::PartnerCategory::kParking: {
      MILEAGE_RETURN_IF_ERROR(OnlyFields(d, {"minutes"}, category));
      MILEAGE_ASSIGN_OR_RETURN(int64_t minutes, DetailInt(d, "minutes", kMaxParkingMinutes));
      return Written([&](JsonWriter& w) { WriteInt(w, "minutes", minutes); });
    }
    case org::PartnerCategory::kCarwash: {
      MILEAGE_RETURN_IF_ERROR(OnlyFields(d, {"wash_type"}, category));
      MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> type,
                               DetailText(d, "wash_type", kMaxDetailText, /*required=*/true));
      if (!OneOf(kWashTypes, *type)) {
        return BadDetail("wash_type must be one of basic standard premium interior detailing");
      }
      return Written([&](JsonWriter& w) { WriteText(w, "wash_type", *type); });
    }
    case org::PartnerCategory::kToll: {
      MILEAGE_RETURN_IF_ERROR(OnlyFields(d, {"section", "entry", "exit"}, category));
      MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> section,
                               DetailText(d, "section", kMaxDetailText, /*required=*/true));
      MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> entry,
                               DetailText(d, "entry", kMaxDetailText, /*required=*/false));
      MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> exit,
                               DetailText(d, "exit", kMaxDetailText, /*required=*/false));
      return Written([&](JsonWriter& w) {
        WriteText(w, "section", *section);
        if (entry.has_value()) WriteText(w, "entry", *entry);
        if (exit.has_value()) WriteText(w, "exit", *exit);
      });
    }
    case org::PartnerCategory::kOther:
      MILEAGE_RETURN_IF_ERROR(OnlyFields(d, {}, category));
      return std::string("{}");
  }
  return BadDetail("unknown partner category");
}

}  // namespace mileage::server

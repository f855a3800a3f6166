#include "members/validation.h"

#include "members/member_store.h"
#include "org/validation.h"

namespace mileage::members {
namespace {

constexpr size_t kMaxWechatId = 128;

bool IsWechatIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

Status ValidateWechatId(std::string_view value, std::string_view field) {
  const std::string name(field);
  if (value.empty() || value.size() > kMaxWechatId) {
    return InvalidArgumentError(name + " must be 1..128 characters", "INVALID_FIELD");
  }
  for (char c : value) {
    if (!IsWechatIdChar(c)) {
      return InvalidArgumentError(name + " may hold only [A-Za-z0-9_-]", "INVALID_FIELD");
    }
  }
  return Status::Ok();
}

Status ValidatePositiveId(int64_t id, std::string_view field) {
  if (id > 0) return Status::Ok();
  return InvalidArgumentError(std::string(field) + " must be a positive id", "INVALID_ID");
}

Status ValidatePayer(const PayerIdentity& payer) {
  MILEAGE_RETURN_IF_ERROR(ValidatePositiveId(payer.brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(org::ValidateAppid(payer.appid));
  MILEAGE_RETURN_IF_ERROR(ValidateWechatId(payer.openid, "openid"));
  if (payer.unionid.has_value()) {
    MILEAGE_RETURN_IF_ERROR(ValidateWechatId(*payer.unionid, "unionid"));
  }
  return Status::Ok();
}

Status ValidateEnrolledVia(std::string_view via) {
  if (via == "wechat_pay" || via == "miniprogram" || via == "console" || via == "partner") {
    return Status::Ok();
  }
  return InvalidArgumentError("enrolled_via must be wechat_pay, miniprogram, console or partner",
                              "INVALID_FIELD");
}

Status ValidateMemberNumber(std::string_view number) {
  if (IsValidMemberNumber(number)) return Status::Ok();
  return InvalidArgumentError("a member number is 12 digits with a Luhn check digit",
                              "INVALID_MEMBER_NUMBER");
}

Result<std::string> NormalizePhone(std::string_view phone) {
  constexpr size_t kMaxInput = 32;
  const Status invalid =
      InvalidArgumentError("phone must be a mainland China mobile number", "INVALID_PHONE");
  if (phone.size() > kMaxInput) return invalid;
  std::string_view rest = phone;
  if (rest.starts_with("+86")) {
    rest.remove_prefix(3);
  }
  std::string digits;
  for (char c : rest) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ' ' && c != '-') {
      return invalid;
    }
  }
  if (digits.size() == 13 && digits.starts_with("86")) digits.erase(0, 2);
  if (digits.size() != 11 || digits[0] != '1' || digits[1] < '3') return invalid;
  return digits;
}

std::string MaskPhone(std::string_view normalized) {
  if (normalized.size() != 11) return "****";
  return std::string(normalized.substr(0, 3)) + "****" + std::string(normalized.substr(7));
}

std::string MaskWechatId(std::string_view id) {
  if (id.size() <= 12) return "****";
  return std::string(id.substr(0, 4)) + "****" + std::string(id.substr(id.size() - 4));
}

}  // namespace mileage::members

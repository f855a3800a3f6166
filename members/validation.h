#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "members/types.h"

namespace mileage::members {

// Input rules of the members module. Each returns InvalidArgument with a stable reason and a
// message naming the field, never repeating the value (it may be personal data).

// An openid or unionid: 1..128 of [A-Za-z0-9_-] (WeChat's are 28/29 characters of that set).
// INVALID_FIELD otherwise.
Status ValidateWechatId(std::string_view value, std::string_view field);

// A brand or member id: INVALID_ID unless positive.
Status ValidatePositiveId(int64_t id, std::string_view field);

// The payer of a notification: a positive brand, a WeChat appid (org's rule), an openid and
// an optional unionid (ValidateWechatId).
Status ValidatePayer(const PayerIdentity& payer);

// "wechat_pay", "miniprogram", "console" or "partner": INVALID_FIELD otherwise.
Status ValidateEnrolledVia(std::string_view via);

// INVALID_MEMBER_NUMBER unless IsValidMemberNumber.
Status ValidateMemberNumber(std::string_view number);

// A mainland China mobile number: 11 digits "1[3-9]xxxxxxxxx", optionally written with a
// "+86" or "86" prefix and spaces or dashes between digits. Returns the 11 digits;
// INVALID_PHONE otherwise.
Result<std::string> NormalizePhone(std::string_view phone);

// "138****5678" for a normalised 11-digit phone: the first 3 and last 4 digits.
std::string MaskPhone(std::string_view normalized);

// "oAbc****wxyz" for an openid or unionid: the first 4 and last 4 characters ("****" when it
// has 12 characters or fewer, so that at least 4 stay hidden).
std::string MaskWechatId(std::string_view id);

}  // namespace mileage::members

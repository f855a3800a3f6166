#pragma once

#include <string>
#include <string_view>

namespace mileage::wechat::sandbox {

// The sandbox's deterministic mini-program users: a wx.login code names a user, so the same
// code always logs in the same person ("user-42" is user 42 on every run and every machine),
// a code starting with "invalid" is refused with errcode 40029, and one starting with "used"
// is answered as a code exchanged before (40163). Pure functions.

// True when code2Session and the phone API must refuse `code` (40029): it is empty, longer than
// 128 characters, has characters outside [A-Za-z0-9_-], or starts with "invalid".
bool IsRejectedCode(std::string_view code);

// True when code2Session must answer that `code` was used already (40163): an accepted code
// starting with "used" (a real wx.login code works once; the sandbox's name users, so reuse is
// asked for by name).
bool IsUsedCode(std::string_view code);

// True when code2Session and getuserphonenumber must answer that WeChat throttles the app
// (45011, "api minute-quota reach limit"): an accepted code starting with "throttled".
bool IsThrottledCode(std::string_view code);

// A 28-character openid ("o" + 27 of [A-Za-z0-9_-]) derived from the appid and the code, so a
// user has one openid per mini-program, as on WeChat.
std::string OpenidFor(std::string_view appid, std::string_view code);

// A 28-character unionid derived from the code alone: the same user across mini-programs.
std::string UnionidFor(std::string_view code);

// A base64 16-byte session_key derived from the appid and the code.
std::string SessionKeyFor(std::string_view appid, std::string_view code);

// The phone number of a getPhoneNumber code: "phone-13812345678" gives 13812345678; any other
// accepted code gives a stable 11-digit number starting with 139.
std::string PhoneFor(std::string_view code);

}  // namespace mileage::wechat::sandbox

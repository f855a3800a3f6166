#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "kv/kv.h"
#include "wechat/client/access_token_provider.h"
#include "wechat/client/api_client.h"
#include "wechat/miniprogram/crypto.h"

namespace mileage::wechat::client {

// Longest wxacode scene WeChat accepts.
inline constexpr size_t kMaxSceneLength = 32;

// A mini-program's credentials. `secret` is a secret: never log it.
struct MiniProgramCredentials {
  std::string appid;
  std::string secret;
};

// What code2Session returns. session_key is a secret (it decrypts the user's open data): keep
// it server-side and never log it.
struct Session {
  std::string openid;
  std::string unionid;  // empty unless the app is bound to an open-platform account
  std::string session_key;
};

// One subscribe message (subscribeMessage.send).
struct SubscribeMessage {
  std::string touser;  // openid
  std::string template_id;
  std::string page;                          // optional: the page the card opens
  std::string miniprogram_state = "formal";  // developer | trial | formal
  std::string lang = "zh_CN";
  // Template keyword -> value ("thing1" -> "Oil change due"), in order.
  std::vector<std::pair<std::string, std::string>> data;
};

// A wxacode.getUnlimited request.
struct WxaCodeRequest {
  std::string scene;  // <= 32 of [0-9A-Za-z] and !#$&'()*+,/:;=?@-._~
  std::string page;   // optional: "pages/index/index"
  bool check_path = true;
  std::string env_version = "release";  // release | trial | develop
  int width = 430;
  bool is_hyaline = false;
};

// The image of a wxacode.
struct WxaCode {
  std::string content_type;  // "image/png" or "image/jpeg"
  std::string image;
};

// The mini-program server APIs of one appid: code2Session, the phone number, subscribe
// messages and wxacodes, over the shared ApiClient and with the appid's access token from an
// AccessTokenProvider that it owns (shared through the Kv with other processes). A call that
// WeChat refuses because the token went bad (40001/42001/40014) is repeated once with a new
// token. One per appid per process; borrows api, kv, clock and random, which must outlive it.
// Safe for concurrent use.
class MiniProgramClient {
 public:
  MiniProgramClient(ApiClient& api, kv::Kv& kv, const Clock& clock, RandomSource& random,
                    MiniProgramCredentials credentials, AccessTokenOptions token_options = {});

  // GET /sns/jscode2session. InvalidArgument WECHAT_INVALID_CODE (empty, over 256 bytes or with
  // spaces or control characters: not sent; or errcode 40029), the other MapErrcode results,
  // ApiClient::Send's Unavailable, Internal WECHAT_BAD_RESPONSE (no openid or session_key).
  Result<Session> Code2Session(std::string_view js_code);

  // POST /wxa/business/getuserphonenumber with the code of a getPhoneNumber button.
  // InvalidArgument WECHAT_INVALID_CODE (as above), the errors of the token and MapErrcode,
  // Internal WECHAT_BAD_RESPONSE (no phone_info).
  Result<miniprogram::PhoneNumber> GetPhoneNumber(std::string_view code);

  // POST /cgi-bin/message/subscribe/send. Never repeated once it may have reached WeChat.
  // InvalidArgument WECHAT_BAD_ARGUMENT (empty touser, template_id or data: not sent), the
  // errors of the token and MapErrcode (e.g. FailedPrecondition WECHAT_SUBSCRIBE_REFUSED).
  Status SendSubscribeMessage(const SubscribeMessage& message);

  // POST /wxa/getwxacodeunlimit. InvalidArgument WECHAT_BAD_SCENE (empty, longer than 32 or a
  // character WeChat does not allow: not sent), the errors of the token and MapErrcode,
  // Internal WECHAT_BAD_RESPONSE (neither an image nor an errcode).
  Result<WxaCode> GetUnlimitedWxaCode(const WxaCodeRequest& request);

  AccessTokenProvider& tokens() { return tokens_; }
  const std::string& appid() const { return credentials_.appid; }

 private:
  // POSTs `body` to `path`?access_token=..., replacing a rejected token once.
  Result<HttpReply> PostWithToken(std::string_view path, const std::string& body,
                                  Idempotency idempotency);

  ApiClient& api_;
  MiniProgramCredentials credentials_;
  AccessTokenProvider tokens_;
};

// True when `scene` is a scene wxacode.getUnlimited accepts (see WxaCodeRequest).
bool IsValidScene(std::string_view scene);

}  // namespace mileage::wechat::client

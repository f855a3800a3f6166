#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "care/subscribe_types.h"
#include "org/brand_app_service.h"
#include "server/mp/wechat_login_codes.h"

namespace mileage::server {

// The longest value WeChat accepts for a template keyword of this kind (thing: 20 characters,
// character_string and number: 32, phrase and symbol: 5, name: 10, car_number: 8,
// phone_number: 17, amount: 11; time and date: 32), in characters (code points).
size_t KeywordLimit(std::string_view keyword);

// The template data of a message: for each mapped keyword the payload field's value, rendered
// and cut to KeywordLimit: text as it is ("YYYY-MM-DD" as 2030年1月7日 for time and date
// keywords), integers in decimal, Unix seconds as Beijing time ("2030年1月7日 08:00") for time
// and date keywords (date: the day only), true/false as 是/否, a missing field as "-". A payload
// that does not parse gives "-" everywhere. Pure.
std::vector<std::pair<std::string, std::string>> RenderTemplateData(
    const std::vector<care::TemplateField>& fields, std::string_view payload);

// care::SubscribeSender over WeChat's subscribeMessage.send (wechat/client) with the app's
// current credentials (members::UsableMiniProgram) and the shared mini-program clients. Maps
// the answers: sent; 43101 refused; Unavailable (no answer, a timeout, 5xx, -1 busy, a rejected
// token) and ResourceExhausted (throttled) transient; anything else rejected with WeChat's
// reason. Borrows the clients and the app service, which must outlive it. Safe for concurrent use.
class WechatSubscribeSender final : public care::SubscribeSender {
 public:
  WechatSubscribeSender(MiniProgramClients& clients, org::BrandAppService& apps)
      : clients_(clients), apps_(apps) {}

  care::SendResult Send(const care::SubscribeDelivery& delivery) override;

 private:
  MiniProgramClients& clients_;
  org::BrandAppService& apps_;
};

}  // namespace mileage::server

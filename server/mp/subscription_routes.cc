#include "server/mp/subscription_routes.h"

#include <string>

#include "server/console/console_json.h"
#include "server/console/subscription_json.h"

namespace mileage::server {
namespace {

// The wx.requestSubscribeMessage result: every member a template id with a string answer but
// "errMsg" (WeChat's "requestSubscribeMessage:ok"), which is ignored.
Result<care::SubscribeAnswers> ParseAnswers(const httplib::Request& req) {
  MILEAGE_ASSIGN_OR_RETURN(rapidjson::Document body, ParseJsonObject(req.body));
  care::SubscribeAnswers answers;
  for (const auto& member : body.GetObject()) {
    const std::string_view name(member.name.GetString(), member.name.GetStringLength());
    if (name == "errMsg") continue;
    if (!member.value.IsString()) {
      return InvalidArgumentError("each template's answer must be a string",
                                  "INVALID_SUBSCRIBE_ANSWER");
    }
    answers.emplace_back(std::string(name),
                         std::string(member.value.GetString(), member.value.GetStringLength()));
  }
  return answers;
}

}  // namespace

void RegisterMemberSubscriptionRoutes(MpRouter& router, care::SubscribeService& subscriptions) {
  router.Route("GET", "/api/mp/subscriptions",
               [&subscriptions](const MpRequest& req, httplib::Response& res) {
                 Respond(res, subscriptions.ForMember(req.member()), 200, WriteMemberSubscriptions);
               });
  router.Route("POST", "/api/mp/subscriptions",
               [&subscriptions](const MpRequest& req, httplib::Response& res) {
                 Result<care::SubscribeAnswers> answers = ParseAnswers(req.http);
                 if (!answers.ok()) return WriteError(res, answers.status());
                 Respond(res, subscriptions.Subscribe(req.member(), *answers), 200,
                         WriteMemberSubscriptions);
               });
}

}  // namespace mileage::server

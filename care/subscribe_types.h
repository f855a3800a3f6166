#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mileage::care {

// The outbox topics a subscribe template may be bound to: the one list (docs/API.md "Subscribe
// messages"). Some have no event yet (their producers are being added); a template for them is
// kept and used once they do.
inline constexpr std::array<std::string_view, 12> kSubscribableTopics = {
    "appointment.reminder", "appointment.rescheduled", "appointment.cancelled", "activity.promoted",
    "activity.cancelled",   "coupon.issued",           "maintenance.due",       "care.birthday",
    "care.anniversary",     "appointment.booked",      "activity.signed_up",    "winback.drifted"};

// A template's keyword (WeChat's "thing1", "time2", ...) and the event payload field whose value
// fills it.
struct TemplateField {
  std::string keyword;
  std::string field;
};

// A brand's WeChat subscribe template for one topic, as the console shows it. A value type.
struct SubscribeTemplate {
  int64_t id = 0;
  int64_t brand_id = 0;
  std::string topic;
  std::string template_id;  // WeChat's tmplId
  std::string title;        // shown to the member (Chinese)
  bool marketing = false;   // sent only with the member's marketing consent
  std::string page;         // the mini-program page the card opens; "" none
  std::vector<TemplateField> fields;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// What a template is given when created or replaced.
struct TemplateInput {
  std::string topic;
  std::string template_id;
  std::string title;
  bool marketing = false;
  std::string page;
  std::vector<TemplateField> fields;
};

// One template as a member sees it, with the one-time grants they hold for it (under the app
// of their session).
struct MemberSubscription {
  std::string template_id;
  std::string title;
  std::string topic;
  bool marketing = false;
  int64_t remaining = 0;
};

// A member's answer to wx.requestSubscribeMessage: template id -> "accept" | "reject" | "ban" |
// "filter", as WeChat returns it.
using SubscribeAnswers = std::vector<std::pair<std::string, std::string>>;

// The states of a message (subscribe_messages.state) and the reasons of skipped and failed ones.
inline constexpr const char* kMessagePending = "pending";
inline constexpr const char* kMessageSent = "sent";
inline constexpr const char* kMessageSkipped = "skipped";
inline constexpr const char* kMessageFailed = "failed";
inline constexpr const char* kReasonNoConsent = "no_consent";
inline constexpr const char* kReasonNoSubscription = "no_subscription";
inline constexpr const char* kReasonTemplateDeleted = "template_deleted";
inline constexpr const char* kReasonNoOpenid = "no_openid";
inline constexpr const char* kReasonRefused = "refused";
inline constexpr const char* kReasonGaveUp = "gave_up";

// One message to send: the member's openid in the app of the grant it holds, the template and
// the event it reports.
struct SubscribeDelivery {
  std::string appid;
  std::string openid;
  std::string template_id;
  std::string page;
  std::vector<TemplateField> fields;
  std::string topic;
  std::string payload;  // the event's JSON object text (db::PayloadJson)
};

// What became of a send.
enum class SendOutcome {
  kSent,
  kTransient,  // no answer, a timeout, WeChat busy (-1), 5xx, throttled: try again later
  kRefused,    // 43101: WeChat holds no grant of this user for the template; final
  kRejected,   // any other refusal (a bad template id, data or page, an unusable app); final
};

// The result of one send: the outcome and, unless sent, a short machine reason for the record
// ("WECHAT_BAD_TEMPLATE", "timeout").
struct SendResult {
  SendOutcome outcome = SendOutcome::kSent;
  std::string reason;
};

// How the subscribe relay sends a message. care/ owns no WeChat client (domain modules never
// see wechat/): server/ implements this with the mini-program client, tests with the sandbox or
// a fake. Implementations render the template data from the payload, must be safe for
// concurrent use and must return within their own timeout.
class SubscribeSender {
 public:
  virtual ~SubscribeSender() = default;
  virtual SendResult Send(const SubscribeDelivery& delivery) = 0;
};

}  // namespace mileage::care

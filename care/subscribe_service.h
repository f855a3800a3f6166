#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "care/subscribe_types.h"
#include "common/clock.h"
#include "common/result.h"
#include "db/db.h"
#include "members/member_sessions.h"
#include "org/audited_writer.h"
#include "org/authorizer.h"
#include "org/principal.h"

namespace mileage::care {

// A brand's WeChat subscribe templates (console) and its members' one-time grants (mini-program),
// docs/API.md "Subscribe messages". Templates: brand staff with org::Action::kSubscriptionRead /
// kSubscriptionWrite (brand admins write); a template of another brand answers
// SUBSCRIBE_TEMPLATE_NOT_FOUND like an unknown id; every write is audited
// (subscription.template_create, subscription.template_update, subscription.template_delete).
// Grants: what wx.requestSubscribeMessage answered, one grant per "accept" (WeChat grants one
// send per accept), counted per (template, member, app of the session), at most
// kMaxGrantsPerTemplate each. Holds no state; safe for concurrent use.
//
// Errors common to the methods: InvalidArgument for bad input (INVALID_FIELD naming the field,
// INVALID_TOPIC, INVALID_TEMPLATE_ID, INVALID_TEMPLATE_FIELDS, INVALID_ID); NotFound
// SUBSCRIBE_TEMPLATE_NOT_FOUND; PermissionDenied when the role may not act; storage errors.
class SubscribeService {
 public:
  // At most this many templates per brand (FailedPrecondition TOO_MANY_SUBSCRIBE_TEMPLATES).
  static constexpr int64_t kMaxTemplatesPerBrand = 50;
  // At most this many fields per template (WeChat's templates have up to 5 keywords; a few more
  // leave room).
  static constexpr size_t kMaxFields = 10;
  // At most this many unused grants per member, template and app. WeChat documents no cap; a
  // member tapping "accept" a hundred times gains nothing past it.
  static constexpr int64_t kMaxGrantsPerTemplate = 50;
  // At most this many answers in one wx.requestSubscribeMessage result (WeChat asks for at most
  // 3 templates at once; the rest is room for an old client).
  static constexpr size_t kMaxAnswers = 20;

  SubscribeService(db::Db& db, const Clock& clock, const org::Authorizer& authorizer,
                   org::AuditedWriter& writer)
      : db_(db), clock_(clock), authorizer_(authorizer), writer_(writer) {}

  // AlreadyExists SUBSCRIBE_TEMPLATE_EXISTS when the brand has a template of this template_id.
  Result<SubscribeTemplate> Create(const org::Actor& actor, int64_t brand_id,
                                   const TemplateInput& input);
  // Replaces every field of the template (its grants stay: they belong to the template).
  // AlreadyExists SUBSCRIBE_TEMPLATE_EXISTS as Create.
  Result<SubscribeTemplate> Update(const org::Actor& actor, int64_t id, const TemplateInput& input);
  // Deletes the template and its grants; its pending messages are skipped (template_deleted).
  Status Delete(const org::Actor& actor, int64_t id);
  Result<SubscribeTemplate> Get(const org::Actor& actor, int64_t id);
  // The brand's templates, id order (at most kMaxTemplatesPerBrand).
  Result<std::vector<SubscribeTemplate>> List(const org::Actor& actor, int64_t brand_id);

  // The templates of the member's brand with the grants they hold under the session's app.
  Result<std::vector<MemberSubscription>> ForMember(const members::MemberPrincipal& member);
  // Records a wx.requestSubscribeMessage answer: one grant per "accept" of the brand's template;
  // "reject", "ban" and "filter" add none. Nothing is written unless every answer is valid.
  // Returns ForMember after it. InvalidArgument INVALID_SUBSCRIBE_ANSWER (an empty answer, more
  // than kMaxAnswers, a template named twice, a value that is not one of the four), NotFound
  // SUBSCRIBE_TEMPLATE_NOT_FOUND (a template id the member's brand does not have).
  Result<std::vector<MemberSubscription>> Subscribe(const members::MemberPrincipal& member,
                                                    const SubscribeAnswers& answers);

 private:
  Result<SubscribeTemplate> Authorized(db::Connection& conn, const org::Actor& actor,
                                       org::Action action, int64_t id);
  Result<std::vector<MemberSubscription>> MemberView(db::Connection& conn,
                                                     const members::MemberPrincipal& member);

  db::Db& db_;
  const Clock& clock_;
  const org::Authorizer& authorizer_;
  org::AuditedWriter& writer_;
};

// Checks a template: topic one of kSubscribableTopics (INVALID_TOPIC); template_id 1..64 of
// [A-Za-z0-9_-] (INVALID_TEMPLATE_ID); title 1..32 characters of text (INVALID_FIELD); page ""
// or 1..255 of printable ASCII without spaces (INVALID_FIELD); 1..kMaxFields fields, each a
// WeChat keyword (thing, number, letter, symbol, character_string, time, date, amount,
// phone_number, car_number, name, phrase, followed by 1..3 digits) named once and a payload
// field of 1..64 of [a-z0-9_] (INVALID_TEMPLATE_FIELDS). Pure.
Status ValidateTemplate(const TemplateInput& input);

}  // namespace mileage::care

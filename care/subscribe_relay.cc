#include "care/subscribe_relay.h"

#include <map>
#include <string>
#include <vector>

#include "care/subscribe_service.h"
#include "common/log.h"
#include "db/outbox.h"
#include "members/member_profile.h"
#include "members/member_store.h"

namespace mileage::care {
namespace {

// The member's openid in `appid`, or "".
std::string OpenidIn(const std::vector<members::Identity>& identities, std::string_view appid) {
  for (const members::Identity& identity : identities) {
    if (identity.kind == members::IdentityKind::kOpenid && identity.appid == appid) {
      return identity.value;
    }
  }
  return "";
}

}  // namespace

Result<SubscribePass> SubscribeRelay::RunOnce(const db::Fence& fence) {
  SubscribePass pass;
  MILEAGE_RETURN_IF_ERROR(FanOut(fence, pass));
  MILEAGE_RETURN_IF_ERROR(Deliver(fence, pass));
  return pass;
}

Status SubscribeRelay::FanOut(const db::Fence& fence, SubscribePass& pass) {
  std::vector<SubscribeEvent> events;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(events, SubscribeStore(*conn).UnmessagedEvents(policy_.batch));
  }
  if (events.empty()) return Status::Ok();
  std::vector<int64_t> ids;
  ids.reserve(events.size());
  for (const SubscribeEvent& event : events) ids.push_back(event.id);
  const int64_t now = Now();
  const Status fanned = db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
    SubscribeStore store(conn);
    std::map<int64_t, std::vector<SubscribeTemplate>> templates;  // by brand, read once a batch
    for (const SubscribeEvent& event : events) {
      const std::optional<int64_t> member = db::PayloadMemberId(event.payload);
      if (!member.has_value()) continue;
      if (!templates.contains(event.brand_id)) {
        MILEAGE_ASSIGN_OR_RETURN(templates[event.brand_id], store.Templates(event.brand_id));
      }
      for (const SubscribeTemplate& t : templates[event.brand_id]) {
        if (t.topic != event.topic) continue;
        MILEAGE_RETURN_IF_ERROR(store.AddMessage(event.id, t.id, event.brand_id, *member, now));
      }
    }
    return store.MarkMessaged(ids, now);
  });
  MILEAGE_RETURN_IF_ERROR(fanned);
  pass.events += static_cast<int64_t>(events.size());
  return Status::Ok();
}

Status SubscribeRelay::Deliver(const db::Fence& fence, SubscribePass& pass) {
  std::vector<SubscribeMessage> due;
  {
    MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
    MILEAGE_ASSIGN_OR_RETURN(due, SubscribeStore(*conn).DueMessages(Now(), policy_.batch));
  }
  for (const SubscribeMessage& message : due) {
    const int64_t started = Now();
    MILEAGE_ASSIGN_OR_RETURN(std::optional<SubscribeDelivery> delivery,
                             ClaimOne(fence, message, pass));
    if (!delivery.has_value()) continue;
    const SendResult result = sender_.Send(*delivery);
    SubscribeMessage claimed = message;
    if (claimed.first_attempt_at == 0) claimed.first_attempt_at = started;
    MILEAGE_RETURN_IF_ERROR(Record(fence, claimed, result, pass));
  }
  return Status::Ok();
}

Result<std::optional<SubscribeDelivery>> SubscribeRelay::ClaimOne(const db::Fence& fence,
                                                                  const SubscribeMessage& message,
                                                                  SubscribePass& pass) {
  std::optional<SubscribeDelivery> out;
  std::string skipped;  // the state and reason when finished here
  std::string reason;
  const Status claimed_tx = db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    out.reset();
    skipped.clear();
    reason.clear();
    MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
    SubscribeStore store(conn);
    const int64_t now = Now();
    const int64_t attempt = message.attempts + 1;
    MILEAGE_ASSIGN_OR_RETURN(bool claimed,
                             store.Claim(message.id, message.attempts, now,
                                         now + policy_.timeout_s + policy_.hold_extra_s));
    if (!claimed) return Status::Ok();  // another relay has it
    auto finish = [&](const char* state, const char* why) {
      skipped = state;
      reason = why;
      return store.Finish(message.id, attempt, state, why, 0, now);
    };
    MILEAGE_ASSIGN_OR_RETURN(std::optional<SubscribeTemplate> tmpl,
                             store.FindTemplate(message.template_ref));
    MILEAGE_ASSIGN_OR_RETURN(std::optional<SubscribeEvent> event, store.Event(message.event_id));
    if (!tmpl.has_value() || tmpl->brand_id != message.brand_id || !event.has_value()) {
      return finish(kMessageSkipped, kReasonTemplateDeleted);
    }
    if (tmpl->marketing) {
      MILEAGE_ASSIGN_OR_RETURN(bool consent,
                               members::MemberProfiles::Granted(conn, message.member_id,
                                                                members::ConsentKind::kMarketing));
      if (!consent) {
        // Consent withdrawn after the message took its grant (a retry): WeChat still holds it.
        if (!message.grant_appid.empty()) {
          MILEAGE_RETURN_IF_ERROR(store.AddGrants(message.template_ref, message.member_id,
                                                  message.grant_appid, 1,
                                                  SubscribeService::kMaxGrantsPerTemplate, now));
        }
        return finish(kMessageSkipped, kReasonNoConsent);
      }
    }
    MILEAGE_ASSIGN_OR_RETURN(std::vector<members::Identity> identities,
                             members::MemberStore(conn, random_).Identities(message.member_id));
    std::string appid = message.grant_appid;
    if (appid.empty()) {
      MILEAGE_ASSIGN_OR_RETURN(std::vector<std::string> apps,
                               store.GrantApps(message.template_ref, message.member_id));
      for (const std::string& app : apps) {
        if (OpenidIn(identities, app).empty()) continue;
        MILEAGE_ASSIGN_OR_RETURN(
            bool taken, store.ConsumeGrant(message.template_ref, message.member_id, app, now));
        if (!taken) continue;
        MILEAGE_RETURN_IF_ERROR(store.HoldGrant(message.id, app));
        appid = app;
        break;
      }
      if (appid.empty()) return finish(kMessageSkipped, kReasonNoSubscription);
    }
    std::string openid = OpenidIn(identities, appid);
    if (openid.empty()) return finish(kMessageFailed, kReasonNoOpenid);
    out = SubscribeDelivery{appid,        std::move(openid), tmpl->template_id, tmpl->page,
                            tmpl->fields, event->topic,      event->payload};
    return Status::Ok();
  });
  MILEAGE_RETURN_IF_ERROR(claimed_tx);
  if (skipped == kMessageSkipped) ++pass.skipped;
  if (skipped == kMessageFailed) ++pass.failed;
  return out;
}

Status SubscribeRelay::Record(const db::Fence& fence, const SubscribeMessage& message,
                              const SendResult& result, SubscribePass& pass) {
  const int64_t now = Now();
  const int64_t attempt = message.attempts + 1;
  std::string state = kMessageSent;
  std::string reason;
  int64_t next = 0;
  switch (result.outcome) {
    case SendOutcome::kSent:
      break;
    case SendOutcome::kTransient:
      if (now - message.first_attempt_at >= policy_.give_up_after_s) {
        state = kMessageFailed;
        reason = kReasonGaveUp;
      } else {
        state = kMessagePending;
        reason = result.reason;
        next = now + policy_.retry_delay(attempt);
      }
      break;
    case SendOutcome::kRefused:
      state = kMessageFailed;
      reason = kReasonRefused;
      break;
    case SendOutcome::kRejected:
      state = kMessageFailed;
      reason = result.reason.empty() ? std::string("rejected") : result.reason;
      break;
  }
  const Status recorded = db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    MILEAGE_RETURN_IF_ERROR(db::CheckFence(fence, conn));
    return SubscribeStore(conn).Finish(message.id, attempt, state, reason, next, now);
  });
  MILEAGE_RETURN_IF_ERROR(recorded);
  if (state == kMessageSent) {
    ++pass.sent;
  } else if (state == kMessagePending) {
    ++pass.retried;
  } else {
    ++pass.failed;
    MILEAGE_LOG(kWarn) << "subscribe relay: message " << message.id << " of event "
                       << message.event_id << " failed (" << reason << ")";
  }
  return Status::Ok();
}

}  // namespace mileage::care

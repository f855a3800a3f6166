#include "care/subscribe_service.h"

#include <algorithm>
#include <array>
#include <optional>
#include <set>
#include <string_view>

#include "care/subscribe_store.h"
#include "org/node_store.h"
#include "org/validation.h"

namespace mileage::care {
namespace {

constexpr std::array<std::string_view, 12> kKeywordKinds = {
    "thing",        "number",     "letter", "symbol", "character_string", "time", "date", "amount",
    "phone_number", "car_number", "name",   "phrase"};

std::string Label(int64_t id) { return "subscribe template " + std::to_string(id); }

Status NotFound(int64_t id) {
  return NotFoundError(Label(id) + " not found", "SUBSCRIBE_TEMPLATE_NOT_FOUND");
}

Status BadFields(const std::string& why) {
  return InvalidArgumentError("fields: " + why, "INVALID_TEMPLATE_FIELDS");
}

bool IsTemplateIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

bool IsKeyword(std::string_view keyword) {
  for (std::string_view kind : kKeywordKinds) {
    if (!keyword.starts_with(kind)) continue;
    const std::string_view digits = keyword.substr(kind.size());
    if (!digits.empty() && digits.size() <= 3 &&
        std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return true;
    }
  }
  return false;
}

bool IsPayloadField(std::string_view field) {
  return !field.empty() && field.size() <= 64 &&
         std::all_of(field.begin(), field.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
         });
}

Status ValidateFields(const std::vector<TemplateField>& fields) {
  if (fields.empty() || fields.size() > SubscribeService::kMaxFields) {
    return BadFields("between 1 and " + std::to_string(SubscribeService::kMaxFields) + " keywords");
  }
  std::set<std::string_view> seen;
  for (const TemplateField& f : fields) {
    if (!IsKeyword(f.keyword)) {
      return BadFields("\"" + f.keyword.substr(0, 40) +
                       "\" is not a WeChat keyword (thing1, time2, character_string3, ...)");
    }
    if (!seen.insert(f.keyword).second) return BadFields(f.keyword + " is named twice");
    if (!IsPayloadField(f.field)) {
      return BadFields(f.keyword + " must name a payload field of 1-64 of [a-z0-9_]");
    }
  }
  return Status::Ok();
}

org::AuditRecord Base(std::string action, std::optional<int64_t> id) {
  org::AuditRecord base;
  base.action = std::move(action);
  base.object_type = "subscribe_template";
  base.object_id = id;
  return base;
}

std::string Detail(const TemplateInput& input) {
  return "topic: " + input.topic + "; template_id: " + input.template_id +
         "; marketing: " + (input.marketing ? "yes" : "no") +
         "; fields: " + JoinFields(input.fields);
}

// AlreadyExists from the unique key (brand, template_id) as the stable code.
Status AsTemplateError(Status status) {
  if (status.code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError("the brand has a template of this template_id already",
                              "SUBSCRIBE_TEMPLATE_EXISTS");
  }
  return status;
}

Status BadAnswer(const std::string& why) {
  return InvalidArgumentError(why, "INVALID_SUBSCRIBE_ANSWER");
}

Status ValidateAnswers(const SubscribeAnswers& answers) {
  if (answers.empty()) return BadAnswer("the answer names no template");
  if (answers.size() > SubscribeService::kMaxAnswers) {
    return BadAnswer("at most " + std::to_string(SubscribeService::kMaxAnswers) + " templates");
  }
  std::set<std::string_view> seen;
  for (const auto& [id, value] : answers) {
    if (!seen.insert(id).second) return BadAnswer("a template is named twice");
    if (value != "accept" && value != "reject" && value != "ban" && value != "filter") {
      return BadAnswer("each value must be accept, reject, ban or filter");
    }
  }
  return Status::Ok();
}

}  // namespace

Status ValidateTemplate(const TemplateInput& input) {
  if (std::find(kSubscribableTopics.begin(), kSubscribableTopics.end(), input.topic) ==
      kSubscribableTopics.end()) {
    return InvalidArgumentError("topic is not one that subscribe messages serve", "INVALID_TOPIC");
  }
  if (input.template_id.empty() || input.template_id.size() > 64 ||
      !std::all_of(input.template_id.begin(), input.template_id.end(), IsTemplateIdChar)) {
    return InvalidArgumentError("template_id must be 1-64 of [A-Za-z0-9_-]", "INVALID_TEMPLATE_ID");
  }
  MILEAGE_RETURN_IF_ERROR(org::ValidateText(input.title, "title", 1, 32));
  if (input.page.size() > 255 || !std::all_of(input.page.begin(), input.page.end(),
                                              [](char c) { return c > 0x20 && c < 0x7f; })) {
    return InvalidArgumentError("page must be at most 255 printable characters without spaces",
                                "INVALID_FIELD");
  }
  return ValidateFields(input.fields);
}

Result<SubscribeTemplate> SubscribeService::Authorized(db::Connection& conn,
                                                       const org::Actor& actor, org::Action action,
                                                       int64_t id) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SubscribeTemplate> found,
                           SubscribeStore(conn).FindTemplate(id));
  if (!found.has_value()) return NotFound(id);
  Status allowed =
      authorizer_.Check(actor, action, org::NodePath::Brand(found->brand_id), Label(id));
  if (allowed.code() == StatusCode::kNotFound) return NotFound(id);
  MILEAGE_RETURN_IF_ERROR(allowed);
  return std::move(*found);
}

Result<SubscribeTemplate> SubscribeService::Create(const org::Actor& actor, int64_t brand_id,
                                                   const TemplateInput& input) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateTemplate(input));
  int64_t id = 0;
  const Status written = writer_.Run(
      actor, Base("subscription.template_create", std::nullopt),
      [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        // The lock on the brand's row keeps the count below true until commit.
        const std::string brand_label = "brand " + std::to_string(brand_id);
        MILEAGE_ASSIGN_OR_RETURN(std::optional<org::Node> brand,
                                 org::NodeStore(conn).Find(org::NodeType::kBrand, brand_id, true));
        if (!brand.has_value()) return NotFoundError(brand_label + " not found");
        MILEAGE_RETURN_IF_ERROR(
            authorizer_.Check(actor, org::Action::kSubscriptionWrite, brand->path, brand_label));
        SubscribeStore store(conn);
        MILEAGE_ASSIGN_OR_RETURN(int64_t count, store.CountTemplates(brand_id));
        if (count >= kMaxTemplatesPerBrand) {
          return FailedPreconditionError("a brand has at most " +
                                             std::to_string(kMaxTemplatesPerBrand) +
                                             " subscribe templates",
                                         "TOO_MANY_SUBSCRIBE_TEMPLATES");
        }
        Result<int64_t> inserted = store.InsertTemplate(brand_id, input, record.created_at);
        if (!inserted.ok()) return AsTemplateError(inserted.status());
        id = *inserted;
        record.brand_id = brand_id;
        record.object_id = id;
        record.detail = Detail(input);
        return Status::Ok();
      });
  if (!written.ok()) return written;
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SubscribeTemplate> created,
                           SubscribeStore(*conn).FindTemplate(id));
  if (!created.has_value()) return NotFound(id);
  return std::move(*created);
}

Result<SubscribeTemplate> SubscribeService::Update(const org::Actor& actor, int64_t id,
                                                   const TemplateInput& input) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_RETURN_IF_ERROR(ValidateTemplate(input));
  const Status written = writer_.Run(
      actor, Base("subscription.template_update", id),
      [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        MILEAGE_ASSIGN_OR_RETURN(SubscribeTemplate found,
                                 Authorized(conn, actor, org::Action::kSubscriptionWrite, id));
        Result<bool> updated = SubscribeStore(conn).UpdateTemplate(id, input, record.created_at);
        if (!updated.ok()) return AsTemplateError(updated.status());
        record.brand_id = found.brand_id;
        record.detail = Detail(input);
        return Status::Ok();
      });
  if (!written.ok()) return written;
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<SubscribeTemplate> updated,
                           SubscribeStore(*conn).FindTemplate(id));
  if (!updated.has_value()) return NotFound(id);
  return std::move(*updated);
}

Status SubscribeService::Delete(const org::Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  return writer_.Run(actor, Base("subscription.template_delete", id),
                     [&](db::Connection& conn, org::AuditRecord& record) -> Status {
                       MILEAGE_ASSIGN_OR_RETURN(
                           SubscribeTemplate found,
                           Authorized(conn, actor, org::Action::kSubscriptionWrite, id));
                       record.brand_id = found.brand_id;
                       record.detail = "template_id: " + found.template_id;
                       return SubscribeStore(conn).DeleteTemplate(id);
                     });
}

Result<SubscribeTemplate> SubscribeService::Get(const org::Actor& actor, int64_t id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(id, "id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return Authorized(*conn, actor, org::Action::kSubscriptionRead, id);
}

Result<std::vector<SubscribeTemplate>> SubscribeService::List(const org::Actor& actor,
                                                              int64_t brand_id) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kSubscriptionRead,
                                            org::NodePath::Brand(brand_id),
                                            "brand " + std::to_string(brand_id)));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return SubscribeStore(*conn).Templates(brand_id);
}

Result<std::vector<MemberSubscription>> SubscribeService::MemberView(
    db::Connection& conn, const members::MemberPrincipal& member) {
  SubscribeStore store(conn);
  MILEAGE_ASSIGN_OR_RETURN(std::vector<SubscribeTemplate> templates,
                           store.Templates(member.brand_id));
  std::vector<MemberSubscription> out;
  out.reserve(templates.size());
  for (const SubscribeTemplate& t : templates) {
    MILEAGE_ASSIGN_OR_RETURN(int64_t remaining,
                             store.Remaining(t.id, member.member_id, member.appid));
    out.push_back({t.template_id, t.title, t.topic, t.marketing, remaining});
  }
  return out;
}

Result<std::vector<MemberSubscription>> SubscribeService::ForMember(
    const members::MemberPrincipal& member) {
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return MemberView(*conn, member);
}

Result<std::vector<MemberSubscription>> SubscribeService::Subscribe(
    const members::MemberPrincipal& member, const SubscribeAnswers& answers) {
  MILEAGE_RETURN_IF_ERROR(ValidateAnswers(answers));
  const int64_t now = UnixSeconds(clock_.Now());
  std::vector<MemberSubscription> after;
  const Status written = db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    SubscribeStore store(conn);
    MILEAGE_ASSIGN_OR_RETURN(std::vector<SubscribeTemplate> templates,
                             store.Templates(member.brand_id));
    std::vector<int64_t> accepted;
    for (const auto& [template_id, value] : answers) {
      auto it = std::find_if(templates.begin(), templates.end(), [&](const SubscribeTemplate& t) {
        return t.template_id == template_id;
      });
      if (it == templates.end()) {
        return NotFoundError("the brand has no subscribe template of this id",
                             "SUBSCRIBE_TEMPLATE_NOT_FOUND");
      }
      if (value == "accept") accepted.push_back(it->id);
    }
    for (int64_t template_ref : accepted) {
      MILEAGE_RETURN_IF_ERROR(store.AddGrants(template_ref, member.member_id, member.appid, 1,
                                              kMaxGrantsPerTemplate, now));
    }
    MILEAGE_ASSIGN_OR_RETURN(after, MemberView(conn, member));
    return Status::Ok();
  });
  if (!written.ok()) return written;
  return after;
}

}  // namespace mileage::care

#include "growth/referral_service.h"

#include <string>
#include <utility>

#include "coupons/rules.h"
#include "coupons/stock_store.h"
#include "crypto/random_string.h"
#include "db/outbox.h"
#include "growth/referral_store.h"
#include "members/member_store.h"
#include "org/validation.h"
#include "payments/payment_store.h"

namespace mileage::growth {
namespace {

// A referral chain longer than this is not followed further (chains are acyclic by
// construction; the bound only keeps one request's work finite).
constexpr int kMaxChain = 256;
constexpr int kCodeAttempts = 5;

std::string BrandLabel(int64_t brand_id) { return "brand " + std::to_string(brand_id); }

Status ValidateCode(std::string_view code) {
  bool ok = !code.empty() && code.size() <= 16;
  for (char c : code) {
    ok = ok && ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
  }
  if (ok) return Status::Ok();
  return InvalidArgumentError("code must be 1-16 letters or digits", "INVALID_REFERRAL_CODE");
}

Status CheckRange(int64_t value, int64_t min, int64_t max, const char* field, const char* reason) {
  if (value >= min && value <= max) return Status::Ok();
  return InvalidArgumentError(
      std::string(field) + " must be " + std::to_string(min) + ".." + std::to_string(max), reason);
}

Status ValidateRule(const ReferralService::RuleInput& in) {
  MILEAGE_RETURN_IF_ERROR(CheckRange(in.window_days, 1, ReferralRule::kMaxWindowDays, "window_days",
                                     "INVALID_WINDOW_DAYS"));
  MILEAGE_RETURN_IF_ERROR(CheckRange(in.min_amount_fen, 0, ReferralRule::kMaxAmountFen,
                                     "min_amount_fen", "INVALID_AMOUNT"));
  MILEAGE_RETURN_IF_ERROR(CheckRange(in.referrer_points, 0, ReferralRule::kMaxPoints,
                                     "referrer_points", "INVALID_POINTS"));
  MILEAGE_RETURN_IF_ERROR(CheckRange(in.referee_points, 0, ReferralRule::kMaxPoints,
                                     "referee_points", "INVALID_POINTS"));
  MILEAGE_RETURN_IF_ERROR(
      CheckRange(in.monthly_cap, 1, ReferralRule::kMaxMonthlyCap, "monthly_cap", "INVALID_CAP"));
  if (in.referrer_stock_id.has_value()) {
    MILEAGE_RETURN_IF_ERROR(org::ValidateId(*in.referrer_stock_id, "referrer_stock_id"));
  }
  if (in.referee_stock_id.has_value()) {
    MILEAGE_RETURN_IF_ERROR(org::ValidateId(*in.referee_stock_id, "referee_stock_id"));
  }
  const bool gives = in.referrer_points > 0 || in.referee_points > 0 ||
                     in.referrer_stock_id.has_value() || in.referee_stock_id.has_value();
  if (in.enabled && !gives) {
    return InvalidArgumentError("an enabled rule must give points or a coupon to someone",
                                "NO_REWARD");
  }
  return Status::Ok();
}

// NotFound STOCK_NOT_FOUND unless `stock_id` is a stock of the brand; the issuing refusals.
Status CheckStock(db::Connection& conn, int64_t brand_id, int64_t stock_id, int64_t now) {
  MILEAGE_ASSIGN_OR_RETURN(std::optional<coupons::Stock> stock,
                           coupons::StockStore(conn).Find(stock_id));
  if (!stock.has_value() || stock->node.brand_id != brand_id) {
    return NotFoundError("stock " + std::to_string(stock_id) + " not found", "STOCK_NOT_FOUND");
  }
  return coupons::CheckIssuing(*stock, coupons::Channel::kGrant, now);
}

std::string Describe(const ReferralRule& r) {
  auto stock = [](const std::optional<int64_t>& s) {
    return s.has_value() ? std::to_string(*s) : std::string("none");
  };
  return std::string(r.enabled ? "enabled" : "disabled") + ", window " +
         std::to_string(r.window_days) + " days, min " + std::to_string(r.min_amount_fen) +
         " fen, referrer " + std::to_string(r.referrer_points) + " points stock " +
         stock(r.referrer_stock_id) + ", referee " + std::to_string(r.referee_points) +
         " points stock " + stock(r.referee_stock_id) + ", cap " + std::to_string(r.monthly_cap) +
         "/month";
}

}  // namespace

Result<ReferralCode> ReferralService::CodeOf(const members::MemberPrincipal& member, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(member.member_id, "member_id"));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  ReferralStore store(*conn);
  // Statements of their own (no transaction), so that the read after a clash sees the code a
  // concurrent request made.
  for (int attempt = 0; attempt < kCodeAttempts; ++attempt) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<std::string> code, store.CodeOf(member.member_id));
    if (code.has_value()) return ReferralCode{*code, "r=" + *code};
    const std::string fresh = crypto::RandomAlphanumeric(random_, ReferralCode::kLength);
    Status inserted = store.InsertCode(member.member_id, member.brand_id, fresh, now);
    if (inserted.ok()) return ReferralCode{fresh, "r=" + fresh};
    if (inserted.code() != StatusCode::kAlreadyExists) return inserted;
  }
  return AbortedError("could not make a referral code");
}

Status ReferralService::CheckNoLoop(db::Connection& conn, int64_t referrer_id, int64_t referee_id) {
  ReferralStore store(conn);
  int64_t current = referrer_id;
  for (int hop = 0; hop < kMaxChain; ++hop) {
    MILEAGE_ASSIGN_OR_RETURN(std::optional<int64_t> above, store.ReferrerOf(current));
    if (!above.has_value()) return Status::Ok();
    if (*above == referee_id) {
      return FailedPreconditionError("the code's owner was referred by this member",
                                     "REFERRAL_LOOP");
    }
    current = *above;
  }
  return Status::Ok();
}

Result<ReferralRule> ReferralService::CheckAttach(db::Connection& conn,
                                                  const members::MemberPrincipal& member,
                                                  int64_t referrer_id) {
  if (referrer_id == member.member_id) {
    return FailedPreconditionError("a member cannot refer themselves", "SELF_REFERRAL");
  }
  // The rule's row, locked: attaches of a brand run one at a time, so that the loop check
  // below sees every referral committed before this one.
  MILEAGE_ASSIGN_OR_RETURN(std::optional<ReferralRule> rule,
                           ReferralStore(conn).FindRule(member.brand_id, /*lock=*/true));
  if (!rule.has_value() || !rule->enabled) {
    return FailedPreconditionError("the brand runs no referral programme", "REFERRALS_OFF");
  }
  return std::move(*rule);
}

Result<ReferralService::Attached> ReferralService::Attach(const members::MemberPrincipal& member,
                                                          std::string_view code, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(ValidateCode(code));
  Attached out;
  const Status done = db::InTransaction(db_, [&](db::Connection& conn) -> Status {
    ReferralStore store(conn);
    MILEAGE_ASSIGN_OR_RETURN(auto owner, store.OwnerOfCode(code));
    if (!owner.has_value() || owner->second != member.brand_id) {
      return NotFoundError("referral code not found", "REFERRAL_CODE_NOT_FOUND");
    }
    const int64_t referrer_id = owner->first;
    MILEAGE_ASSIGN_OR_RETURN(ReferralRule rule, CheckAttach(conn, member, referrer_id));
    MILEAGE_ASSIGN_OR_RETURN(std::optional<Referral> existing,
                             store.OfReferee(member.member_id, /*lock=*/true));
    if (existing.has_value()) {
      if (existing->referrer_member_id != referrer_id) {
        return FailedPreconditionError("the member was referred by someone else",
                                       "ALREADY_REFERRED");
      }
      out = {std::move(*existing), false};
      return Status::Ok();
    }
    // A locking read: a payment of the member committing meanwhile is seen (or waits for us).
    MILEAGE_ASSIGN_OR_RETURN(bool paid,
                             payments::PaymentStore(conn).HasOtherPayment(member.member_id, 0));
    if (paid) {
      return FailedPreconditionError("only a new owner may be referred", "NOT_NEW_OWNER");
    }
    MILEAGE_RETURN_IF_ERROR(CheckNoLoop(conn, referrer_id, member.member_id));
    Referral r;
    r.brand_id = member.brand_id;
    r.referrer_member_id = referrer_id;
    r.referee_member_id = member.member_id;
    r.attached_at = r.updated_at = now;
    r.expires_at = now + rule.window_days * 86400;
    Result<int64_t> id = store.Insert(r);
    // A concurrent attach of the same member won: run again to answer as it decided.
    if (!id.ok() && id.status().code() == StatusCode::kAlreadyExists) {
      return AbortedError("the member was attached meanwhile");
    }
    MILEAGE_RETURN_IF_ERROR(id.status());
    r.id = *id;
    out = {std::move(r), true};
    return db::AddOutboxEvent(conn, "referral.attached", member.brand_id, std::to_string(*id),
                              db::PayloadJson({{"referral_id", *id},
                                               {"member_id", member.member_id},
                                               {"referrer_member_id", referrer_id}}),
                              now);
  });
  MILEAGE_RETURN_IF_ERROR(done);
  return out;
}

Result<MemberReferrals> ReferralService::OfReferrer(const members::MemberPrincipal& member,
                                                    const PageRequest& page, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  ReferralStore store(*conn);
  MemberReferrals out;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<ReferralRule> rule, store.FindRule(member.brand_id));
  if (rule.has_value() && rule->enabled) out.rule = std::move(rule);
  MILEAGE_ASSIGN_OR_RETURN(out.totals, store.TotalsOf(member.member_id, now));
  MILEAGE_ASSIGN_OR_RETURN(PageOf<Referral> referrals, store.OfReferrer(member.member_id, page));
  std::vector<int64_t> referees;
  for (const Referral& r : referrals.items) referees.push_back(r.referee_member_id);
  MILEAGE_ASSIGN_OR_RETURN(auto phones,
                           members::MemberStore(*conn, random_).MaskedPhones(referees));
  out.page.total = referrals.total;
  out.page.request = referrals.request;
  for (Referral& r : referrals.items) {
    MemberReferral item;
    item.state = r.EffectiveState(now);
    if (auto it = phones.find(r.referee_member_id); it != phones.end()) {
      item.referee_phone = it->second;
    }
    item.referral = std::move(r);
    out.page.items.push_back(std::move(item));
  }
  return out;
}

Result<ReferralRule> ReferralService::Rule(const org::Actor& actor, int64_t brand_id) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kReferralRead));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kReferralRead,
                                            org::NodePath::Brand(brand_id), BrandLabel(brand_id)));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  MILEAGE_ASSIGN_OR_RETURN(std::optional<ReferralRule> rule,
                           ReferralStore(*conn).FindRule(brand_id));
  if (!rule.has_value()) {
    return NotFoundError("the brand has no referral rule", "REFERRAL_RULE_NOT_FOUND");
  }
  return std::move(*rule);
}

Result<ReferralRule> ReferralService::PutRule(const org::Actor& actor, int64_t brand_id,
                                              const RuleInput& input, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kReferralWrite));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(brand_id, "brand_id"));
  MILEAGE_RETURN_IF_ERROR(ValidateRule(input));
  org::AuditRecord base;
  base.action = "referral_rule.put";
  base.object_type = "referral_rule";
  base.object_id = brand_id;
  ReferralRule written;
  const Status done =
      writer_.Run(actor, base, [&](db::Connection& conn, org::AuditRecord& record) -> Status {
        MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kReferralWrite,
                                                  org::NodePath::Brand(brand_id),
                                                  BrandLabel(brand_id)));
        for (const std::optional<int64_t>& stock :
             {input.referrer_stock_id, input.referee_stock_id}) {
          if (stock.has_value()) MILEAGE_RETURN_IF_ERROR(CheckStock(conn, brand_id, *stock, now));
        }
        ReferralStore store(conn);
        MILEAGE_ASSIGN_OR_RETURN(std::optional<ReferralRule> old, store.FindRule(brand_id, true));
        ReferralRule r;
        r.brand_id = brand_id;
        r.enabled = input.enabled;
        r.window_days = input.window_days;
        r.min_amount_fen = input.min_amount_fen;
        r.referrer_points = input.referrer_points;
        r.referee_points = input.referee_points;
        r.referrer_stock_id = input.referrer_stock_id;
        r.referee_stock_id = input.referee_stock_id;
        r.monthly_cap = input.monthly_cap;
        r.created_at = old.has_value() ? old->created_at : now;
        r.updated_at = now;
        MILEAGE_RETURN_IF_ERROR(store.PutRule(r));
        record.brand_id = brand_id;
        record.detail = Describe(r);
        written = std::move(r);
        return Status::Ok();
      });
  MILEAGE_RETURN_IF_ERROR(done);
  return written;
}

Result<PageOf<Referral>> ReferralService::List(const org::Actor& actor, int64_t brand_id,
                                               const ReferralFilter& filter,
                                               const PageRequest& page, int64_t now) {
  MILEAGE_RETURN_IF_ERROR(authorizer_.CheckRole(actor, org::Action::kReferralRead));
  MILEAGE_RETURN_IF_ERROR(ValidatePage(page));
  MILEAGE_RETURN_IF_ERROR(org::ValidateId(brand_id, "brand_id"));
  if (filter.referrer_member_id.has_value()) {
    MILEAGE_RETURN_IF_ERROR(org::ValidateId(*filter.referrer_member_id, "referrer_member_id"));
  }
  if (filter.referee_member_id.has_value()) {
    MILEAGE_RETURN_IF_ERROR(org::ValidateId(*filter.referee_member_id, "referee_member_id"));
  }
  MILEAGE_RETURN_IF_ERROR(authorizer_.Check(actor, org::Action::kReferralRead,
                                            org::NodePath::Brand(brand_id), BrandLabel(brand_id)));
  MILEAGE_ASSIGN_OR_RETURN(db::PooledConnection conn, db_.Acquire());
  return ReferralStore(*conn).OfBrand(brand_id, filter, page, now);
}

}  // namespace mileage::growth

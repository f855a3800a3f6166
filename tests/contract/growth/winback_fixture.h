#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "growth/winback_job.h"
#include "growth/winback_service.h"
#include "members/member_profile.h"
#include "members/member_store.h"
#include "tests/contract/coupons/coupons_fixture.h"

namespace mileage::growth {

using coupons::kDay;
using coupons::kNow;
using coupons::StatusOf;

// CouponsTest's two brands, staff and stocks with the win-back service as the App builds it,
// and helpers that give members visits, vehicles and consents through the members module's
// own paths (vehicles by a row, as the vehicle service would write it). Expected values in the
// tests are written out by hand.
class WinbackTest : public coupons::CouponsTest {
 protected:
  void SetUp() override {
    CouponsTest::SetUp();
    if (database_ == nullptr) return;
    service_ = std::make_unique<WinbackService>(db(), authorizer_, *writer_);
  }
  void TearDown() override {
    service_.reset();
    CouponsTest::TearDown();
  }

  // A paid visit of `fen` at `store` at `at`, recorded as the payment flow records it.
  void Visit(int64_t member, const org::NodePath& store, int64_t at, int64_t fen = 100) {
    COUPONS_ASSERT_OK(db::InTransaction(db(), [&](db::Connection& conn) -> Status {
      return members::MemberStore(conn, random_)
          .RecordPayment(member, fen, at, store.store_id, tiers_, at)
          .status();
    }));
  }
  // A member of `store`'s brand whose last visit was at `store` at `at`.
  int64_t Visited(const org::NodePath& store, int64_t at) {
    const int64_t m = NewMember(store);
    Visit(m, store, at);
    return m;
  }
  // A vehicle of the member bought on `date` ("YYYY-MM-DD"; nullopt: not known).
  void Vehicle(int64_t member, std::optional<std::string> date) {
    Result<db::PooledConnection> conn = db().Acquire();
    ASSERT_TRUE(conn.ok());
    const std::string plate = "plate-" + std::to_string(++vehicles_);
    Status inserted =
        (*conn)
            ->Exec(
                "INSERT INTO vehicles (member_id, brand_id, plate_hash, plate_sealed, "
                "plate_display, model, purchase_date, mileage_km, created_at, updated_at) "
                "SELECT id, brand_id, ?, 'sealed', 'A***1', 'X5', ?, 0, ?, ? FROM members "
                "WHERE id = ?",
                {db::Value(plate), date ? db::Value(*date) : db::Value(nullptr), db::Value(kNow),
                 db::Value(kNow), db::Value(member)})
            .status();
    ASSERT_TRUE(inserted.ok()) << inserted.ToString();
  }
  void Consent(int64_t member, bool granted) {
    members::MemberProfiles profiles(db(), clock_, random_);
    members::ProfileChange change;
    change.consents = {{members::ConsentKind::kMarketing, granted, "2026-01"}};
    COUPONS_ASSERT_OK(profiles.Update(member, change));
  }
  // Enables the rule of brand A with `stock` (none: message only) and `cooldown` days.
  void Enable(std::optional<int64_t> stock, int64_t cooldown = 90) {
    WinbackSettingsPatch patch;
    patch.enabled = true;
    patch.stock_id = stock;
    patch.cooldown_days = cooldown;
    COUPONS_ASSERT_OK(service_->UpdateSettings(admin_, patch, kNow));
  }
  Result<WinbackRun> Run(int64_t now, int64_t batch = 7) {
    return RunWinback(db(), tiers_, random_, now, batch);
  }
  int64_t Granted(int64_t now) {
    Result<WinbackRun> run = Run(now);
    EXPECT_TRUE(run.ok()) << run.status().ToString();
    return run.ok() ? run->granted : -1;
  }
  // The member ids of the whole drifting list `actor` sees at `now`, page by page.
  std::vector<int64_t> DriftingIds(const org::Actor& actor, int64_t now, DriftFilter filter = {}) {
    std::vector<int64_t> ids;
    for (int pages = 0; pages < 100; ++pages) {
      Result<DriftingPage> page = service_->Drifting(actor, filter, now);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) break;
      for (const DriftingOwner& o : page->items) ids.push_back(o.member.id);
      if (!page->next.has_value()) break;
      filter.after = page->next;
    }
    return ids;
  }
  std::unique_ptr<WinbackService> service_;
  int vehicles_ = 0;
};

}  // namespace mileage::growth

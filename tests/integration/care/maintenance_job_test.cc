// The maintenance reminder job over two simulated years: 1,000 vehicles with varied purchase
// dates and readings, service visits at service and other stores in between, a brand interval
// changed half-way, the job run once every simulated day. The expected due dates are computed
// here from the documented rule with std::chrono's calendar and a day-by-day search, not by
// care::NextServiceDue. Then the job racing itself. On SQLite and on MariaDB.
#include "care/maintenance_job.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/support/test_database.h"
#include "tests/support/together.h"

namespace mileage::testing {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

// 2027-01-01, the first simulated day (Beijing).
constexpr sys_days kDay0 = sys_days(std::chrono::year{2027} / 1 / 1);
constexpr int kDays = 730;
constexpr int kVehicles = 1000;
constexpr int kPairsFrom = 900;  // vehicles 900.. belong two by two to one member

// 08:00 Beijing on `day` (00:00 UTC): when visits and readings happen.
int64_t MorningOf(sys_days day) { return day.time_since_epoch().count() * 86400; }
// 20:00 Beijing: when the job runs.
int64_t EveningOf(sys_days day) { return MorningOf(day) + 12 * 3600; }

std::string Text(sys_days day) {
  const year_month_day ymd(day);
  char out[16];
  std::snprintf(out, sizeof(out), "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return out;
}

// `day` + `months`, the day clamped to the month's last.
sys_days PlusMonths(sys_days day, int months) {
  const year_month_day ymd(day);
  const year_month_day moved = ymd + std::chrono::months(months);
  if (moved.ok()) return sys_days(moved);
  return sys_days(
      std::chrono::year_month_day_last(moved.year(), std::chrono::month_day_last(moved.month())));
}

struct Interval {
  int months, km, first_months, first_km;
};

struct Car {
  int64_t id = 0;
  int64_t member = 0;
  std::string model;
  std::optional<sys_days> purchase;
  int64_t km = 0;
  sys_days read_on = kDay0;
  std::optional<sys_days> visit;
  int64_t visit_km = 0;
};

// The documented rule: the earlier of basis + months and the first day on which the average
// rate since the earliest known point reaches basis km + km; months on a tie.
std::optional<std::pair<sys_days, std::string>> ExpectedDue(const Car& car, const Interval& i) {
  if (!car.visit && !car.purchase) return std::nullopt;
  const sys_days basis = car.visit ? *car.visit : *car.purchase;
  const int64_t basis_km = car.visit ? car.visit_km : 0;
  const sys_days by_months = PlusMonths(basis, car.visit ? i.months : i.first_months);
  const sys_days start = car.purchase ? *car.purchase : basis;
  const int64_t start_km = car.purchase ? 0 : basis_km;
  const int64_t span_days = (car.read_on - start).count();
  const int64_t span_km = car.km - start_km;
  if (span_days > 0 && span_km > 0) {
    const int64_t target = basis_km + (car.visit ? i.km : i.first_km);
    for (sys_days d = start + days(1); d < by_months; d += days(1)) {
      if ((d - start).count() * span_km >= (target - start_km) * span_days) {
        return std::make_pair(d, std::string("km"));
      }
    }
  }
  return std::make_pair(by_months, std::string("months"));
}

class MaintenanceJobTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    db_ = TestDatabase::Open(GetParam(), 16);
    if (db_ == nullptr) return;
    Exec("INSERT INTO brands (id, name, active, created_at, updated_at) VALUES (1, 'B', 1, 0, 0)");
    Exec(
        "INSERT INTO regions (id, brand_id, name, active, created_at, updated_at) "
        "VALUES (1, 1, 'R', 1, 0, 0)");
    Exec(
        "INSERT INTO dealers (id, brand_id, region_id, name, active, created_at, updated_at) "
        "VALUES (1, 1, 1, 'D', 1, 0, 0)");
    // Store 1 is a service store, store 2 (a car wash, say) is not.
    Exec(
        "INSERT INTO stores (id, brand_id, region_id, dealer_id, name, active, created_at, "
        "updated_at, service) VALUES (1, 1, 1, 1, 'S', 1, 0, 0, 1), (2, 1, 1, 1, 'W', 1, 0, 0, 0)");
  }

  void Exec(const std::string& sql, std::vector<db::Value> params = {}) {
    Result<db::PooledConnection> conn = db_->db().Acquire();
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    Status done = (*conn)->Exec(sql, params).status();
    ASSERT_TRUE(done.ok()) << done.ToString() << "\n" << sql;
  }

  int64_t NewMember(int64_t n) {
    char number[16];
    std::snprintf(number, sizeof(number), "%012lld", static_cast<long long>(n));
    Exec(
        "INSERT INTO members (id, brand_id, number, tier, status, enrolled_via, created_at, "
        "updated_at) VALUES (?, 1, ?, 'silver', 'active', 'payment', 0, 0)",
        {db::Value(n), db::Value(std::string(number))});
    return n;
  }

  void AddVehicle(const Car& car, int64_t updated_at) {
    Exec(
        "INSERT INTO vehicles (id, member_id, brand_id, plate_hash, plate_sealed, plate_display, "
        "model, purchase_date, mileage_km, created_at, updated_at) "
        "VALUES (?, ?, 1, ?, 'sealed', ?, ?, ?, ?, ?, ?)",
        {db::Value(car.id), db::Value(car.member), db::Value("h" + std::to_string(car.id)),
         db::Value("P" + std::to_string(car.id)), db::Value(car.model),
         car.purchase ? db::Value(Text(*car.purchase)) : db::Value(nullptr), db::Value(car.km),
         db::Value(updated_at), db::Value(updated_at)});
  }

  // The owner reports `km` at `t`.
  void Read(const Car& car, int64_t t) {
    Exec("UPDATE vehicles SET mileage_km = ?, updated_at = ? WHERE id = ?",
         {db::Value(car.km), db::Value(t), db::Value(car.id)});
  }

  void Pay(int64_t member, int64_t store, int64_t t) {
    const std::string txid = "T" + std::to_string(++made_);
    Exec(
        "INSERT INTO payment_transactions (transaction_id, merchant_id, brand_id, region_id, "
        "dealer_id, store_id, mchid, appid, out_trade_no, payer_openid, amount_fen, "
        "payer_total_fen, paid_at, member_id, points_earned, rule_version, state, created_at) "
        "VALUES (?, 1, 1, 1, 1, ?, 'm', 'a', ?, 'o', 100, 100, ?, ?, 0, 1, 'paid', ?)",
        {db::Value(txid), db::Value(store), db::Value(txid), db::Value(t), db::Value(member),
         db::Value(t)});
  }

  void Redeem(int64_t member, int64_t store, int64_t t) {
    Exec(
        "INSERT INTO coupon_redemptions (brand_id, coupon_id, stock_id, member_id, region_id, "
        "dealer_id, store_id, request_id, order_amount_fen, discount_fen, created_at) "
        "VALUES (1, ?, 1, ?, 1, 1, ?, ?, 0, 0, ?)",
        {db::Value(++made_), db::Value(member), db::Value(store),
         db::Value("R" + std::to_string(made_)), db::Value(t)});
  }

  void CompleteAppointment(const Car& car, int64_t t) {
    Exec(
        "INSERT INTO care_appointments (brand_id, store_id, slot_id, starts_at, member_id, "
        "vehicle_id, service_type, state, created_at, updated_at, completed_at) "
        "VALUES (1, 1, ?, ?, ?, ?, 'maintenance', 'completed', ?, ?, ?)",
        {db::Value(++made_), db::Value(t - 3600), db::Value(car.member), db::Value(car.id),
         db::Value(t), db::Value(t), db::Value(t)});
  }

  void SetInterval(const std::string& model, const Interval& i, int64_t t) {
    Exec(
        "INSERT INTO service_intervals (brand_id, model, months, km, first_months, first_km, "
        "updated_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
        {db::Value(model), db::Value(int64_t{i.months}), db::Value(int64_t{i.km}),
         db::Value(int64_t{i.first_months}), db::Value(int64_t{i.first_km}), db::Value(t)});
    Exec("DELETE FROM service_interval_versions WHERE brand_id = 1");
    Exec("INSERT INTO service_interval_versions (brand_id, version) VALUES (1, ?)", {db::Value(t)});
  }

  std::set<std::pair<int64_t, std::string>> Reminders() {
    Result<db::PooledConnection> conn = db_->db().Acquire();
    EXPECT_TRUE(conn.ok());
    std::set<std::pair<int64_t, std::string>> out;
    if (!conn.ok()) return out;
    Result<std::vector<db::Row>> rows =
        (*conn)->Query("SELECT vehicle_id, due_date FROM maintenance_reminders");
    EXPECT_TRUE(rows.ok());
    if (!rows.ok()) return out;
    for (const db::Row& row : *rows) out.insert({row.Int(0), row.Text(1)});
    return out;
  }

  std::unique_ptr<TestDatabase> db_;
  int64_t made_ = 0;
};

TEST_P(MaintenanceJobTest, TwoYearsOfDailyRunsRemindEachDueDateExactlyOnce) {
  if (db_ == nullptr) return;
  const Interval built_in{6, 5000, 3, 3000};
  const Interval model_b{12, 10000, 6, 5000};
  const Interval model_c_later{4, 4000, 2, 2000};  // from day 365
  SetInterval("B", model_b, 1);

  std::vector<Car> cars(kVehicles);
  for (int i = 0; i < kVehicles; ++i) {
    Car& car = cars[i];
    car.id = i + 1;
    car.member = i < kPairsFrom ? i + 1 : kPairsFrom + 1 + (i - kPairsFrom) / 2;
    if (i < kPairsFrom || i % 2 == 0) NewMember(car.member);
    car.model = std::string(1, static_cast<char>('A' + i % 3));
    if (i % 17 != 0) car.purchase = kDay0 - days((i * 37) % 400);
    car.km = (i * 7919) % 20000;
    car.read_on = kDay0;
    AddVehicle(car, MorningOf(kDay0));
  }
  // Visit days: every 7th vehicle once, every 14th a second time 200 days later.
  std::map<int, std::vector<int>> visits_on;
  for (int i = 0; i < kVehicles; i += 7) {
    const int day = 30 + (i * 13) % 650;
    visits_on[day].push_back(i);
    if (i % 14 == 0 && day + 200 < kDays) visits_on[day + 200].push_back(i);
  }
  // Payments at the store that is not a service store: they change nothing.
  std::map<int, std::vector<int>> other_store_on;
  for (int i = 0; i < kPairsFrom; i += 11) other_store_on[(i * 3) % 700].push_back(i);

  auto interval_of = [&](const Car& car, int day) {
    if (car.model == "B") return model_b;
    if (car.model == "C" && day >= 365) return model_c_later;
    return built_in;
  };
  std::vector<std::optional<std::pair<sys_days, std::string>>> due(kVehicles);
  for (int i = 0; i < kVehicles; ++i) due[i] = ExpectedDue(cars[i], interval_of(cars[i], 0));

  std::set<std::pair<int64_t, std::string>> expected;
  int64_t reminded = 0;
  const auto started = std::chrono::steady_clock::now();
  for (int day = 0; day < kDays; ++day) {
    const sys_days today = kDay0 + days(day);
    const int64_t morning = MorningOf(today);
    if (day == 365) {
      SetInterval("C", model_c_later, morning);
      for (int i = 0; i < kVehicles; ++i) {
        if (cars[i].model == "C") due[i] = ExpectedDue(cars[i], interval_of(cars[i], day));
      }
    }
    for (int i : visits_on[day]) {
      Car& car = cars[i];
      car.km += 20 * day + 500;
      car.read_on = today;
      Read(car, morning);
      if (i >= kPairsFrom) {
        // Two vehicles: the appointment names this one; the payment names none and is not a
        // visit of either.
        CompleteAppointment(car, morning);
        Pay(car.member, 1, morning);
      } else if (i % 2 == 0) {
        Pay(car.member, 1, morning);
      } else {
        Redeem(car.member, 1, morning);
      }
      car.visit = today;
      car.visit_km = car.km;
      due[i] = ExpectedDue(car, interval_of(car, day));
    }
    for (int i : other_store_on[day]) Pay(cars[i].member, 2, morning);

    Result<int64_t> run = care::RunMaintenanceReminders(db_->db(), EveningOf(today), 200);
    ASSERT_TRUE(run.ok()) << "day " << day << ": " << run.status().ToString();
    reminded += *run;
    for (int i = 0; i < kVehicles; ++i) {
      if (due[i] && due[i]->first <= today + days(care::kMaintenanceHorizonDays)) {
        expected.insert({cars[i].id, Text(due[i]->first)});
      }
    }
  }
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started)
          .count();
  std::printf("[          ] %d daily runs over %d vehicles: %lld s, %zu reminders expected\n",
              kDays, kVehicles, static_cast<long long>(seconds), expected.size());

  const std::set<std::pair<int64_t, std::string>> got = Reminders();
  EXPECT_EQ(db_->Scalar("SELECT COUNT(*) FROM maintenance_reminders"),
            static_cast<int64_t>(got.size()))
      << "one row per (vehicle, due date)";
  EXPECT_GT(expected.size(), static_cast<size_t>(kVehicles));  // visits gave second due dates
  std::vector<std::pair<int64_t, std::string>> missing, extra;
  for (const auto& e : expected) {
    if (got.count(e) == 0) missing.push_back(e);
  }
  for (const auto& g : got) {
    if (expected.count(g) == 0) extra.push_back(g);
  }
  EXPECT_TRUE(missing.empty()) << missing.size() << " missing, first vehicle "
                               << missing.front().first << " " << missing.front().second;
  EXPECT_TRUE(extra.empty()) << extra.size() << " unexpected, first vehicle " << extra.front().first
                             << " " << extra.front().second;
  EXPECT_EQ(reminded, static_cast<int64_t>(got.size()));
  EXPECT_EQ(db_->Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'maintenance.due'"),
            static_cast<int64_t>(got.size()));
  // The visits the rule counts: every 7th vehicle's, once per visit, none at store 2 and no
  // payment of a member with two vehicles.
  int64_t visits = 0;
  for (const auto& [day, list] : visits_on) visits += static_cast<int64_t>(list.size());
  EXPECT_EQ(db_->Scalar("SELECT COUNT(*) FROM service_visits"), visits);
  EXPECT_EQ(db_->Scalar("SELECT COUNT(*) FROM service_visits WHERE store_id = 2"), 0);
  EXPECT_LT(seconds, 60);
}

TEST_P(MaintenanceJobTest, TwoJobsRacingWriteEachReminderOnce) {
  if (db_ == nullptr) return;
  constexpr int kCars = 300;
  for (int i = 0; i < kCars; ++i) {
    Car car;
    car.id = i + 1;
    car.member = NewMember(i + 1);
    car.model = "A";
    car.purchase = kDay0 - days(80 + i % 30);  // due (3 months) within the next two weeks
    car.km = 100;
    AddVehicle(car, MorningOf(kDay0));
  }
  const int64_t now = EveningOf(kDay0);
  int64_t done[3] = {0, 0, 0};
  RunTogether(3, [&](int t) {
    Result<int64_t> n = care::RunMaintenanceReminders(db_->db(), now, 50);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    done[t] = n.ok() ? *n : -1;
  });
  EXPECT_EQ(done[0] + done[1] + done[2], kCars);
  EXPECT_EQ(db_->Scalar("SELECT COUNT(*) FROM maintenance_reminders"), kCars);
  EXPECT_EQ(db_->Scalar("SELECT COUNT(DISTINCT vehicle_id) FROM maintenance_reminders"), kCars);
  EXPECT_EQ(db_->Scalar("SELECT COUNT(*) FROM outbox_events WHERE topic = 'maintenance.due'"),
            kCars);
  // Again, the next day: nothing new.
  Result<int64_t> again = care::RunMaintenanceReminders(db_->db(), now + 86400, 50);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(db_->Scalar("SELECT COUNT(*) FROM maintenance_reminders"), kCars);
}

TEST_P(MaintenanceJobTest, RefusesANonPositiveBatchAndStopsAtALostFence) {
  if (db_ == nullptr) return;
  EXPECT_EQ(care::RunMaintenanceReminders(db_->db(), EveningOf(kDay0), 0).status().code(),
            StatusCode::kInvalidArgument);
  Car car;
  car.id = 1;
  car.member = NewMember(1);
  car.model = "A";
  car.purchase = kDay0 - days(100);
  AddVehicle(car, MorningOf(kDay0));
  const db::Fence lost = [](db::Connection&) {
    return FailedPreconditionError("lease lost", "LEASE_LOST");
  };
  Result<int64_t> fenced = care::RunMaintenanceReminders(db_->db(), EveningOf(kDay0), 10, lost);
  EXPECT_EQ(fenced.status().reason(), "LEASE_LOST");
  EXPECT_EQ(db_->Scalar("SELECT COUNT(*) FROM maintenance_reminders"), 0);
  EXPECT_EQ(db_->Scalar("SELECT COUNT(*) FROM maintenance_due"), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, MaintenanceJobTest,
                         ::testing::Values(Backend::kSqlite, Backend::kMysql), BackendName);

}  // namespace
}  // namespace mileage::testing

-- Maintenance reminders (issue 15 part 2, care/; docs/OPERATIONS.md "Maintenance reminders").
--
-- stores.service: 1 marks a service store (a brand admin sets it with PUT
-- /api/console/stores/{id}/service): a payment or a coupon redemption there is a service visit.
ALTER TABLE stores ADD COLUMN service TINYINT NOT NULL DEFAULT 0;

-- A brand's service intervals: model '' is the brand's default, any other the exact model
-- text of its vehicles. A vehicle is due first_months / first_km after its purchase, then
-- months / km after each service visit.
CREATE TABLE service_intervals (
  brand_id BIGINT NOT NULL,
  model VARCHAR(64) NOT NULL,
  months INTEGER NOT NULL,
  km BIGINT NOT NULL,
  first_months INTEGER NOT NULL,
  first_km BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (brand_id, model)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Bumped with every change of a brand's intervals (in the same transaction), so the job
-- recomputes the due dates of the brand's vehicles.
CREATE TABLE service_interval_versions (
  brand_id BIGINT NOT NULL PRIMARY KEY,
  version BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- A service visit of a vehicle: a payment ('payment') or a coupon redemption ('redemption') at a
-- service store, or a completed appointment ('appointment'), recorded once per source row by
-- the job with the vehicle's reported mileage when it saw the visit.
CREATE TABLE service_visits (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  vehicle_id BIGINT NOT NULL,
  store_id BIGINT NOT NULL,
  source VARCHAR(12) NOT NULL,
  source_id BIGINT NOT NULL,
  visited_at BIGINT NOT NULL,
  mileage_km BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT service_visits_source UNIQUE (source, source_id),
  KEY service_visits_vehicle (vehicle_id, visited_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Each vehicle's next service due date ('YYYY-MM-DD' Beijing, NULL: none) and its reason
-- ('months' | 'km' | ''), with the inputs it was computed from (the vehicle's updated_at, its
-- number of visits, its brand's interval version): the job recomputes a row when they differ.
-- reminded: 1 once due_date has its reminder (reset when due_date changes).
CREATE TABLE maintenance_due (
  vehicle_id BIGINT NOT NULL PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  due_date VARCHAR(10) NULL,
  reason VARCHAR(8) NOT NULL,
  reminded TINYINT NOT NULL DEFAULT 0,
  vehicle_updated_at BIGINT NOT NULL,
  visit_count BIGINT NOT NULL,
  interval_version BIGINT NOT NULL,
  computed_at BIGINT NOT NULL,
  KEY maintenance_due_pending (reminded, due_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One reminder per vehicle and due date (the unique key makes "never twice" hold however many
-- jobs run). dismissed_at: the member dismissed the card notice.
CREATE TABLE maintenance_reminders (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  vehicle_id BIGINT NOT NULL,
  due_date VARCHAR(10) NOT NULL,
  reason VARCHAR(8) NOT NULL,
  created_at BIGINT NOT NULL,
  dismissed_at BIGINT NULL,
  CONSTRAINT maintenance_reminders_due UNIQUE (vehicle_id, due_date),
  KEY maintenance_reminders_member (member_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

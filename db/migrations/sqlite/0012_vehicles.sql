-- Members' vehicles (DESIGN.md section 4, docs/API.md "Vehicles"). Times are Unix seconds.
-- Plate and VIN are never stored in clear: `*_hash` is the hex HMAC-SHA256 of the normalised
-- text under a key derived from the data key (one key per kind; search and uniqueness),
-- `*_sealed` the FieldCipher copy bound to the owner (brand and member) and `*_display` the
-- masked text the console shows ("京A·***45", "LVS...4249"). The VIN is optional (all three
-- NULL). A plate is unique per brand; deleting a vehicle deletes its row (hard delete), so
-- every row is an active vehicle. purchase_date is a civil date "YYYY-MM-DD" or NULL.
CREATE TABLE vehicles (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  member_id BIGINT NOT NULL REFERENCES members (id),
  brand_id BIGINT NOT NULL REFERENCES brands (id),
  plate_hash VARCHAR(64) NOT NULL,
  plate_sealed VARCHAR(255) NOT NULL,
  plate_display VARCHAR(32) NOT NULL,
  vin_hash VARCHAR(64),
  vin_sealed VARCHAR(255),
  vin_display VARCHAR(32),
  model VARCHAR(64) NOT NULL,
  purchase_date VARCHAR(10),
  mileage_km BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT vehicles_plate UNIQUE (brand_id, plate_hash)
);
CREATE INDEX vehicles_member ON vehicles (member_id, id);
CREATE INDEX vehicles_vin ON vehicles (brand_id, vin_hash);

-- Each lowering of a vehicle's odometer reading, with the owner's reason (a reading only grows
-- otherwise). Deleted with its vehicle.
CREATE TABLE vehicle_mileage_corrections (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  vehicle_id BIGINT NOT NULL REFERENCES vehicles (id),
  from_km BIGINT NOT NULL,
  to_km BIGINT NOT NULL,
  reason VARCHAR(255) NOT NULL,
  corrected_at BIGINT NOT NULL
);
CREATE INDEX vehicle_mileage_corrections_vehicle ON vehicle_mileage_corrections (vehicle_id, id);

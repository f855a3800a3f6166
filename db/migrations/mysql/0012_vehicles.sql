-- Members' vehicles (DESIGN.md section 4, docs/API.md "Vehicles"). Times are Unix seconds.
-- Plate and VIN are never stored in clear: `*_hash` is the hex HMAC-SHA256 of the normalised
-- text under a key derived from the data key (one key per kind; search and uniqueness),
-- `*_sealed` the FieldCipher copy bound to the owner (brand and member) and `*_display` the
-- masked text the console shows ("京A·***45", "LVS...4249"). The VIN is optional (all three
-- NULL). A plate is unique per brand; deleting a vehicle deletes its row (hard delete), so
-- every row is an active vehicle. purchase_date is a civil date "YYYY-MM-DD" or NULL.
CREATE TABLE vehicles (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  member_id BIGINT NOT NULL,
  brand_id BIGINT NOT NULL,
  plate_hash VARCHAR(64) NOT NULL,
  plate_sealed VARCHAR(255) NOT NULL,
  plate_display VARCHAR(32) NOT NULL,
  vin_hash VARCHAR(64) NULL,
  vin_sealed VARCHAR(255) NULL,
  vin_display VARCHAR(32) NULL,
  model VARCHAR(64) NOT NULL,
  purchase_date VARCHAR(10) NULL,
  mileage_km BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT vehicles_plate UNIQUE (brand_id, plate_hash),
  KEY vehicles_member (member_id, id),
  KEY vehicles_vin (brand_id, vin_hash),
  FOREIGN KEY (member_id) REFERENCES members (id),
  FOREIGN KEY (brand_id) REFERENCES brands (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Each lowering of a vehicle's odometer reading, with the owner's reason (a reading only grows
-- otherwise). Deleted with its vehicle.
CREATE TABLE vehicle_mileage_corrections (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  vehicle_id BIGINT NOT NULL,
  from_km BIGINT NOT NULL,
  to_km BIGINT NOT NULL,
  reason VARCHAR(255) NOT NULL,
  corrected_at BIGINT NOT NULL,
  KEY vehicle_mileage_corrections_vehicle (vehicle_id, id),
  FOREIGN KEY (vehicle_id) REFERENCES vehicles (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

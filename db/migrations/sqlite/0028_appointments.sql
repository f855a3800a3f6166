-- Service appointments (issue 15 part 3, care/): a store's weekly schedule and closed days,
-- its bookable slots, the members' appointments, and the coupon a booking holds.
--
-- care_schedules: one per store. hours holds the opening hours Monday first, 7 items separated
-- by ',' each 'HH:MM-HH:MM' or '' (closed); slot_minutes is the length of a generated slot,
-- capacity its seats; service_types the offered types separated by ','; cutoff_minutes how long
-- before a slot's start a member may still reschedule or cancel.
CREATE TABLE care_schedules (
  store_id BIGINT NOT NULL PRIMARY KEY,
  brand_id BIGINT NOT NULL,
  hours VARCHAR(128) NOT NULL,
  slot_minutes INTEGER NOT NULL,
  capacity INTEGER NOT NULL,
  service_types VARCHAR(255) NOT NULL,
  cutoff_minutes INTEGER NOT NULL,
  updated_at BIGINT NOT NULL
);

-- The Beijing days ('YYYY-MM-DD') a store is closed: slot generation skips them.
CREATE TABLE care_holidays (
  store_id BIGINT NOT NULL,
  day VARCHAR(10) NOT NULL,
  PRIMARY KEY (store_id, day)
);

-- A bookable slot of a store. booked counts the live appointments in it; a booking is the
-- conditional UPDATE booked = booked + 1 WHERE booked < capacity, so capacity is never
-- exceeded (the CHECK says so too). One slot per store and start.
CREATE TABLE care_slots (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  store_id BIGINT NOT NULL,
  starts_at BIGINT NOT NULL,
  duration_s INTEGER NOT NULL,
  capacity INTEGER NOT NULL,
  booked INTEGER NOT NULL DEFAULT 0,
  service_types VARCHAR(255) NOT NULL,
  created_at BIGINT NOT NULL,
  CONSTRAINT care_slots_start UNIQUE (store_id, starts_at),
  CONSTRAINT care_slots_booked CHECK (booked >= 0 AND booked <= capacity)
);

-- A member's appointment. state 'booked' | 'checked_in' | 'completed' | 'cancelled'.
-- active_slot_id is slot_id while booked or checked_in and NULL otherwise: one live appointment
-- per member and slot. coupon_id is the attached coupon (reserved for 'appointment:<id>' until
-- the visit); redemption_id its redemption at completion. reminded_at is set once by the
-- reminder job (a conditional update), and cleared by a reschedule.
CREATE TABLE care_appointments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  store_id BIGINT NOT NULL,
  slot_id BIGINT NOT NULL,
  starts_at BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  vehicle_id BIGINT NOT NULL,
  service_type VARCHAR(32) NOT NULL,
  coupon_id BIGINT NULL,
  state VARCHAR(12) NOT NULL,
  active_slot_id BIGINT NULL,
  redemption_id BIGINT NULL,
  reminded_at BIGINT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  checked_in_at BIGINT NULL,
  completed_at BIGINT NULL,
  cancelled_at BIGINT NULL,
  CONSTRAINT care_appointments_member_slot UNIQUE (member_id, active_slot_id)
);
CREATE INDEX care_appointments_store_day ON care_appointments (store_id, starts_at);
CREATE INDEX care_appointments_member ON care_appointments (member_id, id);
CREATE INDEX care_appointments_due ON care_appointments (state, starts_at);

-- The appointment a coupon is held for ('appointment:<id>'), NULL when free: the counter's
-- redemption refuses a held coupon, the appointment's completion redeems it.
ALTER TABLE coupons ADD COLUMN reserved_for VARCHAR(64) NULL;

-- Store details for the mini-program's store list (issue 11; docs/API.md, "GET /api/mp/stores"):
-- address (0..255 characters), a contact phone or landline (0..32), opening hours as text
-- (0..128, "08:30-18:00"), and the position in GCJ-02 (the coordinates WeChat's maps use) as
-- integer microdegrees, both or neither (NULL: no position; distances are computed in C++).
-- '' means "not given" for the texts. The store list reads stores_brand (brand_id, id).
ALTER TABLE stores
  ADD COLUMN address VARCHAR(255) NOT NULL DEFAULT '',
  ADD COLUMN phone VARCHAR(32) NOT NULL DEFAULT '',
  ADD COLUMN hours VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN latitude_e6 BIGINT NULL,
  ADD COLUMN longitude_e6 BIGINT NULL,
  ADD CONSTRAINT stores_position_pair
    CHECK ((latitude_e6 IS NULL) = (longitude_e6 IS NULL));

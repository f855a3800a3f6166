-- The console's audit log filters (GET /api/console/audit): a brand admin looks up one action
-- (or every action of an object kind: a range of the action), one account's records, or one
-- object's history, newest first. 0003's (brand_id, id) index serves the unfiltered page and the
-- day range (created_at grows with id); these serve the three common filters as an index range
-- read backwards, without visiting the brand's other records. Audit rows are written once per
-- console write, so three more indexes cost little. One statement: the table is rebuilt once.
ALTER TABLE audit_log
  ADD KEY audit_log_brand_action (brand_id, action, id),
  ADD KEY audit_log_brand_staff (brand_id, staff_id, id),
  ADD KEY audit_log_brand_object (brand_id, object_type, object_id, id);

-- Cancelling a burn at a partner (issue 13; points/partner_points.h PartnerPoints::CancelBurn):
-- a burn may be cancelled within 30 minutes by the partner that made it. The cancel is a
-- journal of kind 'unspend' (member credited, the partner's partner_redeemed account debited)
-- that puts the points back into the very lots the burn took them from, and writes one
-- point_lot_uses row per lot with the NEGATED points of the burn's row (same lot, funder and
-- consumer), so that SUM(points) of point_lot_uses over (funder, consumer) nets a cancelled
-- burn out: settlement never reimburses it. cancel_journal_id 0 and cancelled_at 0: not
-- cancelled.
ALTER TABLE partner_redemptions ADD COLUMN cancel_journal_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE partner_redemptions ADD COLUMN cancelled_at BIGINT NOT NULL DEFAULT 0;

-- A partner's daily report (issue 13 item 7; points/partner_reports.h): each of its three
-- queries is a range scan of one partner's rows by created_at, grouped by Beijing day. The
-- member id rides in the earnings and redemptions indexes for the distinct-member count.
CREATE INDEX partner_earnings_day ON partner_earnings (partner_id, created_at, member_id);
CREATE INDEX partner_reversals_day ON partner_reversals (partner_id, created_at);
CREATE INDEX partner_redemptions_day ON partner_redemptions (partner_id, created_at, member_id);

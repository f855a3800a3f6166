-- WeChat subscribe messages (care/subscribe_*, docs/API.md "Subscribe messages", docs/OPERATIONS.md
-- "Subscribe messages"). Times are Unix seconds.
--
-- subscribe_templates: a brand's WeChat subscribe template (template_id, WeChat's tmplId) for an
-- outbox topic: its title shown to the member, whether the message is marketing (then it goes only
-- to members whose latest marketing consent is a grant), the mini-program page the card opens and
-- the field mapping "keyword=payload_field;..." ("thing1=service_type;time2=starts_at").
CREATE TABLE subscribe_templates (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  brand_id BIGINT NOT NULL,
  topic VARCHAR(64) NOT NULL,
  template_id VARCHAR(64) NOT NULL,
  title VARCHAR(255) NOT NULL,
  marketing INT NOT NULL,
  page VARCHAR(255) NOT NULL,
  fields VARCHAR(1024) NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CONSTRAINT subscribe_templates_template UNIQUE (brand_id, template_id)
);
CREATE INDEX subscribe_templates_topic ON subscribe_templates (brand_id, topic);

-- One-time grants a member gave in the mini-program (wx.requestSubscribeMessage "accept"), counted
-- per template and app (the session's appid: WeChat grants per openid, and an openid is per app).
-- A message consumes one with a conditional update (remaining > 0).
CREATE TABLE subscribe_grants (
  template_ref BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  appid VARCHAR(32) NOT NULL,
  remaining INT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (template_ref, member_id, appid)
);
CREATE INDEX subscribe_grants_member ON subscribe_grants (member_id);

-- One event's message by one template: 'pending' (next_attempt_at says when it is due), 'sent',
-- 'skipped' (reason no_consent, no_subscription, template_deleted) or 'failed' (reason refused,
-- no_openid, gave_up or WeChat's reason). grant_appid is the app of the grant the message holds
-- ('' before it took one): a retry sends with it and never takes a second. The unique key makes
-- the fan-out idempotent. outbox_events.messaged_at is set once the events' messages were created;
-- events older than this migration count as messaged.
CREATE TABLE subscribe_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id BIGINT NOT NULL,
  template_ref BIGINT NOT NULL,
  brand_id BIGINT NOT NULL,
  member_id BIGINT NOT NULL,
  state VARCHAR(16) NOT NULL,
  reason VARCHAR(64) NOT NULL DEFAULT '',
  grant_appid VARCHAR(32) NOT NULL DEFAULT '',
  attempts INT NOT NULL DEFAULT 0,
  first_attempt_at BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL DEFAULT 0,
  finished_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  CONSTRAINT subscribe_messages_event UNIQUE (event_id, template_ref)
);
CREATE INDEX subscribe_messages_due ON subscribe_messages (state, next_attempt_at);
CREATE INDEX subscribe_messages_member ON subscribe_messages (member_id, id);

ALTER TABLE outbox_events ADD COLUMN messaged_at BIGINT NOT NULL DEFAULT 0;
UPDATE outbox_events SET messaged_at = created_at WHERE messaged_at = 0;
CREATE INDEX outbox_events_unmessaged ON outbox_events (messaged_at, id);

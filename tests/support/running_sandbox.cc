#include "tests/support/running_sandbox.h"

#include "common/log.h"
#include "crypto/rsa.h"
#include "wechat/pay/signature.h"

namespace mileage::testing {
namespace {

std::string StringAt(const rapidjson::Value& object, const char* key) {
  if (!object.IsObject()) return {};
  auto it = object.FindMember(key);
  return it != object.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
}

rapidjson::Document Parse(const httplib::Result& result) {
  rapidjson::Document doc;
  if (!result) {
    ADD_FAILURE() << "sandbox request failed: " << httplib::to_string(result.error());
    return doc;
  }
  doc.Parse(result->body.c_str());
  if (doc.HasParseError()) {
    ADD_FAILURE() << "sandbox answered HTTP " << result->status << ": " << result->body;
  }
  return doc;
}

}  // namespace

bool Eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

RunningSandbox::RunningSandbox(
    const std::function<void(wechat::sandbox::SandboxConfig&)>& customize) {
  SetLogLevel(LogLevel::kError);
  wechat::sandbox::SandboxConfig config = wechat::sandbox::DefaultSandboxConfig();
  config.listen = ListenAddress{"127.0.0.1", 0};
  config.state_dir = (dir_.path() / "sandbox").string();
  config.retry_scale = 0.001;
  config.delivery_timeout_ms = 5000;
  // Each keep-alive connection holds a server thread: room for every client of a test.
  config.http_threads = 32;
  if (customize) customize(config);
  Result<std::unique_ptr<server::SandboxHost>> host =
      server::SandboxHost::Create(config, &clock_, &random_);
  if (!host.ok()) {
    ADD_FAILURE() << host.status().ToString();
    return;
  }
  Result<int> port = (*host)->Bind();
  if (!port.ok()) {
    ADD_FAILURE() << port.status().ToString();
    return;
  }
  host_ = std::move(host).value();
  port_ = *port;
  thread_ = std::thread([this] { host_->Serve(); });
  http_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  http_->set_read_timeout(std::chrono::seconds(30));
  wechat::client::ApiClientOptions options;
  options.api_base_url = url();
  options.pay_base_url = url();
  options.read_timeout = std::chrono::seconds(30);
  options.initial_backoff = std::chrono::milliseconds(5);
  api_ = MustOk(wechat::client::ApiClient::Create(options, random_));
}

RunningSandbox::~RunningSandbox() {
  // Close the keep-alive connections first, so the server need not wait for them to idle out.
  api_.reset();
  http_.reset();
  if (host_) {
    host_->Stop();
    thread_.join();
  }
}

rapidjson::Document RunningSandbox::GetJson(const std::string& path) {
  return Parse(http_->Get(path));
}

rapidjson::Document RunningSandbox::PostJson(const std::string& path, const std::string& body) {
  return Parse(http_->Post(path, body, "application/json"));
}

MerchantExport RunningSandbox::Export(const std::string& mchid) {
  rapidjson::Document doc = GetJson("/sandbox/merchants/" + mchid + "/export");
  MerchantExport out;
  if (!doc.IsObject()) return out;
  out.mchid = StringAt(doc, "mchid");
  out.appid = StringAt(doc, "appid");
  out.apiv3_key = StringAt(doc, "apiv3_key");
  out.certificate_serial = StringAt(doc["platform_certificate"], "serial");
  out.certificate_pem = StringAt(doc["platform_certificate"], "pem");
  out.public_key_id = StringAt(doc["wechatpay_public_key"], "id");
  out.public_key_pem = StringAt(doc["wechatpay_public_key"], "pem");
  out.merchant_serial = StringAt(doc["merchant_key"], "serial");
  out.merchant_private_key_pem = StringAt(doc["merchant_key"], "private_key_pem");
  return out;
}

DeliveryView RunningSandbox::Delivery(int64_t id) {
  rapidjson::Document doc = GetJson("/sandbox/deliveries/" + std::to_string(id));
  DeliveryView view;
  if (!doc.IsObject()) return view;
  view.kind = StringAt(doc, "kind");
  view.state = StringAt(doc, "state");
  view.notification_id = StringAt(doc, "notification_id");
  for (const auto& attempt : doc["attempts"].GetArray()) {
    view.statuses.push_back(attempt["http_status"].GetInt());
  }
  return view;
}

DeliveryView RunningSandbox::AwaitFinal(int64_t id) {
  DeliveryView view;
  EXPECT_TRUE(Eventually([&] {
    view = Delivery(id);
    return !view.state.empty() && view.state != "pending";
  })) << "delivery "
      << id << " is still " << view.state;
  return view;
}

std::unique_ptr<wechat::client::PayClient> RunningSandbox::PayClientFor(
    const MerchantExport& merchant) {
  Result<crypto::RsaPrivateKey> key =
      crypto::RsaPrivateKey::FromPem(merchant.merchant_private_key_pem);
  if (!key.ok()) {
    ADD_FAILURE() << key.status().ToString();
    return nullptr;
  }
  return std::make_unique<wechat::client::PayClient>(*api_, clock_, random_, merchant.mchid,
                                                     merchant.merchant_serial, *key,
                                                     KeysFor(merchant, true, true));
}

wechat::pay::PlatformKeys KeysFor(const MerchantExport& merchant, bool certificate,
                                  bool public_key) {
  wechat::pay::PlatformKeys keys;
  if (certificate) {
    Status added = keys.AddCertificatePem(merchant.certificate_pem);
    EXPECT_TRUE(added.ok()) << added.ToString();
  }
  if (public_key) {
    Status added = keys.AddPublicKeyPem(merchant.public_key_id, merchant.public_key_pem);
    EXPECT_TRUE(added.ok()) << added.ToString();
  }
  return keys;
}

Receiver::Receiver(wechat::pay::PlatformKeys keys, const std::string& apiv3_key)
    : keys_(std::move(keys)),
      apiv3_key_(wechat::pay::ApiV3Key::Create(apiv3_key).value()),
      policy_([](int) { return 204; }) {
  server_.Post("/notify", [this](const httplib::Request& req, httplib::Response& res) {
    wechat::pay::WechatpayHeaders headers{req.get_header_value(wechat::pay::kHeaderSerial),
                                          req.get_header_value(wechat::pay::kHeaderSignature),
                                          req.get_header_value(wechat::pay::kHeaderTimestamp),
                                          req.get_header_value(wechat::pay::kHeaderNonce)};
    Result<wechat::pay::Notification> verified =
        wechat::pay::VerifyNotification(keys_, apiv3_key_, headers, req.body, clock_.Now());
    std::lock_guard lock(mutex_);
    Received received;
    received.serial = headers.serial;
    if (!verified.ok()) {
      received.verification = verified.status();
      received.answered = 401;
    } else {
      received.notification = *verified;
      received.answered = policy_(verified_++);
    }
    res.status = received.answered;
    if (res.status >= 300) {
      res.set_content(R"({"code":"FAIL","message":"not accepted"})", "application/json");
    }
    received_.push_back(std::move(received));
  });
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

Receiver::~Receiver() {
  server_.stop();
  thread_.join();
}

void Receiver::set_policy(std::function<int(int)> policy) {
  std::lock_guard lock(mutex_);
  policy_ = std::move(policy);
}

std::vector<Receiver::Received> Receiver::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

size_t Receiver::count() const {
  std::lock_guard lock(mutex_);
  return received_.size();
}

}  // namespace mileage::testing

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "crypto/aes_gcm.h"
#include "crypto/base64.h"
#include "crypto/rsa.h"
#include "wechat/pay/notification.h"
#include "wechat/pay/notification_builder.h"
#include "wechat/pay/transaction.h"

namespace mileage::wechat::pay {
namespace {

constexpr int64_t kNow = 1'700'000'000;
constexpr char kSerial[] = "440024045C4A427599D09BB4E3DE0279F2E813FD";
constexpr size_t kTargetBodyBytes = 1024;

std::string ReadFile(const std::string& name) {
  std::ifstream in(std::string(MILEAGE_WECHAT_TESTDATA_DIR) + "/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", name.c_str());
    std::exit(1);
  }
  return out.str();
}

template <typename T>
T OrDie(Result<T> r) {
  if (!r.ok()) {
    std::fprintf(stderr, "setup failed: %s\n", r.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

// One signed notification of about 1 KiB, the platform keys that verify it and its APIv3 key.
struct Fixture {
  Fixture()
      : api_key(OrDie(ApiV3Key::Create("a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb"))),
        signing_key(
            OrDie(crypto::RsaPrivateKey::FromPem(ReadFile("java_wechat_pay_private_key.pem")))) {
    if (!keys.AddCertificatePem(ReadFile("java_wechat_pay_certificate.pem")).ok()) std::exit(1);
    Transaction t = OrDie(ParseTransaction(ReadFile("sample_transaction.json")));
    NotificationSpec spec{"EV-2018022511223320873",
                          "TRANSACTION.SUCCESS",
                          "支付成功",
                          "transaction",
                          "transaction",
                          "",
                          "encrypt-resource"};
    // Grow attach until the body is about 1 KiB, like a real notification with a promotion.
    TimePoint now{std::chrono::seconds(kNow)};
    for (size_t extra = 0;; extra += 3) {
      t.attach = "member-autoenroll:" + std::string(extra, 'x');
      spec.plaintext = SerializeTransaction(t);
      if (OrDie(BuildNotificationBody(spec, api_key, "0123456789ab", now)).size() >=
          kTargetBodyBytes) {
        break;
      }
    }
    mileage::OsRandom random;
    notification = OrDie(BuildNotification(spec, api_key, signing_key, kSerial, now, random));
    message = BuildSignatureMessage(notification.headers.timestamp, notification.headers.nonce,
                                    notification.body);
    signature = crypto::Base64Decode(notification.headers.signature).value();
  }

  ApiV3Key api_key;
  crypto::RsaPrivateKey signing_key;
  PlatformKeys keys;
  SignedNotification notification;
  std::string message;
  std::string signature;
};

const Fixture& GetFixture() {
  static const Fixture* fixture = new Fixture();
  return *fixture;
}

void BM_NotificationVerifyDecryptParse(benchmark::State& state) {
  const Fixture& f = GetFixture();
  TimePoint now{std::chrono::seconds(kNow)};
  for (auto _ : state) {
    Result<Notification> n =
        VerifyNotification(f.keys, f.api_key, f.notification.headers, f.notification.body, now);
    if (!n.ok()) state.SkipWithError("verification failed");
    Result<Transaction> t = ParseTransaction(n->plaintext);
    if (!t.ok()) state.SkipWithError("parse failed");
    benchmark::DoNotOptimize(t->amount.total);
  }
  state.counters["body_bytes"] = static_cast<double>(f.notification.body.size());
}
BENCHMARK(BM_NotificationVerifyDecryptParse);

void BM_Rsa2048VerifySha256(benchmark::State& state) {
  const Fixture& f = GetFixture();
  const crypto::RsaPublicKey& key = f.keys.keys().front().key;
  for (auto _ : state) {
    bool ok = key.VerifySha256(f.message, f.signature);
    if (!ok) state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(ok);
  }
}
BENCHMARK(BM_Rsa2048VerifySha256);

void BM_AesGcm256Decrypt1KiB(benchmark::State& state) {
  const Fixture& f = GetFixture();
  std::string nonce = "0123456789ab";
  std::string ciphertext =
      crypto::AesGcmEncrypt(f.api_key.bytes(), nonce, "transaction", std::string(1024, 'p'))
          .value();
  for (auto _ : state) {
    Result<std::string> plaintext =
        crypto::AesGcmDecrypt(f.api_key.bytes(), nonce, "transaction", ciphertext);
    if (!plaintext.ok()) state.SkipWithError("decrypt failed");
    benchmark::DoNotOptimize(plaintext->data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * 1024);
}
BENCHMARK(BM_AesGcm256Decrypt1KiB);

void BM_DecryptParseWithoutSignature(benchmark::State& state) {
  const Fixture& f = GetFixture();
  for (auto _ : state) {
    Result<Notification> n = DecryptNotificationBody(f.notification.body, f.api_key);
    Result<Transaction> t = ParseTransaction(n->plaintext);
    benchmark::DoNotOptimize(t->amount.total);
  }
}
BENCHMARK(BM_DecryptParseWithoutSignature);

}  // namespace
}  // namespace mileage::wechat::pay

BENCHMARK_MAIN();

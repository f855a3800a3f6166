#include "wechat/sandbox/sandbox_state.h"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/random_string.h"
#include "crypto/rsa.h"
#include "wechat/client/json_writer.h"
#include "wechat/internal/json_reader.h"
#include "wechat/pay/platform_keys.h"
#include "wechat/sandbox/key_material.h"

namespace mileage::wechat::sandbox {
namespace {

namespace fs = std::filesystem;
using client::JsonWriter;

constexpr char kPlatformFile[] = "platform.json";
constexpr char kSandboxFile[] = "sandbox.json";
constexpr char kMerchantsDir[] = "merchants";

Status CannotWrite(const std::string& path, int error) {
  return UnavailableError("cannot write " + path + ": " + std::strerror(error));
}

// Writes `content` to `path` with mode 0600 via a temporary file and rename.
Status WriteSecretFile(const fs::path& path, const std::string& content) {
  std::string tmp = path.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return CannotWrite(tmp, errno);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int error = errno;
      ::close(fd);
      return CannotWrite(tmp, error);
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return CannotWrite(tmp, errno);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return CannotWrite(path.string(), errno);
  return Status::Ok();
}

Status EnsureDirectory(const fs::path& dir) {
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return UnavailableError("cannot create " + dir.string() + ": " + error.message());
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, error);
  return Status::Ok();
}

// nullopt when the file does not exist; Internal when it exists but is not a JSON object.
Result<std::optional<rapidjson::Document>> ReadJsonFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::optional<rapidjson::Document>();
  std::ostringstream content;
  content << in.rdbuf();
  rapidjson::Document doc;
  if (!internal::ParseJsonObject(content.str(), doc)) {
    return InternalError(path.string() + " is corrupt (not a JSON object)");
  }
  return std::optional<rapidjson::Document>(std::move(doc));
}

std::string PlatformJson(const PlatformIdentity& p) {
  JsonWriter w;
  w.BeginObject();
  w.String("private_key_pem", p.private_key_pem);
  w.String("certificate_pem", p.certificate_pem);
  w.String("certificate_serial", p.certificate_serial);
  w.String("public_key_pem", p.public_key_pem);
  w.String("public_key_id", p.public_key_id);
  w.EndObject();
  return w.Take();
}

std::string MerchantJson(const MerchantState& m) {
  JsonWriter w;
  w.BeginObject();
  w.String("mchid", m.mchid);
  w.String("appid", m.appid);
  w.String("apiv3_key", m.apiv3_key);
  w.String("notify_url", m.notify_url);
  w.String("merchant_key_pem", m.merchant_key_pem);
  w.String("merchant_serial", m.merchant_serial);
  w.String("merchant_private_key_pem", m.merchant_private_key_pem);
  w.EndObject();
  return w.Take();
}

Result<PlatformIdentity> ParsePlatform(const rapidjson::Document& doc, const fs::path& path) {
  internal::ObjectReader r(doc);
  PlatformIdentity p;
  p.private_key_pem = r.RequiredString("private_key_pem");
  p.certificate_pem = r.RequiredString("certificate_pem");
  p.certificate_serial = r.RequiredString("certificate_serial");
  p.public_key_pem = r.RequiredString("public_key_pem");
  p.public_key_id = r.RequiredString("public_key_id");
  if (!r.ok()) return InternalError(path.string() + " is corrupt: " + r.error());
  return p;
}

Result<MerchantState> ParseMerchant(const rapidjson::Document& doc, const fs::path& path) {
  internal::ObjectReader r(doc);
  MerchantState m;
  m.mchid = r.RequiredString("mchid");
  m.appid = r.RequiredString("appid");
  m.apiv3_key = r.RequiredString("apiv3_key");
  m.notify_url = r.OptionalString("notify_url");
  m.merchant_key_pem = r.OptionalString("merchant_key_pem");
  m.merchant_serial = r.OptionalString("merchant_serial");
  m.merchant_private_key_pem = r.OptionalString("merchant_private_key_pem");
  if (!r.ok()) return InternalError(path.string() + " is corrupt: " + r.error());
  return m;
}

std::string RandomDigits(RandomSource& random, size_t count) {
  std::vector<uint8_t> bytes(count);
  random.Fill(bytes);
  std::string out;
  for (uint8_t b : bytes) out += static_cast<char>('0' + b % 10);
  return out;
}

Result<PlatformIdentity> NewPlatform(const Clock& clock, RandomSource& random) {
  MILEAGE_ASSIGN_OR_RETURN(GeneratedKey key, GenerateRsaKey());
  PlatformIdentity p;
  p.private_key_pem = key.private_key_pem;
  p.public_key_pem = key.public_key_pem;
  p.certificate_serial = RandomCertificateSerial(random);
  TimePoint now = clock.Now();
  MILEAGE_ASSIGN_OR_RETURN(
      p.certificate_pem,
      SelfSignedCertificatePem(key.private_key_pem, "Mileage WeChat Pay sandbox platform",
                               p.certificate_serial, now - std::chrono::hours(24),
                               now + std::chrono::hours(24 * 365 * 5)));
  p.public_key_id = std::string(pay::kPublicKeyIdPrefix) + "01" + RandomDigits(random, 26);
  return p;
}

// Fills the merchant key of `m` from the configuration, else keeps a stored one, else generates.
Status ResolveMerchantKey(const SandboxMerchantConfig& config, MerchantState& m,
                          RandomSource& random) {
  if (!config.merchant_key_pem.empty()) {
    m.merchant_key_pem = config.merchant_key_pem;
    m.merchant_private_key_pem.clear();
    m.merchant_serial = config.merchant_serial;
    if (config.merchant_key_pem.find("BEGIN CERTIFICATE") != std::string::npos) {
      Result<crypto::Certificate> cert = crypto::ParseCertificatePem(config.merchant_key_pem);
      if (!cert.ok()) {
        return InvalidArgumentError("merchant " + m.mchid +
                                    ": merchant_key_file: " + cert.status().message());
      }
      if (m.merchant_serial.empty()) m.merchant_serial = cert->serial;
    } else if (Result<crypto::RsaPublicKey> key =
                   crypto::RsaPublicKey::FromPem(config.merchant_key_pem);
               !key.ok()) {
      return InvalidArgumentError("merchant " + m.mchid +
                                  ": merchant_key_file: " + key.status().message());
    }
    return Status::Ok();
  }
  if (!m.merchant_private_key_pem.empty()) return Status::Ok();
  MILEAGE_ASSIGN_OR_RETURN(GeneratedKey key, GenerateRsaKey());
  m.merchant_private_key_pem = key.private_key_pem;
  m.merchant_key_pem = key.public_key_pem;
  m.merchant_serial = RandomCertificateSerial(random);
  return Status::Ok();
}

}  // namespace

Result<SandboxState> LoadOrCreateState(const SandboxConfig& config, const Clock& clock,
                                       RandomSource& random) {
  fs::path dir(config.state_dir);
  MILEAGE_RETURN_IF_ERROR(EnsureDirectory(dir));
  MILEAGE_RETURN_IF_ERROR(EnsureDirectory(dir / kMerchantsDir));
  SandboxState state;
  state.key_mode = config.key_mode;
  JsonWriter mode;
  mode.BeginObject();
  mode.String("key_mode", KeyModeName(config.key_mode));
  mode.EndObject();
  MILEAGE_RETURN_IF_ERROR(WriteSecretFile(dir / kSandboxFile, mode.Take()));

  MILEAGE_ASSIGN_OR_RETURN(std::optional<rapidjson::Document> platform,
                           ReadJsonFile(dir / kPlatformFile));
  if (platform) {
    MILEAGE_ASSIGN_OR_RETURN(state.platform, ParsePlatform(*platform, dir / kPlatformFile));
  } else {
    MILEAGE_ASSIGN_OR_RETURN(state.platform, NewPlatform(clock, random));
    MILEAGE_RETURN_IF_ERROR(WriteSecretFile(dir / kPlatformFile, PlatformJson(state.platform)));
  }

  for (const SandboxMerchantConfig& mc : config.merchants) {
    fs::path path = dir / kMerchantsDir / (mc.mchid + ".json");
    MILEAGE_ASSIGN_OR_RETURN(std::optional<rapidjson::Document> stored, ReadJsonFile(path));
    MerchantState m;
    if (stored) {
      MILEAGE_ASSIGN_OR_RETURN(m, ParseMerchant(*stored, path));
    }
    m.mchid = mc.mchid;
    m.appid = mc.appid;
    m.notify_url = mc.notify_url;
    if (!mc.apiv3_key.empty()) {
      m.apiv3_key = mc.apiv3_key;
    } else if (m.apiv3_key.size() != 32) {
      m.apiv3_key = crypto::RandomAlphanumeric(random, 32);
    }
    MILEAGE_RETURN_IF_ERROR(ResolveMerchantKey(mc, m, random));
    MILEAGE_RETURN_IF_ERROR(WriteSecretFile(path, MerchantJson(m)));
    state.merchants.push_back(std::move(m));
  }
  return state;
}

Result<SandboxState> ReadMerchantState(const std::string& state_dir, std::string_view mchid) {
  fs::path dir(state_dir);
  SandboxState state;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<rapidjson::Document> platform,
                           ReadJsonFile(dir / kPlatformFile));
  if (!platform) return NotFoundError("no sandbox state in " + state_dir);
  MILEAGE_ASSIGN_OR_RETURN(state.platform, ParsePlatform(*platform, dir / kPlatformFile));
  MILEAGE_ASSIGN_OR_RETURN(std::optional<rapidjson::Document> mode,
                           ReadJsonFile(dir / kSandboxFile));
  if (mode) {
    internal::ObjectReader r(*mode);
    std::string name = r.OptionalString("key_mode");
    if (name == "certificate") state.key_mode = KeyMode::kCertificate;
    if (name == "public_key") state.key_mode = KeyMode::kPublicKey;
  }
  std::string file = std::string(mchid) + ".json";
  if (mchid.empty() || mchid.find_first_not_of("0123456789") != std::string_view::npos) {
    return NotFoundError("no merchant " + std::string(mchid) + " in " + state_dir);
  }
  fs::path path = dir / kMerchantsDir / file;
  MILEAGE_ASSIGN_OR_RETURN(std::optional<rapidjson::Document> merchant, ReadJsonFile(path));
  if (!merchant) return NotFoundError("no merchant " + std::string(mchid) + " in " + state_dir);
  MILEAGE_ASSIGN_OR_RETURN(MerchantState m, ParseMerchant(*merchant, path));
  state.merchants.push_back(std::move(m));
  return state;
}

std::string ExportJson(const PlatformIdentity& platform, const MerchantState& merchant,
                       KeyMode key_mode) {
  JsonWriter w;
  w.BeginObject();
  w.String("mchid", merchant.mchid);
  w.String("appid", merchant.appid);
  w.String("apiv3_key", merchant.apiv3_key);
  w.String("notify_url", merchant.notify_url);
  w.String("key_mode", KeyModeName(key_mode));
  w.BeginObject("platform_certificate");
  w.String("serial", platform.certificate_serial);
  w.String("pem", platform.certificate_pem);
  w.EndObject();
  w.BeginObject("wechatpay_public_key");
  w.String("id", platform.public_key_id);
  w.String("pem", platform.public_key_pem);
  w.EndObject();
  w.BeginObject("merchant_key");
  w.String("serial", merchant.merchant_serial);
  if (!merchant.merchant_private_key_pem.empty()) {
    w.String("private_key_pem", merchant.merchant_private_key_pem);
  }
  w.EndObject();
  w.EndObject();
  return w.Take();
}

}  // namespace mileage::wechat::sandbox

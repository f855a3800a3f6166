#include "server/admin/admin_command.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>

#include "common/log.h"
#include "members/member_accounts.h"
#include "members/member_sessions.h"
#include "org/org_module.h"
#include "org/validation.h"
#include "server/admin/certificate_fetch.h"
#include "server/config_loader.h"
#include "server/operator_context.h"

namespace mileage::server {

const char* const kAdminUsage = R"(Usage: mileage admin <command> [--config FILE] [options]

Operator tools for setting up a deployment. Each prints the new id alone on stdout.
  create-brand   --name NAME
  create-region  --brand ID --name NAME
  create-dealer  --region ID --name NAME
  create-store   --dealer ID --name NAME
  create-user    --username USER --role ROLE --scope-type brand|region|dealer|store
                 --scope-id ID [--password-file FILE]
                 ROLE: brand_admin, region_manager, dealer_manager, store_clerk, analyst.
                 The password comes from FILE, or else from standard input; never argv.
  add-app        --brand ID --appid APPID --kind miniprogram|official_account|app --name NAME
                 [--secret-file FILE]
  add-miniprogram --brand ID --appid APPID --secret-file FILE [--name NAME]
                 a mini-program with its AppSecret (what member login needs); for an appid
                 that is already a mini-program of the brand, replaces its secret
  list-apps      --brand ID      (prints "id appid kind active|inactive name" per app)
  deactivate-app --appid APPID   reactivate-app --appid APPID
  add-merchant   --store ID --mchid MCHID --appid APPID --apiv3-key-file FILE
                 --platform-key SERIAL=PEM_FILE [--platform-key SERIAL=PEM_FILE ...]
                 APPID must be an active app of the store's brand (add-app first).
  add-platform-key    --merchant MCHID --platform-key SERIAL=PEM_FILE [...]
  retire-platform-key --merchant MCHID --serial SERIAL
  deactivate-merchant --merchant MCHID   reactivate-merchant --merchant MCHID
  fetch-platform-certificates --merchant MCHID --merchant-key-file PEM --merchant-serial SERIAL
                 downloads the platform certificates from wechat_pay_base_url's
                 /v3/certificates and adds the new ones (prints "added|known|skipped SERIAL")
  set-merchant-api-key --merchant MCHID --merchant-key-file PEM --merchant-serial SERIAL
                 the merchant's API private key (RSA, PEM) and its certificate serial (hex),
                 what Mileage creates JSAPI orders and signs wx.requestPayment with; sealed
                 with the data key; running it again replaces the key (rotation)
The merchant and app commands print the merchant's or app's id. Keys and secrets are read from
files only. A running service sees key and merchant changes made here within 60 s.
  reset-password --staff ID [--password-file FILE]
                 A new password (from FILE or standard input) ends the account's sessions.
  deactivate-user   --staff ID    (never the brand's last active brand admin)
  reactivate-user   --staff ID
  deactivate-partner --partner ID  (its API key stops working)
  reactivate-partner --partner ID
  suspend-member    --member ID   (ends the member's sessions; a running service refuses them
                                   within 5 s)
  reactivate-member --member ID
The account commands print the account's, partner's or member's id.
)";

namespace {

// The options of one command: each flag once, --platform-key any number of times.
struct AdminArgs {
  std::string command;
  std::string config_path;
  std::map<std::string, std::string> options;
  std::vector<std::string> platform_keys;
};

struct UsageError {
  std::string message;
};

const std::map<std::string, std::vector<std::string>>& CommandOptions() {
  static const auto* kOptions = new std::map<std::string, std::vector<std::string>>{
      {"create-brand", {"name"}},
      {"create-region", {"brand", "name"}},
      {"create-dealer", {"region", "name"}},
      {"create-store", {"dealer", "name"}},
      {"create-user", {"username", "role", "scope-type", "scope-id", "password-file"}},
      {"add-merchant", {"store", "mchid", "appid", "apiv3-key-file", "platform-key"}},
      {"add-app", {"brand", "appid", "kind", "name", "secret-file"}},
      {"add-miniprogram", {"brand", "appid", "secret-file", "name"}},
      {"list-apps", {"brand"}},
      {"deactivate-app", {"appid"}},
      {"reactivate-app", {"appid"}},
      {"add-platform-key", {"merchant", "platform-key"}},
      {"retire-platform-key", {"merchant", "serial"}},
      {"deactivate-merchant", {"merchant"}},
      {"reactivate-merchant", {"merchant"}},
      {"fetch-platform-certificates", {"merchant", "merchant-key-file", "merchant-serial"}},
      {"set-merchant-api-key", {"merchant", "merchant-key-file", "merchant-serial"}},
      {"reset-password", {"staff", "password-file"}},
      {"deactivate-user", {"staff"}},
      {"reactivate-user", {"staff"}},
      {"deactivate-partner", {"partner"}},
      {"reactivate-partner", {"partner"}},
      {"suspend-member", {"member"}},
      {"reactivate-member", {"member"}},
  };
  return *kOptions;
}

bool IsOptional(const std::string& command, const std::string& option) {
  if (command == "add-miniprogram") return option == "name";
  return option == "password-file" || option == "platform-key" || option == "secret-file";
}

std::optional<UsageError> ParseAdminArgs(const std::vector<std::string>& args, AdminArgs* out) {
  if (args.empty()) return UsageError{"no admin command given"};
  out->command = args[0];
  auto known = CommandOptions().find(out->command);
  if (known == CommandOptions().end()) return UsageError{"unknown admin command " + args[0]};
  for (size_t i = 1; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg.rfind("--", 0) != 0) return UsageError{"unexpected argument " + arg};
    std::string name = arg.substr(2);
    std::string value;
    size_t equals = name.find('=');
    if (equals != std::string::npos) {
      value = name.substr(equals + 1);
      name = name.substr(0, equals);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return UsageError{"--" + name + " needs a value"};
    }
    if (name == "config") {
      out->config_path = value;
      continue;
    }
    const std::vector<std::string>& allowed = known->second;
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return UsageError{"unknown option --" + name + " for " + out->command};
    }
    if (name == "platform-key") {
      out->platform_keys.push_back(value);
    } else if (!out->options.emplace(name, value).second) {
      return UsageError{"--" + name + " is given twice"};
    }
  }
  for (const std::string& option : known->second) {
    if (!IsOptional(out->command, option) && out->options.count(option) == 0) {
      return UsageError{out->command + " needs --" + option};
    }
  }
  if ((out->command == "add-merchant" || out->command == "add-platform-key") &&
      out->platform_keys.empty()) {
    return UsageError{out->command + " needs at least one --platform-key SERIAL=PEM_FILE"};
  }
  return std::nullopt;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgumentError("cannot read " + path);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string TrimNewlines(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

Result<int64_t> IdOption(const AdminArgs& args, const std::string& name) {
  return org::ParseId(args.options.at(name), "--" + name);
}

Result<int64_t> CreateNode(org::OrgModule& org, const AdminArgs& args, org::NodeType type,
                           const char* parent_option) {
  const org::Actor actor = org::Actor::System("cli");
  if (type == org::NodeType::kBrand) {
    MILEAGE_ASSIGN_OR_RETURN(org::Node brand,
                             org.hierarchy().CreateBrand(actor, args.options.at("name")));
    return brand.path.id();
  }
  MILEAGE_ASSIGN_OR_RETURN(int64_t parent, IdOption(args, parent_option));
  MILEAGE_ASSIGN_OR_RETURN(org::Node node,
                           org.hierarchy().Create(actor, type, parent, args.options.at("name")));
  return node.path.id();
}

// The password of --password-file, or else standard input, without its trailing newline.
Result<std::string> ReadPassword(const AdminArgs& args, std::istream& in) {
  std::string password;
  auto file = args.options.find("password-file");
  if (file != args.options.end()) {
    MILEAGE_ASSIGN_OR_RETURN(password, ReadFile(file->second));
  } else {
    password.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  return TrimNewlines(std::move(password));
}

Result<int64_t> CreateUser(org::OrgModule& org, const AdminArgs& args, std::istream& in) {
  org::NewStaff staff;
  staff.username = args.options.at("username");
  staff.role = args.options.at("role");
  staff.scope_type = args.options.at("scope-type");
  MILEAGE_ASSIGN_OR_RETURN(staff.scope_id, IdOption(args, "scope-id"));
  MILEAGE_ASSIGN_OR_RETURN(staff.password, ReadPassword(args, in));
  MILEAGE_ASSIGN_OR_RETURN(org::Staff created,
                           org.staff().Create(org::Actor::System("cli"), staff));
  return created.id;
}

// The --platform-key SERIAL=PEM_FILE options, read.
Result<std::vector<org::PlatformKey>> PlatformKeyOptions(const AdminArgs& args) {
  std::vector<org::PlatformKey> keys;
  for (const std::string& spec : args.platform_keys) {
    size_t equals = spec.find('=');
    if (equals == std::string::npos || equals == 0 || equals + 1 == spec.size()) {
      return InvalidArgumentError("--platform-key must be SERIAL=PEM_FILE, got " + spec);
    }
    org::PlatformKey platform_key;
    platform_key.serial = spec.substr(0, equals);
    MILEAGE_ASSIGN_OR_RETURN(platform_key.pem, ReadFile(spec.substr(equals + 1)));
    keys.push_back(std::move(platform_key));
  }
  return keys;
}

Result<int64_t> AddMerchant(org::OrgModule& org, const AdminArgs& args) {
  MILEAGE_ASSIGN_OR_RETURN(int64_t store, IdOption(args, "store"));
  org::NewMerchant merchant;
  merchant.mchid = args.options.at("mchid");
  merchant.appid = args.options.at("appid");
  MILEAGE_ASSIGN_OR_RETURN(std::string key, ReadFile(args.options.at("apiv3-key-file")));
  merchant.apiv3_key = TrimNewlines(std::move(key));
  MILEAGE_ASSIGN_OR_RETURN(merchant.platform_keys, PlatformKeyOptions(args));
  MILEAGE_ASSIGN_OR_RETURN(org::Merchant created,
                           org.merchants().Create(org::Actor::System("cli"), store, merchant));
  return created.id;
}

// The app secret of --secret-file without its trailing newline; "" without the option.
Result<std::string> SecretOption(const AdminArgs& args) {
  auto file = args.options.find("secret-file");
  if (file == args.options.end()) return std::string();
  MILEAGE_ASSIGN_OR_RETURN(std::string secret, ReadFile(file->second));
  secret = TrimNewlines(std::move(secret));
  if (secret.empty()) return InvalidArgumentError("the secret file " + file->second + " is empty");
  return secret;
}

// add-app, and add-miniprogram (a mini-program with its secret, or a new secret for one).
Result<int64_t> AddApp(org::OrgModule& org, const AdminArgs& args) {
  MILEAGE_ASSIGN_OR_RETURN(int64_t brand, IdOption(args, "brand"));
  const bool miniprogram = args.command == "add-miniprogram";
  auto name = args.options.find("name");
  org::NewBrandApp app{args.options.at("appid"),
                       miniprogram ? "miniprogram" : args.options.at("kind"),
                       name != args.options.end() ? name->second : "", ""};
  MILEAGE_ASSIGN_OR_RETURN(app.secret, SecretOption(args));
  const org::Actor actor = org::Actor::System("cli");
  MILEAGE_ASSIGN_OR_RETURN(org::BrandApp done,
                           miniprogram ? org.apps().RegisterMiniProgram(actor, brand, app)
                                       : org.apps().Create(actor, brand, app));
  return done.id;
}

// suspend-member, reactivate-member.
Result<int64_t> SetMemberSuspended(OperatorContext& context, const AdminArgs& args) {
  MILEAGE_ASSIGN_OR_RETURN(int64_t id, IdOption(args, "member"));
  // The command's Kv is its own: a running service learns of the change from the database
  // (MemberSessionTruth's cache bound), as it does of every operator change.
  members::MemberSessionTruth truth(context.db(), context.kv(), context.clock(),
                                    std::chrono::milliseconds(0),
                                    members::MemberSessionOptions{}.max_age);
  members::MemberAccounts accounts(context.db(), context.random(), context.org().writer(), truth);
  MILEAGE_ASSIGN_OR_RETURN(
      members::Member member,
      accounts.SetSuspended(org::Actor::System("cli"), id, args.command == "suspend-member"));
  return member.id;
}

// One line per app of the brand: "id appid kind active|inactive name".
Result<std::string> ListApps(org::OrgModule& org, const AdminArgs& args) {
  MILEAGE_ASSIGN_OR_RETURN(int64_t brand, IdOption(args, "brand"));
  std::string out;
  for (int64_t page = 1;; ++page) {
    MILEAGE_ASSIGN_OR_RETURN(PageOf<org::BrandApp> apps,
                             org.apps().List(org::Actor::System("cli"), brand, {page, 200}));
    for (const org::BrandApp& app : apps.items) {
      out += std::to_string(app.id) + " " + app.appid + " " +
             std::string(org::AppKindName(app.kind)) + " " + (app.active ? "active" : "inactive") +
             " " + app.name + "\n";
    }
    if (page * 200 >= apps.total) break;
  }
  return out;
}

Result<int64_t> SetAppActive(org::OrgModule& org, const AdminArgs& args, bool active) {
  const org::Actor actor = org::Actor::System("cli");
  MILEAGE_ASSIGN_OR_RETURN(org::BrandApp app,
                           org.apps().GetByAppid(actor, args.options.at("appid")));
  MILEAGE_ASSIGN_OR_RETURN(org::BrandApp changed, org.apps().SetActive(actor, app.id, active));
  return changed.id;
}

// The merchant --merchant MCHID names, then `change` on its id.
Result<int64_t> ChangeMerchant(
    org::OrgModule& org, const AdminArgs& args,
    const std::function<Result<org::Merchant>(const org::Actor&, int64_t)>& change) {
  const org::Actor actor = org::Actor::System("cli");
  MILEAGE_ASSIGN_OR_RETURN(org::Merchant merchant,
                           org.merchants().GetByMchid(actor, args.options.at("merchant")));
  MILEAGE_ASSIGN_OR_RETURN(org::Merchant changed, change(actor, merchant.id));
  return changed.id;
}

Result<int64_t> AddPlatformKeys(org::OrgModule& org, const AdminArgs& args) {
  MILEAGE_ASSIGN_OR_RETURN(std::vector<org::PlatformKey> keys, PlatformKeyOptions(args));
  return ChangeMerchant(org, args, [&](const org::Actor& actor, int64_t id) {
    Result<org::Merchant> merchant = InvalidArgumentError("no --platform-key");
    for (const org::PlatformKey& key : keys) {
      merchant = org.merchants().AddPlatformKey(actor, id, key.serial, key.pem);
      if (!merchant.ok()) return merchant;
    }
    return merchant;
  });
}

Result<int64_t> SetMerchantApiKey(org::OrgModule& org, const AdminArgs& args) {
  MILEAGE_ASSIGN_OR_RETURN(std::string pem, ReadFile(args.options.at("merchant-key-file")));
  MILEAGE_ASSIGN_OR_RETURN(
      org::Merchant merchant,
      org.merchants().SetApiKey(org::Actor::System("cli"), args.options.at("merchant"),
                                args.options.at("merchant-serial"), pem));
  return merchant.id;
}

Result<std::string> FetchCertificates(OperatorContext& context, const AdminArgs& args) {
  MILEAGE_ASSIGN_OR_RETURN(crypto::RsaPrivateKey key,
                           ReadMerchantKeyFile(args.options.at("merchant-key-file")));
  MILEAGE_ASSIGN_OR_RETURN(std::unique_ptr<wechat::client::ApiClient> api, context.OpenWechatApi());
  MILEAGE_ASSIGN_OR_RETURN(
      FetchedCertificates fetched,
      FetchPlatformCertificates(context.org().merchants(), org::Actor::System("cli"), *api,
                                context.clock(), context.random(), args.options.at("merchant"),
                                args.options.at("merchant-serial"), key));
  std::string out;
  for (const std::string& serial : fetched.added) out += "added " + serial + "\n";
  for (const std::string& serial : fetched.known) out += "known " + serial + "\n";
  for (const std::string& serial : fetched.skipped) out += "skipped " + serial + "\n";
  return out;
}

// reset-password, deactivate-user, reactivate-user, deactivate-partner, reactivate-partner.
Result<int64_t> ManageAccount(org::OrgModule& org, const AdminArgs& args, std::istream& in) {
  const org::Actor actor = org::Actor::System("cli");
  const std::string& command = args.command;
  if (command == "deactivate-partner" || command == "reactivate-partner") {
    MILEAGE_ASSIGN_OR_RETURN(int64_t id, IdOption(args, "partner"));
    MILEAGE_ASSIGN_OR_RETURN(org::Partner partner, command == "deactivate-partner"
                                                       ? org.partners().Deactivate(actor, id)
                                                       : org.partners().Reactivate(actor, id));
    return partner.id;
  }
  MILEAGE_ASSIGN_OR_RETURN(int64_t id, IdOption(args, "staff"));
  Result<org::Staff> staff = InternalError("unknown account command " + command);
  if (command == "reset-password") {
    MILEAGE_ASSIGN_OR_RETURN(std::string password, ReadPassword(args, in));
    staff = org.staff().ResetPassword(actor, id, password);
  } else if (command == "deactivate-user") {
    staff = org.staff().Deactivate(actor, id);
  } else if (command == "reactivate-user") {
    staff = org.staff().Reactivate(actor, id);
  }
  if (!staff.ok()) return staff.status();
  return staff->id;
}

// What the command prints: the new or changed object's id, or its listing.
Result<std::string> Execute(OperatorContext& context, const AdminArgs& args, std::istream& in) {
  org::OrgModule& org = context.org();
  const std::string& command = args.command;
  const auto id = [](Result<int64_t> result) -> Result<std::string> {
    if (!result.ok()) return result.status();
    return std::to_string(*result) + "\n";
  };
  if (command == "create-brand") return id(CreateNode(org, args, org::NodeType::kBrand, nullptr));
  if (command == "create-region") {
    return id(CreateNode(org, args, org::NodeType::kRegion, "brand"));
  }
  if (command == "create-dealer") {
    return id(CreateNode(org, args, org::NodeType::kDealer, "region"));
  }
  if (command == "create-store") return id(CreateNode(org, args, org::NodeType::kStore, "dealer"));
  if (command == "create-user") return id(CreateUser(org, args, in));
  if (command == "add-merchant") return id(AddMerchant(org, args));
  if (command == "add-app" || command == "add-miniprogram") return id(AddApp(org, args));
  if (command == "suspend-member" || command == "reactivate-member") {
    return id(SetMemberSuspended(context, args));
  }
  if (command == "list-apps") return ListApps(org, args);
  if (command == "deactivate-app" || command == "reactivate-app") {
    return id(SetAppActive(org, args, command == "reactivate-app"));
  }
  if (command == "add-platform-key") return id(AddPlatformKeys(org, args));
  if (command == "retire-platform-key") {
    return id(ChangeMerchant(org, args, [&](const org::Actor& actor, int64_t merchant) {
      return org.merchants().RetirePlatformKey(actor, merchant, args.options.at("serial"));
    }));
  }
  if (command == "deactivate-merchant" || command == "reactivate-merchant") {
    const bool active = command == "reactivate-merchant";
    return id(ChangeMerchant(org, args, [&](const org::Actor& actor, int64_t merchant) {
      return org.merchants().SetActive(actor, merchant, active);
    }));
  }
  if (command == "fetch-platform-certificates") return FetchCertificates(context, args);
  if (command == "set-merchant-api-key") return id(SetMerchantApiKey(org, args));
  return id(ManageAccount(org, args, in));
}

}  // namespace

int RunAdmin(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
             std::ostream& err) {
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h" || args[0] == "help")) {
    out << kAdminUsage;
    return 0;
  }
  AdminArgs parsed;
  if (std::optional<UsageError> usage = ParseAdminArgs(args, &parsed)) {
    err << "mileage admin: " << usage->message << "\n\n" << kAdminUsage;
    return 2;
  }
  Result<std::unique_ptr<OperatorContext>> context = OperatorContext::Open(parsed.config_path);
  if (!context.ok()) {
    err << "mileage admin: " << context.status().message() << '\n';
    return 1;
  }
  Result<std::string> printed = Execute(**context, parsed, in);
  if (!printed.ok()) {
    err << "mileage admin " << parsed.command << ": " << printed.status().ToString() << '\n';
    return 1;
  }
  out << *printed;
  return 0;
}

}  // namespace mileage::server

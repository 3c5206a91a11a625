#include "connectors/bss/actions.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <string_view>
#include <utility>

#include "connectors/bss/arguments.h"
#include "connectors/bss/error_mapping.h"

namespace bssflow::connectors::bss {
namespace {

constexpr std::string_view kPrefix = "bss.";

using Builder = std::function<ApiRequest(
    ArgumentReader&, const engine::CallContext&, const BssConfig&)>;

std::string SystemCode(ArgumentReader& args, const BssConfig& config) {
  return args.Optional("system_code", config.system_code);
}

ApiRequest GetAccount(ArgumentReader& args, const engine::CallContext&,
                      const BssConfig&) {
  std::string id = args.Required("id");
  std::string include = args.Optional("include");
  if (!include.empty() && include != "reseller")
    args.Fail("include", "must be \"reseller\", got \"" + include + "\"");
  return GetAccountRequest(id, include == "reseller");
}

ApiRequest FindAccounts(ArgumentReader& args, const engine::CallContext&,
                        const BssConfig&) {
  std::string code = args.Optional("customer_code");
  std::string parent = args.Optional("parent_account_id");
  if (code.empty() && parent.empty())
    args.Fail("customer_code", "or 'parent_account_id' is required");
  return FindAccountsRequest(code, parent);
}

ApiRequest GetSyncOptions(ArgumentReader& args, const engine::CallContext&,
                          const BssConfig& config) {
  std::string id = args.Required("account_id");
  return SyncOptionsRequest(id, SystemCode(args, config), std::nullopt);
}

// options: {Code: text or null} -> [{"Code", "Value"}].
ApiRequest SetSyncOptions(ArgumentReader& args, const engine::CallContext&,
                          const BssConfig& config) {
  std::string id = args.Required("account_id");
  nlohmann::ordered_json options = args.RequiredMap("options");
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  for (const auto& [code, value] : options.items()) {
    if (!value.is_string() && !value.is_null())
      args.Fail("options." + code, "must be text or null");
    items.push_back({{"Code", code}, {"Value", value}});
  }
  if (items.empty()) args.Fail("options", "must name at least one option");
  return SyncOptionsRequest(id, SystemCode(args, config), std::move(items));
}

// codes: the sync option fields to create, each a known code, listed once;
// whether the system can have them (ResellerMpnID) only the BSS knows.
void CheckSyncOptionCodes(ArgumentReader& args,
                          const std::vector<std::string>& codes) {
  if (codes.empty()) args.Fail("codes", "must name at least one sync option");
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const std::string& code = codes[i];
    if (std::find(kSyncOptionCodes.begin(), kSyncOptionCodes.end(), code) ==
        kSyncOptionCodes.end()) {
      args.Fail("codes[" + std::to_string(i) + "]",
                "must be Username, DomainPrefix or ResellerMpnID, got \"" +
                    code + "\"");
    }
    if (std::find(codes.begin(), codes.begin() + i, code) !=
        codes.begin() + i) {
      args.Fail("codes", "names " + code + " twice");
    }
  }
}

ApiRequest EnsureDefinitions(ArgumentReader& args, const engine::CallContext&,
                             const BssConfig& config) {
  std::optional<std::vector<std::string>> codes =
      args.OptionalTextList("codes");
  if (codes.has_value()) CheckSyncOptionCodes(args, *codes);
  return EnsureDefinitionsRequest(SystemCode(args, config), codes);
}

ApiRequest GetSystem(ArgumentReader& args, const engine::CallContext&,
                     const BssConfig& config) {
  return GetSystemRequest(SystemCode(args, config));
}

ApiRequest SetSyncStatus(ArgumentReader& args, const engine::CallContext&,
                         const BssConfig& config) {
  std::string id = args.Required("account_id");
  std::string status = args.Required("status");
  std::optional<std::string> name = SyncStatusName(status);
  if (!status.empty() && !name.has_value()) {
    args.Fail("status",
              "must be one of not_synchronized, in_progress, "
              "awaiting_confirmation, synchronized, failed, got \"" +
                  status + "\"");
  }
  std::string message = args.Optional("message");
  std::string code = args.Optional("customer_code");
  bool allow_shared = args.OptionalBool("allow_shared", false);
  return SetSyncStatusRequest(id, SystemCode(args, config), name.value_or(""),
                              message, code, allow_shared);
}

ApiRequest SetCustomerCode(ArgumentReader& args, const engine::CallContext&,
                           const BssConfig&) {
  std::string id = args.Required("account_id");
  std::string code = args.Required("customer_code");
  bool allow_shared = args.OptionalBool("allow_shared", false);
  return SetCustomerCodeRequest(id, code, allow_shared);
}

ApiRequest ClearCustomerCode(ArgumentReader& args, const engine::CallContext&,
                             const BssConfig&) {
  return ClearCustomerCodeRequest(args.Required("account_id"));
}

ApiRequest GetTemplate(ArgumentReader& args, const engine::CallContext&,
                       const BssConfig&) {
  return GetTemplateRequest(args.Required("template_id"));
}

std::optional<int64_t> ParseAccountId(ArgumentReader& args) {
  std::string text = args.Optional("account_id");
  if (text.empty()) return std::nullopt;
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    args.Fail("account_id", "must be a positive integer, got \"" + text + "\"");
    return std::nullopt;
  }
  return id;
}

ApiRequest SendNotification(ArgumentReader& args,
                            const engine::CallContext& ctx, const BssConfig&) {
  Notification notification;
  notification.to = args.Required("to");
  notification.cc = args.Optional("cc");
  notification.subject = args.Required("subject");
  notification.body = args.Required("body");
  notification.template_id = args.Optional("template_id");
  notification.account_id = ParseAccountId(args);
  // Without a key a resend could send the notification twice; the BSS
  // refuses it too, but the runner should learn it before anything is sent.
  if (ctx.idempotency_key.empty())
    args.Fail("idempotency key", "is required (CallContext.idempotency_key)");
  return SendNotificationRequest(notification, ctx.idempotency_key);
}

const std::map<std::string, Builder, std::less<>>& Builders() {
  static const auto* kBuilders = new std::map<std::string, Builder, std::less<>>{
      {"get_account", GetAccount},
      {"find_accounts", FindAccounts},
      {"get_sync_options", GetSyncOptions},
      {"set_sync_options", SetSyncOptions},
      {"ensure_sync_option_definitions", EnsureDefinitions},
      {"get_provisioning_system", GetSystem},
      {"set_sync_status", SetSyncStatus},
      {"set_customer_code", SetCustomerCode},
      {"clear_customer_code", ClearCustomerCode},
      {"get_notification_template", GetTemplate},
      {"send_notification", SendNotification},
  };
  return *kBuilders;
}

}  // namespace

PreparedCall PrepareCall(const std::string& action,
                         const dsl::Value& arguments,
                         const engine::CallContext& ctx,
                         const BssConfig& config) {
  std::string_view name = action;
  auto it = Builders().end();
  if (name.substr(0, kPrefix.size()) == kPrefix)
    it = Builders().find(name.substr(kPrefix.size()));
  if (it == Builders().end()) {
    return {std::nullopt,
            engine::ActionError{"fatal", "unknown_action",
                                "the bss connector has no action '" + action +
                                    "'",
                                std::nullopt}};
  }
  ArgumentReader args(action, arguments);
  ApiRequest request = it->second(args, ctx, config);
  if (args.error().has_value()) return {std::nullopt, args.error()};
  return {std::move(request), std::nullopt};
}

}  // namespace bssflow::connectors::bss

// Provisioning systems, their sync option custom fields ("Get Services
// Definitions"), each account's sync option values and provisioning sync
// status.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "simulators/bss/bss_api.h"

namespace bssflow::simulators::bss {
namespace {

HttpResponse NotDefined(const ApiCall& call, const std::string& system_code) {
  return ProblemResponse(
      call.request, 409, "sync-options-not-defined", "Sync options not defined",
      "The sync options of " + system_code +
          " are not defined yet; create them with PUT "
          "/api/ProvisioningSystems/" +
          system_code + "/syncoptiondefinitions (Get Services Definitions).");
}

// The definition an item of a PUT .../syncoptions body names by "ID" or
// "Code", or nullptr.
const SyncOptionDefinition* NamedDefinition(
    const std::vector<const SyncOptionDefinition*>& definitions,
    const Json& item) {
  auto id = item.find("ID");
  auto code = item.find("Code");
  for (const SyncOptionDefinition* definition : definitions) {
    if (id != item.end() && id->is_number_integer() &&
        id->get<std::int64_t>() == definition->id) {
      return definition;
    }
    if (id == item.end() && code != item.end() && code->is_string() &&
        code->get<std::string>() == definition->code) {
      return definition;
    }
  }
  return nullptr;
}

std::string KnownCodesText() {
  std::string text;
  std::vector<std::string_view> known = KnownSyncOptionCodes();
  for (std::size_t i = 0; i < known.size(); ++i) {
    if (i > 0) text += i + 1 == known.size() ? " and " : ", ";
    text += known[i];
  }
  return text;
}

// The problem with a code that is not a known one: codes are compared
// exactly, so a code that differs only in case gets a "did you mean".
std::string UnknownCode(const std::string& code) {
  std::string problem = "Unknown sync option code " + Json(code).dump();
  for (std::string_view known : KnownSyncOptionCodes()) {
    if (EqualsIgnoringCase(known, code)) {
      problem += " (did you mean \"" + std::string(known) + "\"?)";
    }
  }
  return problem + "; the known codes are " + KnownCodesText() + ".";
}

// Why the "Codes" of a PUT .../syncoptiondefinitions body cannot be used
// for `system`, or "" when they can.
std::string CodesProblem(const Json& codes, const ProvisioningSystem& system) {
  if (!codes.is_array() || codes.empty()) {
    return "Codes must be a non-empty list of sync option codes (" +
           KnownCodesText() +
           "); leave it out to create every field the system should have.";
  }
  std::vector<std::string> seen;
  for (const Json& code : codes) {
    if (!code.is_string()) {
      return "Codes must hold only text, not " + code.dump() + ".";
    }
    const std::string& name = code.get_ref<const std::string&>();
    std::vector<std::string_view> known = KnownSyncOptionCodes();
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return UnknownCode(name);
    }
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
      return "Codes lists " + name + " twice.";
    }
    seen.push_back(name);
  }
  // Of the known codes, only ResellerMpnID depends on the system.
  for (const std::string& name : seen) {
    if (!CanHaveSyncOption(system, name)) {
      return system.code + " is a " +
             std::string(OrganizationTypeName(system.organization_type)) +
             " organisation: it has no Reseller (MPN ID) sync option.";
    }
  }
  return "";
}

// The fields a PUT .../syncoptiondefinitions asks for: nullopt for every
// field the system should have (no body, {}, no "Codes" or "Codes": null),
// else the codes listed.
using CodesRequest = std::optional<std::vector<std::string>>;

// The fields the body asks for, or the 400 to answer with. Everything is
// checked here, before anything is created (all or nothing).
std::variant<CodesRequest, HttpResponse> RequestedCodes(
    const ApiCall& call, const ProvisioningSystem& system) {
  const std::string& text = call.request.body();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return CodesRequest();
  }
  std::variant<Json, HttpResponse> body = JsonBody(call);
  if (auto* error = std::get_if<HttpResponse>(&body)) return std::move(*error);
  const Json& json = std::get<Json>(body);
  if (!json.is_object()) {
    return InvalidRequest(call,
                          "Send no body, {} or {\"Codes\": [...]} with "
                          "some of " +
                              KnownCodesText() + ".");
  }
  auto codes = json.find("Codes");
  if (codes == json.end() || codes->is_null()) return CodesRequest();
  std::string problem = CodesProblem(*codes, system);
  if (!problem.empty()) return InvalidRequest(call, std::move(problem));
  std::vector<std::string> names;
  for (const Json& code : *codes) names.push_back(code.get<std::string>());
  return CodesRequest(std::move(names));
}

}  // namespace

HttpResponse BssApi::ListSystems(const ApiCall& call) {
  Json systems = Json::array();
  for (const auto& [code, system] : state_.systems) {
    systems.push_back(SystemToJson(system));
  }
  return JsonResponse(call.request, 200, systems);
}

HttpResponse BssApi::GetSystem(const ApiCall& call) {
  const ProvisioningSystem* system = FindSystem(call, 0);
  if (!system) return SystemNotFound(call, 0);
  return JsonResponse(call.request, 200, SystemToJson(*system));
}

HttpResponse BssApi::GetDefinitions(const ApiCall& call) {
  const ProvisioningSystem* system = FindSystem(call, 0);
  if (!system) return SystemNotFound(call, 0);
  Json definitions = Json::array();
  for (const SyncOptionDefinition* definition :
       DefinitionsOf(state_, system->code)) {
    definitions.push_back(DefinitionToJson(*definition));
  }
  return JsonResponse(call.request, 200, definitions);
}

HttpResponse BssApi::PutDefinitions(const ApiCall& call) {
  const ProvisioningSystem* system = FindSystem(call, 0);
  if (!system) return SystemNotFound(call, 0);
  std::variant<CodesRequest, HttpResponse> codes =
      RequestedCodes(call, *system);
  if (auto* error = std::get_if<HttpResponse>(&codes)) return std::move(*error);
  const CodesRequest& requested = std::get<CodesRequest>(codes);
  std::vector<std::string> created =
      requested.has_value()
          ? EnsureSyncOptionDefinitions(state_, *system, *requested, clock_())
          : EnsureSyncOptionDefinitions(state_, *system, clock_());
  Json definitions = Json::array();
  for (const SyncOptionDefinition* definition :
       DefinitionsOf(state_, system->code)) {
    definitions.push_back(DefinitionToJson(*definition));
  }
  return JsonResponse(call.request, created.empty() ? 200 : 201,
                      {{"SystemCode", system->code},
                       {"Created", created},
                       {"Definitions", std::move(definitions)}});
}

Json BssApi::SyncOptionsJson(std::int64_t account_id,
                             std::string_view system_code) {
  Json options = Json::array();
  for (const SyncOptionDefinition* definition :
       DefinitionsOf(state_, system_code)) {
    auto value = state_.option_values.find({account_id, definition->id});
    options.push_back(SyncOptionToJson(
        *definition, value == state_.option_values.end()
                         ? std::nullopt
                         : std::optional<std::string>(value->second)));
  }
  return options;
}

HttpResponse BssApi::GetSyncOptions(const ApiCall& call) {
  Account* account = FindAccount(call, 0);
  if (!account) return AccountNotFound(call, 0);
  const ProvisioningSystem* system = FindSystem(call, 1);
  if (!system) return SystemNotFound(call, 1);
  if (DefinitionsOf(state_, system->code).empty()) {
    return NotDefined(call, system->code);
  }
  return JsonResponse(call.request, 200,
                      SyncOptionsJson(account->id, system->code));
}

HttpResponse BssApi::PutSyncOptions(const ApiCall& call) {
  Account* account = FindAccount(call, 0);
  if (!account) return AccountNotFound(call, 0);
  const ProvisioningSystem* system = FindSystem(call, 1);
  if (!system) return SystemNotFound(call, 1);
  auto definitions = DefinitionsOf(state_, system->code);
  if (definitions.empty()) return NotDefined(call, system->code);
  std::variant<Json, HttpResponse> body = JsonBody(call);
  if (auto* error = std::get_if<HttpResponse>(&body)) return std::move(*error);
  const Json& items = std::get<Json>(body);
  if (!items.is_array()) {
    return InvalidRequest(call,
                          "Send an array of {\"ID\" or \"Code\", "
                          "\"Value\": text or null}.");
  }
  std::vector<std::pair<const SyncOptionDefinition*, Json>> changes;
  for (const Json& item : items) {
    const SyncOptionDefinition* definition =
        item.is_object() ? NamedDefinition(definitions, item) : nullptr;
    if (!definition) {
      return InvalidRequest(
          call, system->code + " has no sync option " + item.dump() + ".");
    }
    auto value = item.find("Value");
    if (value == item.end() || !(value->is_string() || value->is_null())) {
      return InvalidRequest(call, "The Value of sync option " +
                                      definition->code +
                                      " must be text or null.");
    }
    changes.emplace_back(definition, *value);
  }
  for (const auto& [definition, value] : changes) {
    std::pair<std::int64_t, std::int64_t> key{account->id, definition->id};
    if (value.is_null()) {
      state_.option_values.erase(key);
    } else {
      state_.option_values[key] = value.get<std::string>();
    }
  }
  return JsonResponse(call.request, 200,
                      SyncOptionsJson(account->id, system->code));
}

HttpResponse BssApi::GetSyncStatus(const ApiCall& call) {
  Account* account = FindAccount(call, 0);
  if (!account) return AccountNotFound(call, 0);
  const ProvisioningSystem* system = FindSystem(call, 1);
  if (!system) return SystemNotFound(call, 1);
  auto status = state_.sync_statuses.find({account->id, system->code});
  return JsonResponse(
      call.request, 200,
      SyncStatusToJson(*account, system->code,
                       status == state_.sync_statuses.end() ? SyncStatus()
                                                            : status->second));
}

HttpResponse BssApi::PutSyncStatus(const ApiCall& call) {
  Account* account = FindAccount(call, 0);
  if (!account) return AccountNotFound(call, 0);
  const ProvisioningSystem* system = FindSystem(call, 1);
  if (!system) return SystemNotFound(call, 1);
  std::variant<Json, HttpResponse> body = JsonBody(call);
  if (auto* error = std::get_if<HttpResponse>(&body)) return std::move(*error);
  const Json& json = std::get<Json>(body);
  if (!json.is_object()) {
    return InvalidRequest(call, "Send a JSON object with Status and Message.");
  }
  Json status = json.value("Status", Json());
  Json message = json.value("Message", Json(""));
  Json code = json.value("CustomerCode", Json());
  Json shared = json.value("AllowShared", Json(false));
  if (!status.is_string() || !IsSyncStatusName(status.get<std::string>()) ||
      !message.is_string() || !(code.is_null() || code.is_string()) ||
      !shared.is_boolean()) {
    return InvalidRequest(
        call,
        "Send {\"Status\": NotSynchronized, InProgress, AwaitingConfirmation, "
        "Synchronized or Failed, \"Message\": text} and, optionally, "
        "\"CustomerCode\" and \"AllowShared\".");
  }
  if (code.is_string() && !code.get<std::string>().empty()) {
    if (auto refused = LinkCustomerCode(call, *account, code.get<std::string>(),
                                        shared.get<bool>())) {
      return std::move(*refused);
    }
  }
  SyncStatus& stored = state_.sync_statuses[{account->id, system->code}];
  stored.status = status.get<std::string>();
  stored.message = message.get<std::string>();
  stored.updated_at = clock_();
  return JsonResponse(call.request, 200,
                      SyncStatusToJson(*account, system->code, stored));
}

}  // namespace bssflow::simulators::bss

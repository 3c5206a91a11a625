#include "simulators/bss/bss_state.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace bssflow::simulators::bss {
namespace {

// What "Get Services Definitions" creates for every Partner Center instance.
struct OptionSpec {
  std::string_view code;
  std::string_view name;
  std::string_view description;
  int sort_order;
  bool is_required;
  bool indirect_only;
};

constexpr std::array<OptionSpec, 3> kOptionSpecs = {{
    {"Username", "Username",
     "The user name of the global admin created in the new Microsoft tenant "
     "(before @domain).",
     1, true, false},
    {"DomainPrefix", "Domain Prefix",
     "The prefix of the tenant's onmicrosoft.com domain, or the domain alias "
     "(with its suffix) of an existing tenant.",
     2, true, false},
    {"ResellerMpnID", "Reseller (MPN ID)",
     "The MPN ID of the indirect reseller the customer buys through.", 3, false,
     true},
}};

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

std::string_view OrganizationTypeName(OrganizationType type) {
  switch (type) {
    case OrganizationType::kIndirectProvider:
      return "IndirectProvider";
    case OrganizationType::kIndirectCountryTenant:
      return "IndirectCountryTenant";
    case OrganizationType::kDirectProvider:
      return "DirectProvider";
    case OrganizationType::kTenantReseller:
      return "TenantReseller";
  }
  return "DirectProvider";
}

bool HasResellerMpnID(OrganizationType type) {
  return type == OrganizationType::kIndirectProvider ||
         type == OrganizationType::kIndirectCountryTenant;
}

bool IsSyncStatusName(std::string_view status) {
  return status == "NotSynchronized" || status == "InProgress" ||
         status == "AwaitingConfirmation" || status == "Synchronized" ||
         status == "Failed";
}

std::vector<const SyncOptionDefinition*> DefinitionsOf(
    const BssState& state, std::string_view system_code) {
  std::vector<const SyncOptionDefinition*> found;
  for (const SyncOptionDefinition& definition : state.definitions) {
    if (definition.system_code == system_code) found.push_back(&definition);
  }
  std::stable_sort(found.begin(), found.end(), [](auto* a, auto* b) {
    return a->sort_order < b->sort_order;
  });
  return found;
}

std::vector<std::string_view> KnownSyncOptionCodes() {
  std::vector<std::string_view> codes;
  for (const OptionSpec& spec : kOptionSpecs) codes.push_back(spec.code);
  return codes;
}

bool CanHaveSyncOption(const ProvisioningSystem& system,
                       std::string_view code) {
  for (const OptionSpec& spec : kOptionSpecs) {
    if (spec.code == code) {
      return !spec.indirect_only || HasResellerMpnID(system.organization_type);
    }
  }
  return false;
}

std::vector<std::string> EnsureSyncOptionDefinitions(
    BssState& state, const ProvisioningSystem& system, TimePoint now) {
  std::vector<std::string> all;
  for (std::string_view code : KnownSyncOptionCodes()) all.emplace_back(code);
  return EnsureSyncOptionDefinitions(state, system, all, now);
}

std::vector<std::string> EnsureSyncOptionDefinitions(
    BssState& state, const ProvisioningSystem& system,
    const std::vector<std::string>& codes, TimePoint now) {
  std::vector<std::string> created;
  for (const OptionSpec& spec : kOptionSpecs) {
    bool wanted =
        std::find(codes.begin(), codes.end(), spec.code) != codes.end();
    if (!wanted || !CanHaveSyncOption(system, spec.code)) continue;
    bool exists = std::any_of(
        state.definitions.begin(), state.definitions.end(),
        [&](const SyncOptionDefinition& d) {
          return d.system_code == system.code && d.code == spec.code;
        });
    if (exists) continue;
    SyncOptionDefinition definition;
    definition.id = state.next_definition_id++;
    definition.system_code = system.code;
    definition.code = spec.code;
    definition.name = spec.name;
    definition.description = spec.description;
    definition.sort_order = spec.sort_order;
    definition.is_required = spec.is_required;
    definition.created_at = now;
    state.definitions.push_back(std::move(definition));
    created.emplace_back(spec.code);
  }
  return created;
}

bool SetSyncOptionValue(BssState& state, std::int64_t account_id,
                        std::string_view system_code, std::string_view code,
                        std::string value) {
  for (const SyncOptionDefinition& definition : state.definitions) {
    if (definition.system_code == system_code && definition.code == code) {
      state.option_values[{account_id, definition.id}] = std::move(value);
      return true;
    }
  }
  return false;
}

std::vector<std::int64_t> AccountsWithCustomerCode(
    const BssState& state, std::string_view customer_code) {
  std::vector<std::int64_t> ids;
  if (customer_code.empty()) return ids;
  for (const auto& [id, account] : state.accounts) {
    if (EqualsIgnoringCase(account.customer_code, customer_code))
      ids.push_back(id);
  }
  return ids;
}

}  // namespace bssflow::simulators::bss

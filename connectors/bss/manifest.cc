#include "connectors/bss/actions.h"

namespace bssflow::connectors::bss {
namespace {

engine::ActionArgument Arg(std::string name, bool required,
                           std::string description) {
  return {std::move(name), required, std::move(description)};
}

engine::ActionArgument SystemArg() {
  return Arg("system_code", false,
             "provisioning system code; default: the configured system_code");
}

engine::ActionArgument AccountArg() {
  return Arg("account_id", true, "BSS account ID");
}

}  // namespace

std::vector<engine::ActionSpec> Manifest() {
  return {
      {"bss.get_account",
       {Arg("id", true, "BSS account ID"),
        Arg("include", false, "\"reseller\": add the parent as Reseller")},
       {},
       "The Account (with Reseller: the parent account or null)."},
      {"bss.find_accounts",
       {Arg("customer_code", false, "tenant ID, compared ignoring case"),
        Arg("parent_account_id", false, "reseller account ID")},
       {},
       "{TotalCount, Items: [Account]}: accounts matching every filter given "
       "(at least one)."},
      {"bss.get_sync_options",
       {AccountArg(), SystemArg()},
       {},
       "[{ID, Value, Definition}]: the account's sync options."},
      {"bss.set_sync_options",
       {AccountArg(),
        Arg("options", true, "map of option Code to text, or null to clear"),
        SystemArg()},
       {},
       "[{ID, Value, Definition}] after the change (all or nothing)."},
      {"bss.ensure_sync_option_definitions",
       {Arg("codes", false,
            "list of the sync option fields to create (Username, "
            "DomainPrefix, ResellerMpnID); default: every field the system "
            "should have"),
        SystemArg()},
       {},
       "{SystemCode, Created, Definitions}: Get Services Definitions "
       "(idempotent)."},
      {"bss.get_provisioning_system",
       {SystemArg()},
       {},
       "{Code, Name, OrganizationType, ResellerMpnIDAvailable}."},
      {"bss.set_sync_status",
       {AccountArg(),
        Arg("status", true,
            "not_synchronized, in_progress, awaiting_confirmation, "
            "synchronized or failed"),
        Arg("message", false, "why; shown on the account"),
        Arg("customer_code", false, "tenant ID to link first"),
        Arg("allow_shared", false, "link even if other accounts hold it"),
        SystemArg()},
       {},
       "{AccountID, SystemCode, Status, Message, CustomerCode, UpdatedAt}."},
      {"bss.set_customer_code",
       {AccountArg(), Arg("customer_code", true, "tenant ID"),
        Arg("allow_shared", false,
            "true once the user confirmed sharing the code")},
       {},
       "The Account, linked."},
      {"bss.clear_customer_code",
       {AccountArg()},
       {},
       "The Account, CustomerCode null (idempotent)."},
      {"bss.get_notification_template",
       {Arg("template_id", true, "template ID, e.g. welcome-office365")},
       {},
       "{ID, Name, To, Cc, Subject, Body} with merge fields."},
      {"bss.send_notification",
       {Arg("to", true, "addresses, separated by ',' or ';'"),
        Arg("cc", false, "addresses"), Arg("subject", true, "rendered"),
        Arg("body", true, "rendered; may hold credentials"),
        Arg("template_id", false, "the template it was rendered from"),
        Arg("account_id", false, "the account it concerns")},
       {"Body"},
       "{ID, Status, IdempotencyKey, TemplateID, AccountID, To, Cc, Subject, "
       "Body, SentAt}; sent once per idempotency key."},
  };
}

}  // namespace bssflow::connectors::bss

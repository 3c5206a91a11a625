#include <string>
#include <utility>

#include "connectors/notify/notify_connector.h"

namespace bssflow::connectors::notify {
namespace {

engine::ActionArgument Arg(std::string name, bool required,
                           std::string description) {
  return {std::move(name), required, std::move(description)};
}

}  // namespace

std::vector<engine::ActionSpec> Manifest() {
  return {
      {"notify.send",
       {Arg("template", true, "the template's id, e.g. welcome-office365"),
        Arg("to", true, "addresses, separated by ',' or ';'"),
        Arg("cc", false, "addresses; null or empty for none"),
        Arg("subject", true, "rendered; one line"),
        Arg("body", true, "rendered; may hold credentials (never logged)"),
        Arg("account_id", false, "the BSS account it concerns")},
       // The result holds no copy of the body.
       {},
       "{id, transport (\"bss\" | \"smtp\"), to, cc, template}: sent once "
       "per idempotency key (the BSS's Idempotency-Key, SMTP's "
       "Message-ID)."},
  };
}

}  // namespace bssflow::connectors::notify

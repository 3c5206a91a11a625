// notify.send's arguments, read and checked before anything is sent: one
// SendRequest both transports deliver from. Pure functions.
#ifndef BSSFLOW_CONNECTORS_NOTIFY_SEND_REQUEST_H_
#define BSSFLOW_CONNECTORS_NOTIFY_SEND_REQUEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dsl/value.h"
#include "engine/connector.h"

namespace bssflow::connectors::notify {

/// The action's full name.
inline constexpr char kSendAction[] = "notify.send";

/// One notification, its arguments checked: every address passed
/// LooksLikeAddress, the subject is one line, the key can be a Message-ID.
struct SendRequest {
  /// The template's id ("welcome-office365").
  std::string template_id;
  /// One or more addresses.
  std::vector<std::string> to;
  /// Zero or more addresses.
  std::vector<std::string> cc;
  std::string subject;
  /// May hold credentials: never logged.
  std::string body;
  std::optional<int64_t> account_id;
  /// The call's idempotency key: the BSS's Idempotency-Key, SMTP's
  /// Message-ID.
  std::string idempotency_key;
};

/// A SendRequest, or why there is none: an "invalid" error (code empty)
/// whose message names the action and the argument, e.g. "notify.send:
/// argument 'to' is required". Exactly one of the two is set.
struct ParsedSend {
  std::optional<SendRequest> request;
  std::optional<engine::ActionError> error;
};

/// Reads `arguments` (a map, or null for none): `template`, `to`,
/// `subject`, `body` required text (empty counts as missing); `cc` text,
/// null or empty; `account_id` a positive integer (or its digits as text),
/// null or absent. Other arguments are ignored. `ctx.idempotency_key` is
/// required and must be 1-255 bytes of letters, digits, '.' and
/// !#$%&'*+-/=?^_`{|}~ (it becomes the left part of the Message-ID).
ParsedSend ParseSendRequest(const dsl::Value& arguments,
                            const engine::CallContext& ctx);

/// notify.send's result: {id, transport, to, cc, template}, `to` and `cc`
/// as "a@b.example, c@d.example" ("" for no cc).
dsl::Value SendResult(std::string id, std::string transport,
                      const SendRequest& request);

}  // namespace bssflow::connectors::notify

#endif  // BSSFLOW_CONNECTORS_NOTIFY_SEND_REQUEST_H_

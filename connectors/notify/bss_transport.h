// The BSS transport: notify.send as bss.send_notification on the bss
// connector (docs/connectors/bss.md, POST /api/Notifications). The BSS sends
// the message, and answers a resend with the same idempotency key with the
// first notification instead of sending another.
#ifndef BSSFLOW_CONNECTORS_NOTIFY_BSS_TRANSPORT_H_
#define BSSFLOW_CONNECTORS_NOTIFY_BSS_TRANSPORT_H_

#include <boost/asio/awaitable.hpp>

#include "connectors/notify/send_request.h"
#include "dsl/value.h"
#include "engine/connector.h"

namespace bssflow::connectors::notify {

/// The action the BSS transport calls.
inline constexpr char kBssSendAction[] = "bss.send_notification";

/// bss.send_notification's arguments for `request`: {to, cc, subject, body,
/// template_id, account_id}, the address lists as "a@b.example, c@d.example"
/// (cc "" for none), account_id only when set.
dsl::Value BssNotificationArguments(const SendRequest& request);

/// notify.send's outcome from bss.send_notification's: its result
/// ({ID, To, Cc, TemplateID, ...}) becomes {id (ID as text), transport
/// "bss", to, cc, template} (To, Cc and TemplateID when the BSS gave them as
/// text, else the request's); an error passes through unchanged. A "fatal"
/// error when the result has no ID.
engine::ActionOutcome OutcomeFromBss(const engine::ActionOutcome& bss,
                                     const SendRequest& request);

/// Sends `request` through `bss` with `ctx` as it is (its idempotency key
/// becomes the Idempotency-Key). `bss` must outlive the call.
boost::asio::awaitable<engine::ActionOutcome> SendThroughBss(
    engine::Connector& bss, const SendRequest& request,
    const engine::CallContext& ctx);

}  // namespace bssflow::connectors::notify

#endif  // BSSFLOW_CONNECTORS_NOTIFY_BSS_TRANSPORT_H_

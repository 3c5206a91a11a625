// The `notify` connector: delivers a notification that a `notify` step has
// rendered (engine/runner_drive.cc) with its one action, `notify.send`:
//
//   arguments  template (text, the template's id), to, cc (text, addresses
//              separated by ',' or ';'; cc may be null or empty), subject,
//              body (text; may hold credentials), account_id (optional int)
//   result     {id, transport ("bss" | "smtp"), to, cc, template}
//
// Through the BSS, the call becomes bss.send_notification on the bss
// connector given to Create() (the BSS answers a resend with the same
// idempotency key with the first notification). Through SMTP, the
// idempotency key is the Message-ID, so a receiver can drop a duplicate.
#ifndef BSSFLOW_CONNECTORS_NOTIFY_NOTIFY_CONNECTOR_H_
#define BSSFLOW_CONNECTORS_NOTIFY_NOTIFY_CONNECTOR_H_

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "connectors/notify/notify_config.h"
#include "engine/actions.h"
#include "engine/connector.h"

namespace bssflow::connectors::notify {

class SmtpClient;

/// The connector. Call() runs on the executor given to Create() and may run
/// many times at once there (the executor must not run handlers
/// concurrently: an io_context run by one thread, or a strand); each SMTP
/// call is a session of its own. Call() never throws. Destroy the connector
/// before that executor's io_context. Arguments are checked before anything
/// is sent ("invalid", e.g. "notify.send: argument 'to' is required"); the
/// call's idempotency key is required.
class NotifyConnector : public engine::Connector {
 public:
  /// A connector for `config`. `bss` is the connector that answers
  /// "bss.send_notification"; required for the BSS transport, unused for
  /// SMTP. An error when the configuration is incomplete (for SMTP:
  /// CheckSmtpConfig in smtp_client.h, and the CA file must load). `env`
  /// injects the clock and the log (SMTP only).
  static Result<std::unique_ptr<NotifyConnector>> Create(
      boost::asio::any_io_executor executor, NotifyConfig config,
      std::shared_ptr<engine::Connector> bss, NotifyEnvironment env = {});
  ~NotifyConnector() override;

  boost::asio::awaitable<engine::ActionOutcome> Call(
      const std::string& action, const dsl::Value& arguments,
      const engine::CallContext& ctx) override;

 private:
  NotifyConnector(std::shared_ptr<engine::Connector> bss,
                  std::unique_ptr<SmtpClient> smtp);
  boost::asio::awaitable<engine::ActionOutcome> Dispatch(
      const std::string& action, const dsl::Value& arguments,
      const engine::CallContext& ctx);

  /// Set for the BSS transport.
  std::shared_ptr<engine::Connector> bss_;
  /// Set for the SMTP transport.
  std::unique_ptr<SmtpClient> smtp_;
};

/// The manifest: notify.send. (A body holding credentials is sealed in the
/// journal by the runner, which seals every copy of a secret result.)
std::vector<engine::ActionSpec> Manifest();

}  // namespace bssflow::connectors::notify

#endif  // BSSFLOW_CONNECTORS_NOTIFY_NOTIFY_CONNECTOR_H_

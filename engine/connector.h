// The interface the runner calls to reach the outside world: a connector
// (bss, partner_center, notify, http) runs one action with its arguments and
// answers with a result or an error the workflow can branch on.
//
// Connectors do not journal: the runner journals every call before it is
// sent and its outcome when it returns (runner.h). A connector only has to
// pass the idempotency key on (Partner Center's MS-RequestId), so that a call
// sent again after a crash or a retry is recognised by the other side.
#ifndef BSSFLOW_ENGINE_CONNECTOR_H_
#define BSSFLOW_ENGINE_CONNECTOR_H_

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "dsl/value.h"

namespace bssflow::engine {

/// Why an action failed. `kind` is one of the connector error kinds
/// (RetryableErrorKinds() in loader.h): "retryable", "throttled", "timeout",
/// "not_found", "conflict", "invalid", "auth", "fatal". Retry policies and
/// `error.kind` in on_error handlers use it.
struct ActionError {
  std::string kind;
  /// The service's own code, e.g. "429" or "DomainExists"; may be empty.
  std::string code;
  /// For people: what failed, in the service's words.
  std::string message;
  /// For "throttled": how long the service asked us to wait.
  std::optional<std::chrono::milliseconds> retry_after;
};

/// The answer to one call: exactly one of `result` and `error` is set.
struct ActionOutcome {
  std::optional<dsl::Value> result;
  std::optional<ActionError> error;

  static ActionOutcome Success(dsl::Value value) {
    return {std::move(value), std::nullopt};
  }
  static ActionOutcome Failure(ActionError error) {
    return {std::nullopt, std::move(error)};
  }
};

/// What the runner tells a connector about a call, besides its arguments.
struct CallContext {
  std::string run_id;
  std::string step_id;
  /// 1 for the first try, 2 for the first retry, ...
  int attempt = 1;
  /// A UUID per logical call: the same on every retry and on the call sent
  /// again after a crash. Connectors pass it to the service.
  std::string idempotency_key;
};

/// One connector. Call() is started on the runner's executor and must
/// complete on it; it may be started many times at once (one per run), so an
/// implementation keeps no per-call state in members without guarding it.
/// Call() must not throw: failures are ActionErrors (the runner turns an
/// escaped exception into a "fatal" error all the same). When the runner
/// abandons a call (timeout, cancellation) the awaitable is cancelled through
/// Asio's usual per-operation cancellation; the connector then completes as
/// soon as it can, with any outcome.
class Connector {
 public:
  virtual ~Connector() = default;

  /// Runs `action` (the full name, "bss.get_account") with `arguments` (a
  /// map from argument names to values).
  virtual boost::asio::awaitable<ActionOutcome> Call(
      const std::string& action, const dsl::Value& arguments,
      const CallContext& ctx) = 0;
};

/// The connectors a runner may call, by connector name: the part of an
/// action's name before the first '.' ("bss" for "bss.get_account"). Filled
/// at start-up, then only read: reading from several threads at once is safe,
/// adding is not. Shares ownership of the connectors.
class ConnectorSet {
 public:
  /// Registers `connector` under `name`; a second connector of the same name
  /// is an error.
  Status Add(std::string name, std::shared_ptr<Connector> connector) {
    if (connector == nullptr)
      return Status::Error("connector '" + name + "' is null");
    auto [it, inserted] = connectors_.emplace(name, std::move(connector));
    if (!inserted)
      return Status::Error("connector '" + name + "' is registered twice");
    return Status::Ok();
  }

  /// The connector that runs `action` ("bss.get_account" -> "bss"), or
  /// nullptr when none is registered.
  Connector* Find(std::string_view action) const {
    std::string_view name = action.substr(0, action.find('.'));
    auto it = connectors_.find(name);
    return it == connectors_.end() ? nullptr : it->second.get();
  }

 private:
  std::map<std::string, std::shared_ptr<Connector>, std::less<>> connectors_;
};

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_CONNECTOR_H_

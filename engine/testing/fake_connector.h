// A Connector for tests: answers each action from a script (results, errors,
// delays on the Asio clock, or never), and records every call it was asked
// to make, so tests can count calls and compare idempotency keys.
#ifndef BSSFLOW_ENGINE_TESTING_FAKE_CONNECTOR_H_
#define BSSFLOW_ENGINE_TESTING_FAKE_CONNECTOR_H_

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/connector.h"

namespace bssflow::engine::testing {

class FakeConnector : public Connector {
 public:
  /// One scripted answer.
  struct Reply {
    std::optional<dsl::Value> result;
    std::optional<ActionError> error;
    /// Waited on the executor's steady clock before answering.
    std::chrono::milliseconds delay{0};
    /// Never answers (until cancelled): a call in flight when the engine
    /// "crashes".
    bool hang = false;
  };

  /// What the fake was asked.
  struct RecordedCall {
    std::string action;
    dsl::Value arguments;
    CallContext ctx;
  };

  static Reply Ok(dsl::Value result) {
    return {std::move(result), {}, {}, false};
  }
  static Reply Fail(std::string kind, std::string code = "",
                    std::string message = "") {
    return {std::nullopt,
            ActionError{std::move(kind), std::move(code), std::move(message),
                        std::nullopt},
            {},
            false};
  }
  static Reply Hang() { return {std::nullopt, std::nullopt, {}, true}; }
  static Reply Delayed(std::chrono::milliseconds delay, dsl::Value result) {
    return {std::move(result), {}, delay, false};
  }

  /// Adds answers for `action`, used in order; the last one repeats. An
  /// action with no script fails with kind "fatal", code "unscripted".
  void Script(const std::string& action, std::vector<Reply> replies) {
    auto& queue = scripts_[action];
    for (Reply& reply : replies) queue.push_back(std::move(reply));
  }

  const std::vector<RecordedCall>& calls() const { return calls_; }
  int CallCount(std::string_view action) const {
    int n = 0;
    for (const RecordedCall& call : calls_) n += call.action == action ? 1 : 0;
    return n;
  }
  /// Calls that were cancelled (by a timeout or Cancel()) before answering.
  int cancelled() const { return cancelled_; }
  /// Called with each call as it arrives, before it is answered (a test
  /// looks at the journal then); may be empty.
  std::function<void(const RecordedCall&)> on_call;

  boost::asio::awaitable<ActionOutcome> Call(const std::string& action,
                                             const dsl::Value& arguments,
                                             const CallContext& ctx) override {
    calls_.push_back({action, arguments, ctx});
    if (on_call) on_call(calls_.back());
    Reply reply = Next(action);
    if (reply.hang || reply.delay.count() > 0) {
      boost::asio::steady_timer timer(
          co_await boost::asio::this_coro::executor);
      if (reply.hang) {
        timer.expires_at(std::chrono::steady_clock::time_point::max());
      } else {
        timer.expires_after(reply.delay);
      }
      auto [ec] = co_await timer.async_wait(
          boost::asio::as_tuple(boost::asio::use_awaitable));
      if (ec) {
        ++cancelled_;
        co_return ActionOutcome::Failure(
            {"fatal", "cancelled", "the call was cancelled", std::nullopt});
      }
    }
    co_return ActionOutcome{reply.result, reply.error};
  }

 private:
  Reply Next(const std::string& action) {
    auto it = scripts_.find(action);
    if (it == scripts_.end() || it->second.empty()) {
      return Fail("fatal", "unscripted", "no reply scripted for " + action);
    }
    Reply reply = it->second.front();
    if (it->second.size() > 1) it->second.erase(it->second.begin());
    return reply;
  }

  std::map<std::string, std::vector<Reply>> scripts_;
  std::vector<RecordedCall> calls_;
  int cancelled_ = 0;
};

}  // namespace bssflow::engine::testing

#endif  // BSSFLOW_ENGINE_TESTING_FAKE_CONNECTOR_H_

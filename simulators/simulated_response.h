// What a simulator answers to one HTTP request: the response, and the faults
// to act out while delivering it. A simulator's Handle() is pure (no socket,
// no sleeping), so it is tested without a network; the server that hosts it
// (simulators/host) waits `delay` on a timer and drops the connection
// instead of answering when `drop_connection` is set.
#ifndef BSSFLOW_SIMULATORS_SIMULATED_RESPONSE_H_
#define BSSFLOW_SIMULATORS_SIMULATED_RESPONSE_H_

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>

namespace bssflow::simulators {

using HttpRequest =
    boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse =
    boost::beast::http::response<boost::beast::http::string_body>;

struct SimulatedResponse {
  /// Sent after `delay`, unless `drop_connection` is set.
  HttpResponse response;
  /// How long the host waits before answering (or dropping): injected
  /// latency, and the way a "timeout" fault outlasts the client's timeout.
  std::chrono::milliseconds delay{0};
  /// Close the connection without answering (a dropped connection; with a
  /// delay, a request that timed out after the simulator acted on it).
  bool drop_connection = false;
};

}  // namespace bssflow::simulators

#endif  // BSSFLOW_SIMULATORS_SIMULATED_RESPONSE_H_

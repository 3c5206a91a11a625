// Serves a simulator over HTTP on loopback: the bridge between a pure
// simulator (SimulatedResponse Handle(request), simulated_response.h) and
// the net/ server. The host acts out the faults the simulator asks for: it
// waits `delay` on a timer (no thread is held) and closes the connection
// without an answer when `drop_connection` is set.
//
// SimulatorHost runs its own io_context on a thread of its own, so that the
// simulators keep answering while the caller's thread blocks or runs an
// engine that waits for them (the embedded simulators of the CLI).
#ifndef BSSFLOW_SIMULATORS_HOST_SIMULATOR_HOST_H_
#define BSSFLOW_SIMULATORS_HOST_SIMULATOR_HOST_H_

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "net/http_server.h"
#include "simulators/simulated_response.h"

namespace bssflow::simulators {

/// Answers one request; must be safe to call from the host's thread while
/// the owner reads the simulator's state from another (the simulators
/// guard their state with a mutex).
using SimulatorHandler = std::function<SimulatedResponse(const HttpRequest&)>;

/// A RequestHandler for net::HttpServer that answers with `handler` and acts
/// out its delay and dropped connection.
net::RequestHandler ServeSimulator(SimulatorHandler handler);

/// Simulators served on one thread. Add them, then Start(); Stop() (or the
/// destructor) shuts the servers down gracefully and joins the thread.
class SimulatorHost {
 public:
  SimulatorHost();
  ~SimulatorHost();
  SimulatorHost(const SimulatorHost&) = delete;
  SimulatorHost& operator=(const SimulatorHost&) = delete;

  /// Listens for `handler` on `host`:`port` (0: a free port) and returns the
  /// base URL, e.g. "http://127.0.0.1:40123". Only before Start().
  Result<std::string> Add(SimulatorHandler handler,
                          const std::string& host = "127.0.0.1",
                          uint16_t port = 0);
  /// Starts serving every added simulator on the host's thread.
  Status Start();
  /// Stops the servers and joins the thread; safe to call twice.
  void Stop();

 private:
  boost::asio::io_context io_;
  std::vector<std::unique_ptr<net::HttpServer>> servers_;
  std::thread thread_;
};

}  // namespace bssflow::simulators

#endif  // BSSFLOW_SIMULATORS_HOST_SIMULATOR_HOST_H_

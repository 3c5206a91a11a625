#include "simulators/host/simulator_host.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace bssflow::simulators {

net::RequestHandler ServeSimulator(SimulatorHandler handler) {
  return [handler = std::move(handler)](net::ServerRequest request)
             -> boost::asio::awaitable<std::optional<net::ServerResponse>> {
    SimulatedResponse simulated = handler(request);
    if (simulated.delay.count() > 0) {
      boost::asio::steady_timer wait(co_await boost::asio::this_coro::executor,
                                     simulated.delay);
      // Cancelled when the server shuts down: answer at once then.
      co_await wait.async_wait(
          boost::asio::as_tuple(boost::asio::use_awaitable));
    }
    if (simulated.drop_connection) co_return std::nullopt;
    co_return std::move(simulated.response);
  };
}

SimulatorHost::SimulatorHost() = default;

SimulatorHost::~SimulatorHost() { Stop(); }

Result<std::string> SimulatorHost::Add(SimulatorHandler handler,
                                       const std::string& host, uint16_t port) {
  if (thread_.joinable()) {
    return Status::Error("simulators must be added before the host starts");
  }
  auto server =
      std::make_unique<net::HttpServer>(io_, ServeSimulator(std::move(handler)));
  Result<uint16_t> bound = server->Listen(host, port);
  if (!bound.ok()) return bound.status();
  servers_.push_back(std::move(server));
  return "http://" + host + ":" + std::to_string(bound.value());
}

Status SimulatorHost::Start() {
  if (thread_.joinable()) return Status::Error("the host is already started");
  for (auto& server : servers_) {
    if (Status s = server->Start(); !s.ok()) return s;
  }
  thread_ = std::thread([this] { io_.run(); });
  return Status::Ok();
}

void SimulatorHost::Stop() {
  for (auto& server : servers_) server->Stop();
  if (thread_.joinable()) thread_.join();
  servers_.clear();
}

}  // namespace bssflow::simulators

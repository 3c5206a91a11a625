#include "net/http_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <vector>

#include "net/server_core.h"

namespace bssflow::net {

namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// Accepts until the acceptor closes; each connection on a strand of its own.
asio::awaitable<void> AcceptLoop(std::shared_ptr<ServerCore> core) {
  asio::steady_timer pause(core->strand);
  while (!core->stopping) {
    auto [ec, socket] = co_await core->acceptor.async_accept(
        asio::make_strand(core->executor), asio::as_tuple(asio::use_awaitable));
    if (core->stopping || ec == asio::error::operation_aborted) break;
    if (ec) {
      // Out of file descriptors and the like: breathe, then go on.
      pause.expires_after(std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    ++core->accepted;
    bool rejecting = core->active >= core->options.max_connections;
    if (rejecting) ++core->rejected;
    StartSession(core, std::move(socket), rejecting);
  }
}

std::vector<std::shared_ptr<SessionBase>> LiveSessions(ServerCore& core) {
  std::vector<std::shared_ptr<SessionBase>> live;
  std::lock_guard<std::mutex> lock(core.mutex);
  for (auto& [raw, weak] : core.sessions) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

}  // namespace

ServerCore::ServerCore(asio::any_io_executor executor_in,
                       RequestHandler handler_in, ServerOptions options_in)
    : executor(std::move(executor_in)),
      strand(asio::make_strand(executor)),
      handler(std::move(handler_in)),
      options(std::move(options_in)),
      acceptor(strand),
      shutdown_timer(strand) {}

void ServerCore::Register(SessionBase* session, std::weak_ptr<SessionBase> weak,
                          bool rejecting) {
  if (!rejecting) ++active;
  std::lock_guard<std::mutex> lock(mutex);
  sessions.emplace(session, std::move(weak));
}

void ServerCore::Unregister(SessionBase* session, bool rejecting) {
  if (!rejecting) --active;
  bool last = false;
  {
    std::lock_guard<std::mutex> lock(mutex);
    sessions.erase(session);
    last = sessions.empty();
  }
  if (last && stopping) {
    // Nothing left to force-close: release the executor's work now.
    asio::post(strand,
               [self = shared_from_this()] { self->shutdown_timer.cancel(); });
  }
}

HttpServer::HttpServer(asio::any_io_executor executor, RequestHandler handler,
                       ServerOptions options)
    : core_(std::make_shared<ServerCore>(
          std::move(executor), std::move(handler), std::move(options))) {}

HttpServer::HttpServer(asio::io_context& context, RequestHandler handler,
                       ServerOptions options)
    : HttpServer(context.get_executor(), std::move(handler),
                 std::move(options)) {}

HttpServer::~HttpServer() { Stop(); }

Result<uint16_t> HttpServer::Listen(std::string_view host, uint16_t port) {
  std::string where = std::string(host) + ":" + std::to_string(port);
  boost::system::error_code ec;
  asio::ip::address address =
      host == "localhost" ? asio::ip::make_address("127.0.0.1")
                          : asio::ip::make_address(std::string(host), ec);
  if (ec) {
    return Status::Error("cannot listen on \"" + std::string(host) +
                         "\": not an IP address (use an address such as "
                         "127.0.0.1, ::1 or 0.0.0.0, or localhost)");
  }
  tcp::endpoint endpoint(address, port);
  tcp::acceptor& acceptor = core_->acceptor;
  if (!acceptor.open(endpoint.protocol(), ec) &&
      !acceptor.set_option(asio::socket_base::reuse_address(true), ec) &&
      !acceptor.bind(endpoint, ec) &&
      !acceptor.listen(asio::socket_base::max_listen_connections, ec)) {
    core_->port = acceptor.local_endpoint(ec).port();
    if (!ec) return core_->port;
  }
  boost::system::error_code ignored;
  acceptor.close(ignored);
  return Status::Error("cannot listen on " + where + ": " + ec.message());
}

Status HttpServer::Start() {
  if (!core_->acceptor.is_open()) {
    return Status::Error(
        "cannot start the HTTP server: it is not listening (call Listen() "
        "first, and check its result)");
  }
  asio::co_spawn(core_->strand, AcceptLoop(core_), asio::detached);
  return Status::Ok();
}

void HttpServer::Stop() {
  if (core_->stopping.exchange(true)) return;
  std::shared_ptr<ServerCore> core = core_;
  asio::post(core->strand, [core] {
    boost::system::error_code ignored;
    core->acceptor.close(ignored);
    std::vector<std::shared_ptr<SessionBase>> live = LiveSessions(*core);
    if (live.empty()) return;
    for (auto& session : live) session->OnStop();
    core->shutdown_timer.expires_after(core->options.shutdown_timeout);
    core->shutdown_timer.async_wait([core](boost::system::error_code ec) {
      if (ec) return;  // the last session ended first
      for (auto& session : LiveSessions(*core)) session->ForceClose();
    });
  });
}

uint16_t HttpServer::port() const { return core_->port; }
size_t HttpServer::active_connections() const { return core_->active; }
uint64_t HttpServer::accepted_connections() const { return core_->accepted; }
uint64_t HttpServer::rejected_connections() const { return core_->rejected; }

}  // namespace bssflow::net

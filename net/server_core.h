// Internals of HttpServer shared by the acceptor and the sessions (not part
// of the public interface).
#ifndef BSSFLOW_NET_SERVER_CORE_H_
#define BSSFLOW_NET_SERVER_CORE_H_

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <map>
#include <memory>
#include <mutex>

#include "net/http_server.h"

namespace bssflow::net {

/// What the server asks of a session, whatever its stream type. Both calls
/// may come from any thread; the session does the work on its strand.
class SessionBase {
 public:
  virtual ~SessionBase() = default;
  /// The server is stopping: close now if idle, else after this request.
  virtual void OnStop() = 0;
  /// The shutdown grace is over: close the socket, cancel the handler.
  virtual void ForceClose() = 0;
};

/// The state of one HttpServer, shared (shared_ptr) by the server object,
/// its accept loop and every session.
struct ServerCore : std::enable_shared_from_this<ServerCore> {
  ServerCore(boost::asio::any_io_executor executor_in,
             RequestHandler handler_in, ServerOptions options_in);

  /// Registers a live session; `rejecting` ones do not count as active.
  void Register(SessionBase* session, std::weak_ptr<SessionBase> weak,
                bool rejecting);
  /// Unregisters it (from its destructor); the last one out after Stop()
  /// cancels the shutdown timer.
  void Unregister(SessionBase* session, bool rejecting);

  boost::asio::any_io_executor executor;
  /// The acceptor's strand: the acceptor and the shutdown timer live here.
  boost::asio::strand<boost::asio::any_io_executor> strand;
  const RequestHandler handler;
  const ServerOptions options;
  boost::asio::ip::tcp::acceptor acceptor;
  boost::asio::steady_timer shutdown_timer;
  uint16_t port = 0;

  std::atomic<bool> stopping{false};
  std::atomic<size_t> active{0};
  std::atomic<uint64_t> accepted{0};
  std::atomic<uint64_t> rejected{0};

  std::mutex mutex;  // guards `sessions`
  std::map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
};

/// Starts serving `socket` (bound to a fresh strand) in a new session; a
/// `rejecting` session reads one request header, answers 503 and closes.
void StartSession(std::shared_ptr<ServerCore> core,
                  boost::asio::ip::tcp::socket socket, bool rejecting);

}  // namespace bssflow::net

#endif  // BSSFLOW_NET_SERVER_CORE_H_

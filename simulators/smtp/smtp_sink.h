// The SMTP sink: an SMTP server on loopback for tests and demos. It accepts
// sessions (SinkConversation speaks the protocol), keeps every message it
// receives for inspection, and acts out injected faults: a 421 greeting,
// 451 or 550 to chosen recipients, a connection dropped after DATA, a
// session that stops answering. docs/simulators/smtp.md.
//
// The sink runs its own io_context on a thread of its own (as
// simulators/host does for the HTTP simulators), so that it keeps answering
// while the test thread runs the client. Every member may be called from
// any thread; the state the owner reads (messages, commands, faults) is
// guarded by a mutex.
#ifndef BSSFLOW_SIMULATORS_SMTP_SMTP_SINK_H_
#define BSSFLOW_SIMULATORS_SMTP_SMTP_SINK_H_

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "simulators/smtp/received_message.h"
#include "simulators/smtp/sink_conversation.h"

namespace bssflow::simulators::smtp {

/// Where and how the sink listens; every field has a default.
struct SmtpSinkOptions {
  /// A loopback address to listen on ("127.0.0.1", "::1").
  std::string host = "127.0.0.1";
  /// 0: a free port, which Start() returns.
  uint16_t port = 0;
  /// The protocol side: name, AUTH credentials, STARTTLS, 8BITMIME, size.
  SinkSettings settings;
  /// The server's certificate chain and key, required when
  /// settings.starttls is set. Shared with the caller.
  std::shared_ptr<boost::asio::ssl::context> tls;
  /// How long the sink waits for a line or to write a reply (and a stalled
  /// session for the client to leave) before it closes the connection.
  std::chrono::milliseconds idle_timeout{30'000};
};

/// The sink. Start() it, point a client at port(), read Messages().
class SmtpSink {
 public:
  explicit SmtpSink(SmtpSinkOptions options = {});
  /// Stops the sink (Stop()).
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  /// Binds, listens and starts serving on the sink's thread; returns the
  /// bound port. An error for a host that is not a loopback address, a
  /// STARTTLS offer without a TLS context, a port that cannot be bound, or
  /// a second Start() (even after Stop(): a sink serves once).
  Result<uint16_t> Start();
  /// Closes the listener and every connection, then joins the thread. Safe
  /// to call twice; not from the sink's own thread. Messages stay readable.
  void Stop();

  /// The bound port; 0 before Start().
  uint16_t port() const { return port_; }

  /// Replaces the faults; sessions that start afterwards act them out.
  void SetFaults(SmtpFaults faults);
  /// The messages received so far, oldest first (unacknowledged ones too).
  std::vector<ReceivedMessage> Messages() const;
  void ClearMessages();
  /// Every command received so far, in order, across sessions ("EHLO
  /// localhost", "AUTH PLAIN ***", "QUIT"); message data is not included.
  std::vector<std::string> Commands() const;
  /// Sessions accepted since Start().
  uint64_t sessions() const { return sessions_; }

 private:
  class Connection;

  boost::asio::awaitable<void> Accept();
  boost::asio::awaitable<void> Serve(std::shared_ptr<Connection> connection);
  boost::asio::awaitable<bool> Act(Connection& connection,
                                   SinkConversation& conversation,
                                   const SinkStep& step);
  void Keep(const SinkStep& step);
  SmtpFaults CurrentFaults() const;

  const SmtpSinkOptions options_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::thread thread_;
  uint16_t port_ = 0;
  bool started_ = false;
  std::atomic<uint64_t> sessions_{0};
  // Touched on the sink's thread only.
  std::set<std::shared_ptr<Connection>> connections_;

  mutable std::mutex mutex_;
  SmtpFaults faults_;
  std::vector<ReceivedMessage> messages_;
  std::vector<std::string> commands_;
};

}  // namespace bssflow::simulators::smtp

#endif  // BSSFLOW_SIMULATORS_SMTP_SMTP_SINK_H_

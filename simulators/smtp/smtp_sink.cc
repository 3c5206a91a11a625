#include "simulators/smtp/smtp_sink.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <optional>
#include <utility>

namespace bssflow::simulators::smtp {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::as_tuple;
using asio::use_awaitable;
using asio::ip::tcp;
using boost::system::error_code;
using std::chrono::milliseconds;

// Longest line read, CRLF included: commands are short, message lines at
// most 1000 bytes; more is a client gone wrong.
constexpr size_t kMaxLine = 64 * 1024;

}  // namespace

/// One accepted connection: TCP, upgraded in place to TLS by STARTTLS.
/// Used by its session coroutine only (and closed by Stop(), on the same
/// thread).
class SmtpSink::Connection {
 public:
  explicit Connection(tcp::socket socket) { tcp_.emplace(std::move(socket)); }

  asio::awaitable<error_code> ReadLine(std::string& line,
                                       milliseconds timeout) {
    auto buffer = asio::dynamic_buffer(buffer_, kMaxLine);
    Tcp().expires_after(timeout);
    error_code ec;
    size_t length = 0;
    if (tls_) {
      std::tie(ec, length) = co_await asio::async_read_until(
          *tls_, buffer, "\n", as_tuple(use_awaitable));
    } else {
      std::tie(ec, length) = co_await asio::async_read_until(
          *tcp_, buffer, "\n", as_tuple(use_awaitable));
    }
    if (ec == asio::error::not_found) co_return asio::error::message_size;
    if (ec) co_return ec;
    line.assign(buffer_, 0, length);
    buffer_.erase(0, length);
    co_return error_code();
  }

  asio::awaitable<error_code> Write(const std::string& data,
                                    milliseconds timeout) {
    Tcp().expires_after(timeout);
    error_code ec;
    size_t written = 0;
    if (tls_) {
      std::tie(ec, written) = co_await asio::async_write(
          *tls_, asio::buffer(data), as_tuple(use_awaitable));
    } else {
      std::tie(ec, written) = co_await asio::async_write(
          *tcp_, asio::buffer(data), as_tuple(use_awaitable));
    }
    co_return ec;
  }

  asio::awaitable<error_code> StartTls(asio::ssl::context& context,
                                       milliseconds timeout) {
    // Whatever came in the clear after STARTTLS is discarded (RFC 3207 4).
    buffer_.clear();
    tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(
        std::move(*tcp_), context);
    tcp_.reset();
    Tcp().expires_after(timeout);
    auto [ec] = co_await tls_->async_handshake(asio::ssl::stream_base::server,
                                               as_tuple(use_awaitable));
    co_return ec;
  }

  // Reads and ignores everything until the client leaves (a stall).
  asio::awaitable<void> Drain(milliseconds timeout) {
    char scratch[4096];
    while (true) {
      Tcp().expires_after(timeout);
      error_code ec;
      size_t ignored = 0;
      auto bytes = asio::buffer(scratch);
      if (tls_) {
        std::tie(ec, ignored) =
            co_await tls_->async_read_some(bytes, as_tuple(use_awaitable));
      } else {
        std::tie(ec, ignored) =
            co_await tcp_->async_read_some(bytes, as_tuple(use_awaitable));
      }
      if (ec) co_return;
    }
  }

  void Close() {
    error_code ignored;
    Tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Tcp().close();
  }

 private:
  beast::tcp_stream& Tcp() { return tls_ ? tls_->next_layer() : *tcp_; }

  std::optional<beast::tcp_stream> tcp_;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls_;
  std::string buffer_;
};

SmtpSink::SmtpSink(SmtpSinkOptions options)
    : options_(std::move(options)), acceptor_(io_) {}

SmtpSink::~SmtpSink() { Stop(); }

Result<uint16_t> SmtpSink::Start() {
  // One run per sink: after Stop() its io_context has run out of work.
  if (started_) return Status::Error("the SMTP sink was started already");
  if (options_.settings.starttls && options_.tls == nullptr) {
    return Status::Error(
        "the SMTP sink offers STARTTLS only with a TLS context "
        "(SmtpSinkOptions::tls)");
  }
  error_code ec;
  asio::ip::address address = asio::ip::make_address(options_.host, ec);
  if (ec || !address.is_loopback()) {
    return Status::Error(
        "the SMTP sink listens on a loopback address only, "
        "not \"" +
        options_.host + "\"");
  }
  tcp::endpoint endpoint(address, options_.port);
  std::string where = options_.host + ":" + std::to_string(options_.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    acceptor_.close();
    return Status::Error("the SMTP sink cannot listen on " + where + ": " +
                         ec.message());
  }
  port_ = acceptor_.local_endpoint().port();
  started_ = true;
  asio::co_spawn(io_, Accept(), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
  return port_;
}

void SmtpSink::Stop() {
  if (!thread_.joinable()) return;
  asio::post(io_, [this] {
    error_code ignored;
    acceptor_.close(ignored);
    for (const auto& connection : connections_) connection->Close();
  });
  thread_.join();
}

void SmtpSink::SetFaults(SmtpFaults faults) {
  std::lock_guard<std::mutex> lock(mutex_);
  faults_ = std::move(faults);
}

SmtpFaults SmtpSink::CurrentFaults() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return faults_;
}

std::vector<ReceivedMessage> SmtpSink::Messages() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return messages_;
}

void SmtpSink::ClearMessages() {
  std::lock_guard<std::mutex> lock(mutex_);
  messages_.clear();
}

std::vector<std::string> SmtpSink::Commands() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return commands_;
}

void SmtpSink::Keep(const SinkStep& step) {
  if (step.command.empty() && !step.message.has_value()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (!step.command.empty()) commands_.push_back(step.command);
  if (step.message.has_value()) messages_.push_back(*step.message);
}

asio::awaitable<void> SmtpSink::Accept() {
  while (true) {
    auto [ec, socket] =
        co_await acceptor_.async_accept(as_tuple(use_awaitable));
    if (!acceptor_.is_open()) co_return;
    if (ec) continue;
    auto connection = std::make_shared<Connection>(std::move(socket));
    connections_.insert(connection);
    asio::co_spawn(io_, Serve(connection), asio::detached);
  }
}

asio::awaitable<void> SmtpSink::Serve(std::shared_ptr<Connection> connection) {
  ++sessions_;
  SinkConversation conversation(options_.settings, CurrentFaults());
  SinkStep step = conversation.Open();
  while (true) {
    bool more = co_await Act(*connection, conversation, step);
    if (!more) break;
    std::string line;
    error_code ec = co_await connection->ReadLine(line, options_.idle_timeout);
    if (ec == asio::error::message_size) {
      const std::string reply = "500 5.5.2 Line too long\r\n";
      error_code ignored =
          co_await connection->Write(reply, options_.idle_timeout);
      (void)ignored;
      break;
    }
    if (ec) break;
    step = conversation.Receive(line);
  }
  connection->Close();
  connections_.erase(connection);
}

// Keeps what `step` brought, writes its reply, and acts on it; false when
// the session is over.
asio::awaitable<bool> SmtpSink::Act(Connection& connection,
                                    SinkConversation& conversation,
                                    const SinkStep& step) {
  // Kept before the reply goes out: a client that has its 250 finds the
  // message already there.
  Keep(step);
  if (!step.reply.empty()) {
    error_code ec =
        co_await connection.Write(step.reply, options_.idle_timeout);
    if (ec) co_return false;
  }
  using Then = SinkStep::Then;
  if (step.then == Then::kRead) co_return true;
  if (step.then == Then::kStall) {
    co_await connection.Drain(options_.idle_timeout);
    co_return false;
  }
  if (step.then != Then::kStartTls) co_return false;  // kClose, kDrop
  error_code ec =
      co_await connection.StartTls(*options_.tls, options_.idle_timeout);
  if (ec) co_return false;
  conversation.TlsStarted();
  co_return true;
}

}  // namespace bssflow::simulators::smtp

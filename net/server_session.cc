// One connection of an HttpServer: a coroutine on the connection's strand
// that reads a request, lets the handler answer it, writes the answer, and
// starts over while the connection is kept alive.
//
// Deadlines: a strand timer armed before every socket operation cancels the
// socket's pending operations when it expires (it does not close the
// socket, unlike beast::tcp_stream's own timeouts), so that a request that
// timed out can still be answered 408.
#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "net/problem.h"
#include "net/request_id.h"
#include "net/server_core.h"

namespace bssflow::net {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::as_tuple;
using asio::use_awaitable;
using boost::system::error_code;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr size_t kMaxLingerBytes = 1024 * 1024;

std::string Ms(std::chrono::milliseconds ms) {
  return std::to_string(ms.count()) + " ms";
}

bool IsParseError(const error_code& ec) {
  return ec.category() ==
         http::make_error_code(http::error::bad_method).category();
}

/// A request read from the connection, or the answer to a request that
/// could not be read (408/413/431/400), or neither (the peer went away).
struct ReadOutcome {
  std::optional<ServerRequest> request;
  std::optional<ServerResponse> error;
};

template <typename Stream>
class Session : public SessionBase,
                public std::enable_shared_from_this<Session<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Session(std::shared_ptr<ServerCore> core, asio::ip::tcp::socket socket,
          bool rejecting)
      : core_(std::move(core)),
        stream_(MakeStream(std::move(socket))),
        timer_(stream_.get_executor()),
        rejecting_(rejecting) {}

  ~Session() override { core_->Unregister(this, rejecting_); }

  void Begin() {
    auto self = this->shared_from_this();
    core_->Register(this, self, rejecting_);
    asio::co_spawn(
        stream_.get_executor(), Run(self),
        asio::bind_cancellation_slot(cancel_.slot(), asio::detached));
  }

  void OnStop() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      if (self->idle_) self->CancelSocket();
    });
  }

  void ForceClose() override {
    asio::post(stream_.get_executor(), [self = this->shared_from_this()] {
      self->cancel_.emit(asio::cancellation_type::terminal);
      error_code ignored;
      self->Socket().close(ignored);
    });
  }

 private:
  Stream MakeStream(asio::ip::tcp::socket socket) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *core_->options.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  asio::ip::tcp::socket& Socket() {
    return beast::get_lowest_layer(stream_).socket();
  }

  void CancelSocket() {
    error_code ignored;
    Socket().cancel(ignored);
  }

  // Arms the deadline of the next socket operation; see the file comment.
  void Arm(std::chrono::milliseconds timeout) {
    timed_out_ = false;
    timer_.expires_after(timeout);
    timer_.async_wait([self = this->shared_from_this(),
                       generation = ++generation_](error_code ec) {
      if (ec || generation != self->generation_) return;
      self->timed_out_ = true;
      self->CancelSocket();
    });
  }

  void Disarm() {
    ++generation_;
    timer_.cancel();
  }

  // `self` keeps the session alive as long as the coroutine runs.
  asio::awaitable<void> Run(std::shared_ptr<Session> self) {
    try {
      co_await Serve();
    } catch (const std::exception&) {
      // Cancelled by ForceClose(), or an allocation failure: just close.
    }
    Disarm();
    error_code ignored;
    Socket().close(ignored);
    (void)self;
  }

  asio::awaitable<void> Serve() {
    if constexpr (kTls) {
      Arm(core_->options.header_timeout);
      auto [ec] = co_await stream_.async_handshake(
          asio::ssl::stream_base::server, as_tuple(use_awaitable));
      Disarm();
      if (ec) co_return;
    }
    for (;;) {
      // (No co_await inside conditions: GCC 12 miscompiles some of them.)
      bool arriving = co_await WaitForRequest();
      if (!arriving) co_return;
      ReadOutcome read = co_await ReadRequest();
      if (read.error.has_value()) {
        co_await AnswerAndClose(std::move(*read.error));
        co_return;
      }
      if (!read.request.has_value()) co_return;
      if (rejecting_) {
        ServerResponse busy = ProblemResponse(
            ProblemOf(503, "the server is serving its maximum of " +
                               std::to_string(core_->options.max_connections) +
                               " connections; retry later"));
        co_await AnswerAndClose(Tagged(std::move(busy), SentId(*read.request)));
        co_return;
      }
      bool keep_alive = co_await Answer(std::move(*read.request));
      if (!keep_alive) co_return;
    }
  }

  // Waits (idle_timeout at most) until the next request starts to arrive.
  // False when the connection should close instead.
  asio::awaitable<bool> WaitForRequest() {
    if (buffer_.size() > 0) co_return true;
    if constexpr (kTls) {
      if (SSL_pending(stream_.native_handle()) > 0) co_return true;
    }
    if (core_->stopping) co_return false;
    idle_ = true;
    Arm(core_->options.idle_timeout);
    auto [ec] = co_await Socket().async_wait(asio::socket_base::wait_read,
                                             as_tuple(use_awaitable));
    Disarm();
    idle_ = false;
    co_return !ec && !core_->stopping;
  }

  asio::awaitable<ReadOutcome> ReadRequest() {
    const ServerOptions& options = core_->options;
    http::request_parser<http::string_body> parser;
    parser.header_limit(options.header_limit);
    // The body limit is checked once the whole header is in (below), so
    // that a 413 can carry what the header says (its request id).
    parser.body_limit(boost::none);
    Arm(options.header_timeout);
    auto [ec, n] = co_await http::async_read_header(stream_, buffer_, parser,
                                                    as_tuple(use_awaitable));
    Disarm();
    if (ec) {
      co_return ReadFailure(ec, "header", options.header_timeout, "");
    }
    if (rejecting_) co_return ReadOutcome{parser.release(), std::nullopt};
    if (std::optional<std::string> wrong = FramingProblem(parser)) {
      co_return ReadOutcome{
          std::nullopt, Tagged(ProblemResponse(ProblemOf(400, *wrong)),
                               SentId(parser.get()))};
    }
    const auto length = parser.content_length();  // boost::optional
    if (length && *length > options.body_limit) {
      co_return ReadFailure(http::error::body_limit, "body",
                            options.body_timeout, SentId(parser.get()));
    }
    parser.body_limit(options.body_limit);  // for a chunked body
    if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
      http::response<http::empty_body> go_on(http::status::continue_, 11);
      bool written = co_await Write(go_on);
      if (!written) co_return ReadOutcome{};
    }
    if (!parser.is_done()) {
      Arm(options.body_timeout);
      auto [body_ec, body_n] = co_await http::async_read(
          stream_, buffer_, parser, as_tuple(use_awaitable));
      Disarm();
      if (body_ec) {
        co_return ReadFailure(body_ec, "body", options.body_timeout,
                              SentId(parser.get()));
      }
    }
    co_return ReadOutcome{parser.release(), std::nullopt};
  }

  // Why the header just read does not say where the request ends, or has no
  // one Host (RFC 9112 sections 3.2 and 6.1); nullopt when it is sound. The
  // parser itself refuses a Content-Length beside chunked, but takes any
  // other Transfer-Encoding as no body: the body would then be read as the
  // next request, which a proxy in front reads otherwise (smuggling).
  static std::optional<std::string> FramingProblem(
      const http::request_parser<http::string_body>& parser) {
    const auto& header = parser.get();
    const auto codings = header.count(http::field::transfer_encoding);
    if (codings > 1 ||
        (codings == 1 &&
         !beast::iequals(Trimmed(header[http::field::transfer_encoding]),
                         "chunked"))) {
      return std::string(
          "malformed request: the only Transfer-Encoding taken is chunked");
    }
    if (header.version() >= 11 && header.count(http::field::host) != 1) {
      return std::string(
          "malformed request: an HTTP/1.1 request needs one Host header");
    }
    return std::nullopt;
  }

  static std::string_view Trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
      text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
      text.remove_suffix(1);
    return text;
  }

  // The request id the client sent in `fields` (a request's header), or
  // "" when the server tags nothing.
  template <typename Fields>
  std::string_view SentId(const Fields& fields) const {
    const std::string& name = core_->options.request_id_header;
    if (name.empty()) return {};
    return fields[name];
  }

  // `response` with the request id header, when the server tags its own
  // answers (ServerOptions::request_id_header).
  ServerResponse Tagged(ServerResponse response, std::string_view sent_id) {
    const std::string& name = core_->options.request_id_header;
    if (!name.empty()) response.set(name, RequestIdFor(sent_id));
    return response;
  }

  ReadOutcome ReadFailure(const error_code& ec, const char* part,
                          std::chrono::milliseconds timeout,
                          std::string_view sent_id) {
    ReadOutcome outcome = ReadFailureOf(ec, part, timeout);
    if (outcome.error.has_value()) {
      outcome.error = Tagged(std::move(*outcome.error), sent_id);
    }
    return outcome;
  }

  ReadOutcome ReadFailureOf(const error_code& ec, const char* part,
                            std::chrono::milliseconds timeout) {
    const ServerOptions& options = core_->options;
    if (ec == asio::error::operation_aborted && timed_out_) {
      return {std::nullopt,
              ProblemResponse(
                  ProblemOf(408, std::string("the request ") + part +
                                     " did not arrive within " + Ms(timeout)))};
    }
    if (ec == http::error::header_limit) {
      return {std::nullopt,
              ProblemResponse(ProblemOf(
                  431, "the request header exceeds the limit of " +
                           std::to_string(options.header_limit) + " bytes"))};
    }
    if (ec == http::error::body_limit) {
      return {std::nullopt,
              ProblemResponse(ProblemOf(
                  413, "the request body exceeds the limit of " +
                           std::to_string(options.body_limit) + " bytes"))};
    }
    if (IsParseError(ec) && ec != http::error::end_of_stream &&
        ec != http::error::partial_message) {
      return {std::nullopt, ProblemResponse(ProblemOf(
                                400, "malformed request: " + ec.message()))};
    }
    return {};  // the peer closed or reset the connection: nobody to answer
  }

  // Runs the handler and writes its response; false when the connection
  // must close.
  asio::awaitable<bool> Answer(ServerRequest request) {
    const bool head = request.method() == http::verb::head;
    const unsigned version = request.version();
    const bool client_keep_alive = request.keep_alive();
    std::optional<ServerResponse> response =
        co_await CallHandler(std::move(request));
    if (!response.has_value()) co_return false;  // drop: close unanswered
    bool handler_close =
        http::token_list{(*response)[http::field::connection]}.exists("close");
    bool keep_alive = client_keep_alive && !handler_close && !core_->stopping;
    response->version(version);
    response->keep_alive(keep_alive);
    if (!core_->options.server_name.empty() &&
        response->find(http::field::server) == response->end()) {
      response->set(http::field::server, core_->options.server_name);
    }
    response->prepare_payload();
    if (head) {
      // The headers of a GET, without its body.
      auto length = response->body().size();
      response->body().clear();
      response->content_length(length);
    }
    bool written = co_await Write(*response);
    if (!written) co_return false;
    if (!keep_alive) co_await Shutdown();
    co_return keep_alive;
  }

  asio::awaitable<std::optional<ServerResponse>> CallHandler(
      ServerRequest request) {
    try {
      co_return co_await core_->handler(std::move(request));
    } catch (const std::exception&) {
    }
    // Whatever the handler threw stays inside the server.
    co_return Tagged(ProblemResponse(ProblemOf(
                         500, "the request handler failed unexpectedly")),
                     "");
  }

  template <typename Message>
  asio::awaitable<bool> Write(Message& message) {
    Arm(core_->options.write_timeout);
    auto [ec, n] =
        co_await http::async_write(stream_, message, as_tuple(use_awaitable));
    Disarm();
    co_return !ec;
  }

  asio::awaitable<void> AnswerAndClose(ServerResponse response) {
    if (core_->options.on_own_answer) core_->options.on_own_answer(response);
    if (!core_->options.server_name.empty())
      response.set(http::field::server, core_->options.server_name);
    response.keep_alive(false);
    bool written = co_await Write(response);
    if (written) co_await Shutdown();
  }

  // Ends the connection after a response that said "Connection: close":
  // TLS close_notify, then a lingering close (half-close, then read and
  // discard for linger_timeout at most) so the client reads our answer.
  asio::awaitable<void> Shutdown() {
    Arm(core_->options.linger_timeout);
    if constexpr (kTls) {
      auto [ec] = co_await stream_.async_shutdown(as_tuple(use_awaitable));
      (void)ec;
    } else {
      error_code ignored;
      Socket().shutdown(asio::socket_base::shutdown_send, ignored);
      char discard[4096];
      size_t total = 0;
      while (total < kMaxLingerBytes) {
        auto [ec, n] = co_await Socket().async_read_some(
            asio::buffer(discard), as_tuple(use_awaitable));
        if (ec) break;
        total += n;
      }
    }
    Disarm();
  }

  std::shared_ptr<ServerCore> core_;
  Stream stream_;
  beast::flat_buffer buffer_;
  asio::steady_timer timer_;
  asio::cancellation_signal cancel_;
  const bool rejecting_;
  bool idle_ = false;       // waiting for the next request: Stop() closes
  bool timed_out_ = false;  // the last deadline expired
  uint64_t generation_ = 0;
};

}  // namespace

void StartSession(std::shared_ptr<ServerCore> core,
                  asio::ip::tcp::socket socket, bool rejecting) {
  if (core->options.tls) {
    std::make_shared<Session<TlsStream>>(std::move(core), std::move(socket),
                                         rejecting)
        ->Begin();
  } else {
    std::make_shared<Session<PlainStream>>(std::move(core), std::move(socket),
                                           rejecting)
        ->Begin();
  }
}

}  // namespace bssflow::net

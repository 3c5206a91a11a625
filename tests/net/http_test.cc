// The HTTP server and client together, over real sockets on loopback.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/http_client.h"
#include "net/http_server.h"

namespace bssflow::net {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using std::chrono::milliseconds;

constexpr char kTestData[] = BSSFLOW_NET_TESTDATA;

ServerResponse Text(unsigned status, std::string body) {
  ServerResponse response;
  response.result(status);
  response.set(http::field::content_type, "text/plain");
  response.body() = std::move(body);
  return response;
}

asio::awaitable<void> Sleep(milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

HttpRequest Req(std::string url,
                std::optional<RetryPolicy> retry = std::nullopt,
                std::string method = "GET", std::string body = "") {
  HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.body = std::move(body);
  request.retry = std::move(retry);
  return request;
}

// A policy that retries quickly (the tests measure behaviour, not waits).
RetryPolicy QuickRetries(int attempts) {
  RetryPolicy policy;
  policy.max_attempts = attempts;
  policy.base_delay = milliseconds(5);
  policy.max_delay = milliseconds(20);
  return policy;
}

class HttpTest : public ::testing::Test {
 protected:
  void StartServer(RequestHandler handler, ServerOptions options = {},
                   std::string_view host = "127.0.0.1") {
    server_ = std::make_unique<HttpServer>(io_, std::move(handler),
                                           std::move(options));
    Result<uint16_t> port = server_->Listen(host, 0);
    ASSERT_TRUE(port.ok()) << port.status().message();
    port_ = port.value();
    ASSERT_TRUE(server_->Start().ok());
  }

  std::unique_ptr<HttpClient> Client(ClientOptions options = {}) {
    options.log = [this](const LogLine& line) { log_.push_back(line); };
    Result<std::unique_ptr<HttpClient>> client =
        HttpClient::Create(io_.get_executor(), std::move(options));
    EXPECT_TRUE(client.ok()) << client.status().message();
    return client.ok() ? std::move(client).value() : nullptr;
  }

  std::string Url(const std::string& path,
                  const std::string& host = "127.0.0.1",
                  const std::string& scheme = "http") {
    return scheme + "://" + host + ":" + std::to_string(port_) + path;
  }

  // Runs `task` on the io_context until it completes (30 s at most).
  template <typename T>
  T Run(asio::awaitable<T> task) {
    std::optional<T> result;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          result.emplace(co_await std::move(task));
        },
        [](std::exception_ptr error) {
          if (error) std::rethrow_exception(error);
        });
    RunUntil([&] { return result.has_value(); });
    if (!result.has_value()) throw std::runtime_error("task did not finish");
    return std::move(*result);
  }

  template <typename Predicate>
  void RunUntil(Predicate done) {
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    io_.restart();
    while (!done() && std::chrono::steady_clock::now() < give_up)
      io_.run_one_for(milliseconds(50));
  }

  Result<HttpResponse> Send(HttpClient& client, HttpRequest request) {
    return Run(client.Send(std::move(request)));
  }

  std::string ErrorOf(const Result<HttpResponse>& result) {
    return result.ok() ? "(no error: status " +
                             std::to_string(result.value().status) + ")"
                       : result.status().message();
  }

  // Sends `text` on a raw connection and returns all it receives until the
  // server closes the connection.
  asio::awaitable<std::string> RawExchange(std::string text) {
    asio::ip::tcp::socket socket(co_await asio::this_coro::executor);
    co_await socket.async_connect({asio::ip::make_address("127.0.0.1"), port_},
                                  asio::use_awaitable);
    co_await asio::async_write(socket, asio::buffer(text), asio::use_awaitable);
    std::string received;
    auto [ec, n] =
        co_await asio::async_read(socket, asio::dynamic_buffer(received),
                                  asio::as_tuple(asio::use_awaitable));
    (void)n;
    if (ec != asio::error::eof)
      received += "\n[read ended with: " + ec.message() + "]";
    co_return received;
  }

  asio::io_context io_;
  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
  std::vector<LogLine> log_;
};

RequestHandler Echo() {
  return [](ServerRequest request)
             -> asio::awaitable<std::optional<ServerResponse>> {
    ServerResponse response =
        Text(200, std::string(request.method_string()) + " " +
                      std::string(request.target()) + " " + request.body());
    response.set("X-Seen-Request-Id", request["X-Request-Id"]);
    co_return response;
  };
}

TEST_F(HttpTest, RoundTrip) {
  StartServer(Echo());
  auto client = Client();
  HttpRequest request;
  request.method = "POST";
  request.url = Url("/v1/echo?x=1");
  request.headers.set(http::field::content_type, "application/json");
  request.headers.set(http::field::authorization, "Bearer abc.def");
  request.body = R"({"password":"hunter2","name":"ann"})";
  Result<HttpResponse> response = Send(*client, request);
  ASSERT_TRUE(response.ok()) << ErrorOf(response);
  EXPECT_EQ(response.value().status, 200u);
  EXPECT_EQ(response.value().body,
            R"(POST /v1/echo?x=1 {"password":"hunter2","name":"ann"})");
  EXPECT_EQ(response.value().attempts, 1);
  EXPECT_EQ(response.value().request_id.size(), 36u);
  EXPECT_EQ(response.value().headers["X-Seen-Request-Id"],
            response.value().request_id);
  EXPECT_EQ(response.value().headers[http::field::server], "bssflow");

  // The log saw the request redacted, and the response.
  ASSERT_EQ(log_.size(), 2u);
  EXPECT_EQ(log_[0].event, LogLine::Event::kRequest);
  EXPECT_EQ(log_[0].body, R"({"name":"ann","password":"***"})");
  std::vector<LoggedHeader> logged = log_[0].headers;
  ASSERT_EQ(logged.size(), 6u);
  EXPECT_EQ(logged[0], LoggedHeader("Content-Type", "application/json"));
  EXPECT_EQ(logged[1], LoggedHeader("Authorization", "***"));
  EXPECT_EQ(logged[2],
            LoggedHeader("Host", "127.0.0.1:" + std::to_string(port_)));
  EXPECT_EQ(logged[3], LoggedHeader("User-Agent", "bssflow"));
  EXPECT_EQ(logged[4],
            LoggedHeader("X-Request-Id", response.value().request_id));
  EXPECT_EQ(logged[5], LoggedHeader("Content-Length", "35"));
  EXPECT_EQ(log_[1].event, LogLine::Event::kResponse);
  EXPECT_EQ(log_[1].status, 200u);
  EXPECT_EQ(log_[1].url, Url("/v1/echo?x=1"));
}

TEST_F(HttpTest, GivenRequestIdIsKept) {
  StartServer(Echo());
  auto client = Client();
  HttpRequest request;
  request.url = Url("/");
  request.headers.set("X-Request-Id", "req-42");
  Result<HttpResponse> response = Send(*client, request);
  ASSERT_TRUE(response.ok()) << ErrorOf(response);
  EXPECT_EQ(response.value().request_id, "req-42");
  EXPECT_EQ(response.value().headers["X-Seen-Request-Id"], "req-42");
}

TEST_F(HttpTest, KeepAliveReusesOneConnection) {
  StartServer(Echo());
  auto client = Client();
  for (int i = 0; i < 3; ++i) {
    Result<HttpResponse> response = Send(*client, Req(Url("/n")));
    ASSERT_TRUE(response.ok()) << ErrorOf(response);
    EXPECT_EQ(response.value().body, "GET /n ");
  }
  EXPECT_EQ(server_->accepted_connections(), 1u);
  EXPECT_EQ(client->connections_opened(), 1u);
  EXPECT_EQ(client->idle_connections(), 1u);
}

TEST_F(HttpTest, ConnectionClosedByIdleServerIsNotReused) {
  ServerOptions options;
  options.idle_timeout = milliseconds(100);
  StartServer(Echo(), options);
  auto client = Client();
  ASSERT_TRUE(Send(*client, Req(Url("/1"))).ok());
  Run([]() -> asio::awaitable<bool> {
    co_await Sleep(milliseconds(400));  // the server closes the idle connection
    co_return true;
  }());
  Result<HttpResponse> response = Send(*client, Req(Url("/2")));
  ASSERT_TRUE(response.ok()) << ErrorOf(response);
  EXPECT_EQ(response.value().attempts, 1);
  EXPECT_EQ(client->connections_opened(), 2u);
  EXPECT_EQ(server_->accepted_connections(), 2u);
}

TEST_F(HttpTest, BodyOverLimitIs413Problem) {
  ServerOptions options;
  options.body_limit = 1024;
  StartServer(Echo(), options);
  auto client = Client();
  HttpRequest request = Req(Url("/upload"), std::nullopt, "POST");
  request.body = std::string(4096, 'x');
  Result<HttpResponse> response = Send(*client, request);
  ASSERT_TRUE(response.ok()) << ErrorOf(response);
  EXPECT_EQ(response.value().status, 413u);
  EXPECT_EQ(response.value().headers[http::field::content_type],
            "application/problem+json");
  EXPECT_EQ(response.value().body,
            R"({"type":"about:blank","title":"Payload Too Large","status":413,)"
            R"("detail":"the request body exceeds the limit of 1024 bytes"})");
  EXPECT_EQ(response.value().headers[http::field::connection], "close");
}

TEST_F(HttpTest, SlowHeaderIs408ThenClosed) {
  ServerOptions options;
  options.header_timeout = milliseconds(200);
  StartServer(Echo(), options);
  std::string received =
      Run(RawExchange("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
  std::string body =
      R"({"type":"about:blank","title":"Request Timeout","status":408,)"
      R"("detail":"the request header did not arrive within 200 ms"})";
  EXPECT_EQ(received,
            "HTTP/1.1 408 Request Timeout\r\n"
            "Content-Type: application/problem+json\r\n"
            "Content-Length: " +
                std::to_string(body.size()) +
                "\r\n"
                "Server: bssflow\r\n"
                "Connection: close\r\n\r\n" +
                body);
}

TEST_F(HttpTest, HugeHeaderIs431) {
  ServerOptions options;
  options.header_limit = 256;
  StartServer(Echo(), options);
  std::string received =
      Run(RawExchange("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " +
                      std::string(1000, 'a') + "\r\n\r\n"));
  EXPECT_TRUE(
      received.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
      << received;
  EXPECT_TRUE(received.ends_with(
      R"("detail":"the request header exceeds the limit of 256 bytes"})"))
      << received;
}

TEST_F(HttpTest, MalformedRequestIs400) {
  StartServer(Echo());
  std::string received = Run(RawExchange("GET / HTTP/9.9\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(received.starts_with("HTTP/1.1 400 Bad Request\r\n")) << received;
  EXPECT_TRUE(
      received.ends_with(R"("detail":"malformed request: bad version"})"))
      << received;
}

// A body the parser would skip (a Transfer-Encoding other than chunked) is
// not read as the next request: one 400, and the connection closes. So is a
// request without a Host.
TEST_F(HttpTest, RequestsThatDoNotSayWhereTheyEndAre400) {
  StartServer(Echo());
  for (const char* coding : {"gzip", "identity", "gzip, chunked", "xchunked"}) {
    std::string received =
        Run(RawExchange(std::string("POST / HTTP/1.1\r\nHost: x\r\n"
                                    "Transfer-Encoding: ") +
                        coding +
                        "\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_TRUE(received.starts_with("HTTP/1.1 400 Bad Request\r\n"))
        << received;
    EXPECT_TRUE(received.ends_with(
        R"("detail":"malformed request: the only Transfer-Encoding taken is )"
        R"(chunked"})"))
        << received;
    EXPECT_EQ(received.find("HTTP/1.1", 1), std::string::npos) << received;
  }
  std::string received = Run(RawExchange("GET / HTTP/1.1\r\n\r\n"));
  EXPECT_TRUE(received.ends_with(
      R"("detail":"malformed request: an HTTP/1.1 request needs one Host )"
      R"(header"})"))
      << received;
}

TEST_F(HttpTest, DroppedConnectionIsRetriedPerPolicy) {
  int calls = 0;
  StartServer(
      [&](ServerRequest) -> asio::awaitable<std::optional<ServerResponse>> {
        ++calls;
        co_return std::nullopt;
      });
  auto client = Client();
  Result<HttpResponse> response =
      Send(*client, Req(Url("/drop"), QuickRetries(3)));
  EXPECT_EQ(ErrorOf(response),
            "GET " + Url("/drop") +
                ": the server closed the connection without responding (gave "
                "up after 3 attempts)");
  EXPECT_EQ(calls, 3);
}

TEST_F(HttpTest, DroppedPostIsNotRetriedWhenThePolicySaysSo) {
  int calls = 0;
  StartServer(
      [&](ServerRequest) -> asio::awaitable<std::optional<ServerResponse>> {
        ++calls;
        co_return std::nullopt;
      });
  auto client = Client();
  RetryPolicy policy = QuickRetries(3);
  policy.retry_unanswered = false;
  Result<HttpResponse> response =
      Send(*client, Req(Url("/create"), policy, "POST", "{}"));
  EXPECT_EQ(ErrorOf(response),
            "POST " + Url("/create") +
                ": the server closed the connection without responding");
  EXPECT_EQ(calls, 1);
}

TEST_F(HttpTest, ConnectFailureIsRetriedAndReported) {
  StartServer(Echo());
  uint16_t closed_port = port_;
  server_.reset();  // nobody listens there any more
  io_.restart();
  io_.poll();  // runs the closing of the acceptor
  auto client = Client();
  port_ = closed_port;
  Result<HttpResponse> response = Send(*client, Req(Url("/"), QuickRetries(2)));
  EXPECT_EQ(ErrorOf(response),
            "GET " + Url("/") +
                ": cannot connect to 127.0.0.1:" + std::to_string(closed_port) +
                ": Connection refused (gave up after 2 attempts)");
}

TEST_F(HttpTest, ServiceUnavailableWithRetryAfterThenSuccess) {
  int calls = 0;
  StartServer(
      [&](ServerRequest) -> asio::awaitable<std::optional<ServerResponse>> {
        if (++calls == 1) {
          ServerResponse busy = Text(503, "busy");
          busy.set(http::field::retry_after, "1");
          co_return busy;
        }
        co_return Text(200, "ok");
      });
  auto client = Client();
  auto start = std::chrono::steady_clock::now();
  Result<HttpResponse> response = Send(*client, Req(Url("/"), QuickRetries(3)));
  auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(response.ok()) << ErrorOf(response);
  EXPECT_EQ(response.value().status, 200u);
  EXPECT_EQ(response.value().body, "ok");
  EXPECT_EQ(response.value().attempts, 2);
  EXPECT_GE(waited, milliseconds(1000));  // timers never fire early
  std::vector<LogLine> retries;
  for (const LogLine& line : log_)
    if (line.event == LogLine::Event::kRetry) retries.push_back(line);
  ASSERT_EQ(retries.size(), 1u);
  EXPECT_EQ(retries[0].duration, milliseconds(1000));
  EXPECT_EQ(retries[0].message, "status 503");
}

TEST_F(HttpTest, RetryAfterIsCappedByThePolicy) {
  int calls = 0;
  StartServer(
      [&](ServerRequest) -> asio::awaitable<std::optional<ServerResponse>> {
        if (++calls == 1) {
          ServerResponse throttled = Text(429, "slow down");
          throttled.set(http::field::retry_after, "3600");
          co_return throttled;
        }
        co_return Text(200, "ok");
      });
  auto client = Client();
  RetryPolicy policy = QuickRetries(2);
  policy.max_retry_after = milliseconds(50);
  Result<HttpResponse> response = Send(*client, Req(Url("/"), policy));
  ASSERT_TRUE(response.ok()) << ErrorOf(response);
  EXPECT_EQ(response.value().status, 200u);
  EXPECT_EQ(calls, 2);
}

TEST_F(HttpTest, LastRetryableResponseIsReturnedWhenAttemptsRunOut) {
  int calls = 0;
  StartServer(
      [&](ServerRequest) -> asio::awaitable<std::optional<ServerResponse>> {
        ++calls;
        co_return Text(502, "bad gateway");
      });
  auto client = Client();
  Result<HttpResponse> response = Send(*client, Req(Url("/"), QuickRetries(3)));
  ASSERT_TRUE(response.ok()) << ErrorOf(response);
  EXPECT_EQ(response.value().status, 502u);
  EXPECT_EQ(response.value().attempts, 3);
  EXPECT_EQ(calls, 3);
}

TEST_F(HttpTest, PlainHttpToRemoteHostIsRefused) {
  auto client = Client();
  Result<HttpResponse> response = Send(*client, Req("http://example.com/x"));
  EXPECT_EQ(ErrorOf(response),
            "refusing plain http:// to \"example.com\": only loopback hosts "
            "may be reached without TLS; use https://, or set "
            "ClientOptions::allow_plain_http on a trusted network");
  EXPECT_TRUE(log_.empty());
}

TEST_F(HttpTest, BadUrlAndMethodAreReported) {
  auto client = Client();
  EXPECT_EQ(ErrorOf(Send(*client, Req("localhost:8080/x"))),
            "invalid URL \"localhost:8080/x\": expected an absolute URL such "
            "as https://host/path");
  EXPECT_EQ(
      ErrorOf(Send(*client, Req("http://localhost/", std::nullopt, "FETCH"))),
      "unknown HTTP method \"FETCH\"");
}

TEST_F(HttpTest, ResponseOverLimitIsAnError) {
  int calls = 0;
  StartServer(
      [&](ServerRequest) -> asio::awaitable<std::optional<ServerResponse>> {
        ++calls;
        co_return Text(200, std::string(1000, 'b'));
      });
  ClientOptions options;
  options.max_response_body = 100;
  auto client = Client(options);
  Result<HttpResponse> response =
      Send(*client, Req(Url("/big"), QuickRetries(3)));
  EXPECT_EQ(ErrorOf(response),
            "GET " + Url("/big") +
                ": the response body exceeds the limit of 100 bytes "
                "(ClientOptions::max_response_body)");
  EXPECT_EQ(calls, 1);
}

TEST_F(HttpTest, ReadTimeout) {
  StartServer(
      [](ServerRequest) -> asio::awaitable<std::optional<ServerResponse>> {
        co_await Sleep(milliseconds(3000));
        co_return Text(200, "late");
      });
  auto client = Client();
  RetryPolicy no_retry;
  no_retry.max_attempts = 1;
  Result<HttpResponse> response = Send(*client, [&] {
    HttpRequest request = Req(Url("/slow"), no_retry);
    request.read_timeout = milliseconds(200);
    return request;
  }());
  EXPECT_EQ(ErrorOf(response),
            "GET " + Url("/slow") +
                ": no response within the read timeout of 200 ms");
  server_->Stop();
}

TEST_F(HttpTest, MaxConnectionsAnswers503) {
  ServerOptions options;
  options.max_connections = 1;
  StartServer(Echo(), options);
  // The first connection stays open, idle, and takes the only place.
  asio::ip::tcp::socket first(io_);
  first.connect({asio::ip::make_address("127.0.0.1"), port_});
  RunUntil([&] { return server_->active_connections() == 1; });
  ASSERT_EQ(server_->active_connections(), 1u);

  auto client = Client();
  RetryPolicy no_retry;
  no_retry.max_attempts = 1;
  Result<HttpResponse> response = Send(*client, Req(Url("/"), no_retry));
  ASSERT_TRUE(response.ok()) << ErrorOf(response);
  EXPECT_EQ(response.value().status, 503u);
  EXPECT_EQ(
      response.value().body,
      R"({"type":"about:blank","title":"Service Unavailable","status":503,)"
      R"("detail":"the server is serving its maximum of 1 connections; retry later"})");
  EXPECT_EQ(server_->rejected_connections(), 1u);

  // Once the first connection goes, there is room again.
  first.close();
  RunUntil([&] { return server_->active_connections() == 0; });
  Result<HttpResponse> second = Send(*client, Req(Url("/ok")));
  ASSERT_TRUE(second.ok()) << ErrorOf(second);
  EXPECT_EQ(second.value().status, 200u);
}

TEST_F(HttpTest, GracefulStopFinishesRequestInFlight) {
  bool started = false;
  StartServer(
      [&](ServerRequest) -> asio::awaitable<std::optional<ServerResponse>> {
        started = true;
        server_->Stop();  // while this request is in flight
        co_await Sleep(milliseconds(300));
        co_return Text(200, "done");
      });
  // An idle keep-alive connection, to be closed by Stop().
  std::optional<std::string> idle_received;
  asio::co_spawn(io_, RawExchange(""),
                 [&](std::exception_ptr, std::string data) {
                   idle_received = std::move(data);
                 });
  RunUntil([&] { return server_->active_connections() == 1; });

  auto client = Client();
  Result<HttpResponse> response = Send(*client, Req(Url("/work")));
  ASSERT_TRUE(response.ok()) << ErrorOf(response);
  EXPECT_TRUE(started);
  EXPECT_EQ(response.value().body, "done");
  EXPECT_EQ(response.value().headers[http::field::connection], "close");

  // Everything winds down: the server leaves no work on the io_context.
  RunUntil([&] { return idle_received.has_value() && io_.stopped(); });
  EXPECT_EQ(idle_received, "");
  EXPECT_EQ(server_->active_connections(), 0u);
  io_.restart();
  EXPECT_EQ(io_.run_for(std::chrono::seconds(5)), 0u);

  // And nothing is accepted any more.
  auto late = Client();
  RetryPolicy no_retry;
  no_retry.max_attempts = 1;
  Result<HttpResponse> refused = Send(*late, Req(Url("/"), no_retry));
  EXPECT_FALSE(refused.ok());
}

TEST_F(HttpTest, StopForceClosesAfterTheShutdownTimeout) {
  ServerOptions options;
  options.shutdown_timeout = milliseconds(100);
  StartServer(
      [&](ServerRequest) -> asio::awaitable<std::optional<ServerResponse>> {
        server_->Stop();
        co_await Sleep(milliseconds(20'000));  // cancelled by the forced close
        co_return Text(200, "never");
      },
      options);
  auto client = Client();
  RetryPolicy no_retry;
  no_retry.max_attempts = 1;
  auto start = std::chrono::steady_clock::now();
  Result<HttpResponse> response = Send(*client, Req(Url("/"), no_retry));
  EXPECT_EQ(ErrorOf(response),
            "GET " + Url("/") +
                ": the server closed the connection without responding");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
  RunUntil([&] { return server_->active_connections() == 0; });
  EXPECT_EQ(server_->active_connections(), 0u);
}

class HttpsTest : public HttpTest {
 protected:
  void StartTlsServer(std::string_view host = "127.0.0.1") {
    auto tls =
        std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    std::string dir = kTestData;
    tls->use_certificate_chain_file(dir + "/server.pem");
    tls->use_private_key_file(dir + "/server.key", asio::ssl::context::pem);
    ServerOptions options;
    options.tls = tls;
    StartServer(Echo(), options, host);
  }
};

TEST_F(HttpsTest, UntrustedCertificateIsRefused) {
  StartTlsServer();
  auto client = Client();
  Result<HttpResponse> response =
      Send(*client, Req(Url("/", "127.0.0.1", "https"), QuickRetries(3)));
  EXPECT_EQ(ErrorOf(response),
            "GET " + Url("/", "127.0.0.1", "https") +
                ": TLS certificate verification failed for 127.0.0.1: unable "
                "to get local issuer certificate (to trust a private CA, name "
                "its PEM file in ClientOptions::ca_file)");
}

TEST_F(HttpsTest, TrustedCaSucceedsByAddressAndByName) {
  StartTlsServer();
  ClientOptions options;
  options.ca_file = std::string(kTestData) + "/ca.pem";
  auto client = Client(options);
  for (const char* host : {"127.0.0.1", "localhost"}) {
    Result<HttpResponse> response =
        Send(*client, Req(Url("/secure", host, "https")));
    ASSERT_TRUE(response.ok()) << host << ": " << ErrorOf(response);
    EXPECT_EQ(response.value().body, "GET /secure ");
  }
}

TEST_F(HttpsTest, CertificateForAnotherHostIsRefused) {
  StartTlsServer("127.0.0.2");  // the certificate names 127.0.0.1 only
  ClientOptions options;
  options.ca_file = std::string(kTestData) + "/ca.pem";
  auto client = Client(options);
  Result<HttpResponse> response =
      Send(*client, Req(Url("/", "127.0.0.2", "https")));
  EXPECT_EQ(ErrorOf(response),
            "GET " + Url("/", "127.0.0.2", "https") +
                ": TLS certificate verification failed for 127.0.0.2: IP "
                "address mismatch (the certificate does not name this host)");
}

TEST_F(HttpsTest, MissingCaFileIsReported) {
  ClientOptions options;
  options.ca_file = "/nonexistent/ca.pem";
  Result<std::unique_ptr<HttpClient>> client =
      HttpClient::Create(io_.get_executor(), options);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().message(),
            "cannot load the CA file \"/nonexistent/ca.pem\" "
            "(ClientOptions::ca_file): No such file or directory; it must hold "
            "PEM certificates");
}

}  // namespace
}  // namespace bssflow::net

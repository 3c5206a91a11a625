// libFuzzer target: any byte string as what an HTTP server answers the
// connectors. A loopback listener on the fuzzer's io_context reads each
// request in full, writes the input as the response and closes; real
// requests reach it through the code that reads responses from network
// peers:
//   - net::HttpClient with its default options (statuses retried after
//     their Retry-After, every wait capped at zero), GET;
//   - the Partner Center API (PartnerCenterApi::Send: bearer token, a 401
//     renews the token once and resends, JSON or an ActionError): GET, and
//     HEAD accepting 404 as check_domain does;
//   - the BSS API (BssApi::Send), GET;
//   - the generic http connector (HttpConnector::Call): a GET whose result
//     is mapped by JSON pointers, with a secret field, and a POST whose
//     result is the whole body;
//   - both token caches (Entra ID's and the BSS password grant), asked for
//     a new token: the input is the token endpoint's answer.
// While the APIs are called, their token endpoints answer a fixed valid
// token. Every client logs (the log redacts the response's headers and
// body, which parses it again).
//
// Sockets rather than a parser on a buffer: how the client reads (Beast's
// parser with the client's header and body limits, a HEAD response without
// a body, the end of the stream in the middle of a message, keep-alive and
// the pool) is only itself on a connection. Whatever the input: a response
// or an error, exactly one of result and error per call; no crash, no
// sanitizer report, no leak, no hang.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "connectors/bss/bss_api.h"
#include "connectors/http/http_connector.h"
#include "connectors/http/testing.h"
#include "connectors/partner_center/partner_center_api.h"
#include "connectors/partner_center/token_cache.h"
#include "dsl/json_value.h"
#include "net/http_client.h"

namespace {

using namespace bssflow;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace pc = connectors::partner_center;
namespace bss = connectors::bss;
namespace hc = connectors::http;
using asio::as_tuple;
using asio::use_awaitable;
using asio::ip::tcp;

constexpr std::string_view kPartnerCenterTokenPath = "/common/oauth2/token";
constexpr std::string_view kBssTokenPath = "/oauth/token";

std::string JsonResponse(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

// The listener: answers every request with `response`, except token
// requests while `fixed_tokens` holds.
struct Server {
  explicit Server(asio::io_context& io)
      : acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}

  tcp::acceptor acceptor;
  std::string response;
  bool fixed_tokens = true;
  /// Connections accepted and not yet closed.
  int open = 0;
  const std::string partner_center_token = JsonResponse(
      R"({"token_type":"Bearer","expires_in":"3599","access_token":"pc-token"})");
  const std::string bss_token = JsonResponse(
      R"({"access_token":"bss-token","token_type":"bearer","expires_in":3600})");

  const std::string& AnswerTo(std::string_view target) const {
    if (fixed_tokens && target == kPartnerCenterTokenPath)
      return partner_center_token;
    if (fixed_tokens && target == kBssTokenPath) return bss_token;
    return response;
  }
};

// Reads the request in full (so that closing sends no reset), answers,
// closes.
asio::awaitable<void> Session(Server& server, tcp::socket socket) {
  beast::flat_buffer buffer;
  beast::http::request<beast::http::string_body> request;
  auto [read_error, read] = co_await beast::http::async_read(
      socket, buffer, request, as_tuple(use_awaitable));
  if (!read_error) {
    const std::string& answer = server.AnswerTo(request.target());
    auto [write_error, written] = co_await asio::async_write(
        socket, asio::buffer(answer), as_tuple(use_awaitable));
  }
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
  --server.open;
}

asio::awaitable<void> Accept(Server& server) {
  for (;;) {
    auto [error, socket] =
        co_await server.acceptor.async_accept(as_tuple(use_awaitable));
    if (error) co_return;
    ++server.open;
    asio::co_spawn(server.acceptor.get_executor(),
                   Session(server, std::move(socket)), asio::detached);
  }
}

std::chrono::system_clock::time_point FixedNow() {
  return std::chrono::system_clock::time_point(
      std::chrono::milliseconds(1795500000000));
}

uint64_t CountingRandom() {
  static uint64_t draws = 0;
  return ++draws * 0x9E3779B97F4A7C15ull;
}

void Log(const net::LogLine& line) {
  if (net::FormatLogLine(line).empty()) __builtin_trap();
}

void CheckError(const engine::ActionError& error) {
  if (error.kind.empty() || error.message.empty()) __builtin_trap();
}

void CheckOutcome(const engine::ActionOutcome& outcome) {
  if (outcome.result.has_value() == outcome.error.has_value()) __builtin_trap();
  if (outcome.error.has_value()) CheckError(*outcome.error);
}

// The endpoints of the generic connector on the listener at `base`.
hc::HttpConfig HttpEndpoints(const std::string& base) {
  hc::HttpEndpoint lookup;
  lookup.name = "lookup";
  lookup.method = "GET";
  lookup.url = hc::testing::Template(base + "/api/accounts/{id}");
  lookup.result = std::vector<hc::ResultField>{
      {"name", "/name"}, {"token", "/auth/token"}, {"first", "/items/0"}};
  lookup.secret = {"token"};
  hc::HttpEndpoint create;
  create.name = "create";
  create.method = "POST";
  create.url = hc::testing::Template(base + "/api/accounts");
  create.body = hc::testing::Body({{"name", "{name}"}, {"seats", "{seats}"}});
  create.accept = {200, 201};
  create.secret = {"credentials.password"};
  create.idempotency_header = "Idempotency-Key";
  hc::HttpConfig config;
  config.endpoints = {lookup, create};
  return config;
}

struct Fixture {
  asio::io_context io;
  Server server{io};
  std::string base;
  pc::PartnerCenterConfig partner_center_config;
  bss::BssConfig bss_config;
  std::unique_ptr<net::HttpClient> client;
  std::unique_ptr<net::HttpClient> partner_center_client;
  std::unique_ptr<net::HttpClient> bss_client;
  std::unique_ptr<pc::PartnerCenterApi> partner_center;
  std::unique_ptr<bss::BssApi> bss_api;
  std::unique_ptr<hc::HttpConnector> http;

  Fixture() {
    base = "http://127.0.0.1:" +
           std::to_string(server.acceptor.local_endpoint().port());
    asio::co_spawn(io, Accept(server), asio::detached);
    client =
        net::HttpClient::Create(io.get_executor(), RawClientOptions()).value();
    MakePartnerCenter();
    MakeBss();
    http = hc::HttpConnector::Create(io.get_executor(), HttpEndpoints(base),
                                     {FixedNow, CountingRandom, Log})
               .value();
  }

  // The client's defaults, but no wait is longer than zero.
  static net::ClientOptions RawClientOptions() {
    net::ClientOptions options;
    options.retry.base_delay = std::chrono::milliseconds(0);
    options.retry.max_delay = std::chrono::milliseconds(0);
    options.retry.max_retry_after = std::chrono::milliseconds(0);
    options.log = Log;
    options.random = CountingRandom;
    options.now = FixedNow;
    return options;
  }

  void MakePartnerCenter() {
    partner_center_config.api_base_url = base;
    partner_center_config.login_base_url = base;
    partner_center_config.client_id = "fuzz";
    partner_center_config.client_secret = "fuzz-secret";
    pc::PartnerCenterEnvironment env{FixedNow, CountingRandom, Log};
    partner_center = pc::PartnerCenterApi::Create(io.get_executor(),
                                                  partner_center_config, env)
                         .value();
    partner_center_client =
        net::HttpClient::Create(
            io.get_executor(), pc::ApiClientOptions(partner_center_config, env))
            .value();
  }

  void MakeBss() {
    bss_config.base_url = base;
    bss_config.client_key = "fuzz";
    bss_config.client_secret = "fuzz-secret";
    bss_config.username = "fuzz";
    bss_config.password = "fuzz-password";
    bss::BssEnvironment env{FixedNow, CountingRandom, Log};
    bss_api = bss::BssApi::Create(io.get_executor(), bss_config, env).value();
    bss_client = net::HttpClient::Create(io.get_executor(),
                                         bss::BssClientOptions(bss_config, env))
                     .value();
  }

  // Runs `exchange` to its end, then until the listener has closed every
  // connection (so that the next exchange finds no half-closed one).
  void Run(asio::awaitable<void> exchange) {
    bool done = false;
    asio::co_spawn(io, std::move(exchange),
                   [&done](std::exception_ptr failure) {
                     done = true;
                     if (failure) std::rethrow_exception(failure);
                   });
    while (!done || server.open > 0) io.run_one();
  }
};

asio::awaitable<void> ClientGet(Fixture& f) {
  net::HttpRequest request;
  request.url = f.base + "/v1/things?page=2";
  request.headers.set("Accept", "application/json");
  Result<net::HttpResponse> response = co_await f.client->Send(request);
  if (!response.ok() && response.status().message().empty()) __builtin_trap();
}

asio::awaitable<void> PartnerCenterCalls(Fixture& f) {
  pc::ApiRequest get;
  get.target = "/v1/customers/c-1";
  get.what = "get customer c-1";
  pc::ApiReply reply = co_await f.partner_center->Send(get);
  if (reply.error.has_value()) CheckError(*reply.error);
  pc::ApiRequest head;
  head.method = "HEAD";
  head.target = "/v1/domains/contoso.onmicrosoft.com";
  head.what = "check domain contoso.onmicrosoft.com";
  reply = co_await f.partner_center->Send(head, {404});
  if (reply.error.has_value()) CheckError(*reply.error);
}

asio::awaitable<void> BssCall(Fixture& f) {
  bss::ApiRequest get;
  get.target = "/api/Accounts/2001?include=Reseller";
  get.what = "GET account 2001";
  bss::ApiReply reply = co_await f.bss_api->Send(get);
  if (reply.error.has_value()) CheckError(*reply.error);
}

asio::awaitable<void> HttpConnectorCalls(Fixture& f) {
  engine::CallContext ctx{"run-1", "step", 1, "key-1"};
  dsl::Value id = dsl::ValueFromJson(nlohmann::json{{"id", 7}}).value();
  engine::ActionOutcome outcome = co_await f.http->Call("http.lookup", id, ctx);
  CheckOutcome(outcome);
  dsl::Value account =
      dsl::ValueFromJson(nlohmann::json{{"name", "Contoso"}, {"seats", 5}})
          .value();
  outcome = co_await f.http->Call("http.create", account, ctx);
  CheckOutcome(outcome);
}

asio::awaitable<void> TokenRequests(Fixture& f) {
  pc::TokenCache partner_center(f.partner_center_config,
                                *f.partner_center_client, FixedNow);
  pc::TokenOutcome pc_token = co_await partner_center.Get();
  if (pc_token.error.has_value()) CheckError(*pc_token.error);
  if (!pc_token.error.has_value() && pc_token.token.empty()) __builtin_trap();
  bss::TokenCache bss_tokens(f.bss_config, *f.bss_client, FixedNow);
  bss::TokenOutcome bss_token = co_await bss_tokens.Get();
  if (bss_token.error.has_value()) CheckError(*bss_token.error);
  if (!bss_token.error.has_value() && bss_token.token.empty()) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  fixture.server.response.assign(reinterpret_cast<const char*>(data), size);
  fixture.server.fixed_tokens = true;
  fixture.Run(ClientGet(fixture));
  fixture.Run(PartnerCenterCalls(fixture));
  fixture.Run(BssCall(fixture));
  fixture.Run(HttpConnectorCalls(fixture));
  fixture.server.fixed_tokens = false;
  fixture.Run(TokenRequests(fixture));
  return 0;
}

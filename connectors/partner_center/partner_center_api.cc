#include "connectors/partner_center/partner_center_api.h"

#include <algorithm>
#include <cstdio>
#include <random>

#include "connectors/partner_center/error_mapping.h"
#include "dsl/nondeterminism.h"

namespace bssflow::connectors::partner_center {
namespace asio = boost::asio;

namespace {

std::function<uint64_t()> RandomSource(std::function<uint64_t()> given) {
  if (given) return given;
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return (*engine)(); };
}

Clock ClockOrSystem(Clock given) {
  if (given) return given;
  return [] { return std::chrono::system_clock::now(); };
}

}  // namespace

net::ClientOptions ApiClientOptions(const PartnerCenterConfig& config,
                                    const PartnerCenterEnvironment& env) {
  net::ClientOptions options;
  options.total_timeout = config.call_timeout;
  options.read_timeout = std::min(options.read_timeout, config.call_timeout);
  options.ca_file = config.ca_file;
  options.request_id_header = "MS-CorrelationId";
  // The runner owns retries (journaled, per workflow policy); the client
  // only resends what cannot have reached the server.
  options.retry.max_attempts = 3;
  options.retry.retry_statuses = {};
  options.retry.retry_unsent = true;
  options.retry.retry_unanswered = false;
  // The default set already holds client_secret, refresh_token,
  // access_token and password; these are Partner Center's own.
  options.redaction.Add("MS-ContinuationToken");
  options.redaction.Add("organizationRegistrationNumber");
  options.log = env.log;
  options.random = env.random;
  options.now = env.now;
  return options;
}

Result<std::unique_ptr<PartnerCenterApi>> PartnerCenterApi::Create(
    asio::any_io_executor executor, PartnerCenterConfig config,
    PartnerCenterEnvironment env) {
  env.random = RandomSource(std::move(env.random));
  env.now = ClockOrSystem(std::move(env.now));
  Result<std::unique_ptr<net::HttpClient>> client =
      net::HttpClient::Create(std::move(executor), ApiClientOptions(config, env));
  if (!client.ok())
    return Status::Error("partner_center connector: " +
                         client.status().message());
  return std::unique_ptr<PartnerCenterApi>(new PartnerCenterApi(
      std::move(config), std::move(env), std::move(client).value()));
}

PartnerCenterApi::PartnerCenterApi(PartnerCenterConfig config,
                                   PartnerCenterEnvironment env,
                                   std::unique_ptr<net::HttpClient> client)
    : config_(std::move(config)),
      now_(std::move(env.now)),
      random_(std::move(env.random)),
      client_(std::move(client)),
      tokens_(std::make_unique<TokenCache>(config_, *client_, now_)) {}

PartnerCenterApi::~PartnerCenterApi() = default;

std::string PartnerCenterApi::NewGuid() {
  uint64_t high = random_();
  return dsl::FormatUuid(high, random_());
}

asio::awaitable<ApiReply> PartnerCenterApi::Send(
    ApiRequest request, std::vector<unsigned> accepted) {
  if (request.request_id.empty()) request.request_id = NewGuid();
  TokenOutcome token = co_await tokens_->Get();
  if (token.error.has_value()) co_return ApiReply{{}, 0, token.error};
  Result<net::HttpResponse> sent = co_await SendOnce(request, token.token);
  // Revoked or expired early: a new token and a resend (same MS-RequestId:
  // the service refused the request, it did not act on it). Revocations can
  // come in a row (a key rollover, a mass revocation); only a 401 to each
  // of kTokenRenewals new tokens is the answer.
  for (int renewed = 0;
       renewed < kTokenRenewals && sent.ok() && sent.value().status == 401;
       ++renewed) {
    const std::string refused = token.token;
    token = co_await tokens_->Get(refused);
    if (token.error.has_value()) co_return ApiReply{{}, 0, token.error};
    sent = co_await SendOnce(request, token.token);
  }
  co_return Interpret(request, sent, accepted);
}

asio::awaitable<Result<net::HttpResponse>> PartnerCenterApi::SendOnce(
    const ApiRequest& request, const std::string& token) {
  net::HttpRequest http;
  http.method = request.method;
  http.url = config_.api_base_url + request.target;
  http.headers.set("Authorization", "Bearer " + token);
  http.headers.set("Accept", "application/json");
  http.headers.set("MS-RequestId", request.request_id);
  http.headers.set("MS-Contract-Version", "v1");
  http.headers.set("X-Locale", config_.locale);
  for (const auto& [name, value] : request.headers)
    http.headers.set(name, value);
  if (request.body.has_value()) {
    http.headers.set("Content-Type", "application/json");
    http.body = request.body->dump();
  }
  co_return co_await client_->Send(std::move(http));
}

ApiReply PartnerCenterApi::Interpret(const ApiRequest& request,
                                     const Result<net::HttpResponse>& sent,
                                     const std::vector<unsigned>& accepted)
    const {
  if (!sent.ok()) return ApiReply{{}, 0, ErrorFromTransport(sent.status())};
  const net::HttpResponse& response = sent.value();
  bool is_accepted = std::find(accepted.begin(), accepted.end(),
                               response.status) != accepted.end();
  if (is_accepted) return ApiReply{nlohmann::json(), response.status, {}};
  if (response.status < 200 || response.status > 299) {
    std::string retry_after(response.headers["Retry-After"]);
    return ApiReply{{}, response.status,
                    ErrorFromResponse(response.status, response.body,
                                      retry_after, request.what, now_())};
  }
  if (response.body.empty())
    return ApiReply{nlohmann::json(), response.status, {}};
  nlohmann::json json = nlohmann::json::parse(response.body, nullptr, false);
  if (json.is_discarded()) {
    return ApiReply{{}, response.status,
                    engine::ActionError{
                        "fatal", "",
                        request.what + ": the response is not valid JSON",
                        std::nullopt}};
  }
  return ApiReply{std::move(json), response.status, {}};
}

}  // namespace bssflow::connectors::partner_center

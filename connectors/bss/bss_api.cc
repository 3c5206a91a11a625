#include "connectors/bss/bss_api.h"

#include <utility>

#include "connectors/bss/error_mapping.h"

namespace bssflow::connectors::bss {
namespace asio = boost::asio;

net::ClientOptions BssClientOptions(const BssConfig& config,
                                    const BssEnvironment& env) {
  net::ClientOptions options;
  options.total_timeout = config.call_timeout;
  options.read_timeout = config.call_timeout;
  options.ca_file = config.ca_file;
  options.retry.max_attempts = 2;
  options.retry.retry_statuses = {};
  options.retry.retry_unsent = true;
  options.retry.retry_unanswered = false;
  options.redaction.Add("password");
  options.redaction.Add("client_secret");
  options.redaction.Add("access_token");
  options.redaction.Add("Body");
  options.log = env.log;
  options.random = env.random;
  options.now = env.now;
  options.user_agent = "bssflow-bss-connector";
  return options;
}

Result<std::unique_ptr<BssApi>> BssApi::Create(asio::any_io_executor executor,
                                               BssConfig config,
                                               BssEnvironment env) {
  if (config.base_url.empty())
    return Status::Error("bss connector: base_url is empty; set the BSS's URL");
  while (!config.base_url.empty() && config.base_url.back() == '/')
    config.base_url.pop_back();
  Result<std::unique_ptr<net::HttpClient>> client = net::HttpClient::Create(
      std::move(executor), BssClientOptions(config, env));
  if (!client.ok()) {
    return Status::Error("bss connector: " + client.status().message());
  }
  Clock now = env.now ? env.now : [] { return std::chrono::system_clock::now(); };
  return std::unique_ptr<BssApi>(
      new BssApi(std::make_unique<BssConfig>(std::move(config)),
                 std::move(client).value(), std::move(now)));
}

BssApi::BssApi(std::unique_ptr<BssConfig> config,
               std::unique_ptr<net::HttpClient> client, Clock now)
    : config_(std::move(config)),
      client_(std::move(client)),
      now_(std::move(now)),
      tokens_(std::make_unique<TokenCache>(*config_, *client_, now_)) {}

BssApi::~BssApi() = default;

net::HttpRequest BssApi::ToHttp(const ApiRequest& request,
                                const std::string& token) const {
  net::HttpRequest http;
  http.method = request.method;
  http.url = config_->base_url + request.target;
  http.headers.set("Authorization", "Bearer " + token);
  http.headers.set("Accept", "application/json");
  if (!request.idempotency_key.empty())
    http.headers.set("Idempotency-Key", request.idempotency_key);
  if (request.body.has_value()) {
    http.headers.set("Content-Type", "application/json; charset=utf-8");
    http.body = request.body->dump();
  }
  http.total_timeout = config_->call_timeout;
  return http;
}

ApiReply BssApi::ToReply(const ApiRequest& request,
                         const net::HttpResponse& response) const {
  if (response.status < 200 || response.status > 299) {
    std::string retry_after(response.headers["Retry-After"]);
    return ApiReply{nullptr,
                    ErrorFromResponse(response.status, response.body,
                                      retry_after, request.what, now_())};
  }
  if (response.body.empty()) return ApiReply{nullptr, std::nullopt};
  nlohmann::json json = nlohmann::json::parse(response.body, nullptr, false);
  if (json.is_discarded()) {
    return ApiReply{nullptr, engine::ActionError{
                                 "fatal", "",
                                 request.what + ": the BSS answered HTTP " +
                                     std::to_string(response.status) +
                                     " with a body that is not JSON",
                                 std::nullopt}};
  }
  return ApiReply{std::move(json), std::nullopt};
}

asio::awaitable<ApiReply> BssApi::Send(ApiRequest request) {
  std::string rejected;
  for (int attempt = 1;; ++attempt) {
    TokenOutcome token = co_await tokens_->Get(rejected);
    if (token.error.has_value()) co_return ApiReply{nullptr, token.error};
    Result<net::HttpResponse> sent =
        co_await client_->Send(ToHttp(request, token.token));
    if (!sent.ok()) co_return ApiReply{nullptr, ErrorFromTransport(sent.status())};
    // A token the BSS refuses (expired early, revoked, or the BSS restarted)
    // is replaced, up to kTokenRenewals times in a row: revocations can
    // come in a row; a 401 to each new token is the answer.
    if (sent.value().status == 401 && attempt <= kTokenRenewals) {
      rejected = token.token;
      continue;
    }
    co_return ToReply(request, sent.value());
  }
}

}  // namespace bssflow::connectors::bss

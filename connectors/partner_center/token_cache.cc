#include "connectors/partner_center/token_cache.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <nlohmann/json.hpp>
#include <utility>

#include "connectors/partner_center/error_mapping.h"
#include "net/url.h"

namespace bssflow::connectors::partner_center {
namespace asio = boost::asio;
using std::chrono::seconds;
using std::chrono::system_clock;

namespace {

// expires_in as seconds: a string of digits or a non-negative integer.
std::optional<int64_t> ExpiresIn(const nlohmann::json& member) {
  if (member.is_number_integer() && member.get<int64_t>() >= 0)
    return member.get<int64_t>();
  if (!member.is_string()) return std::nullopt;
  const std::string& text = member.get_ref<const std::string&>();
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(),
                                   value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0)
    return std::nullopt;
  return value;
}

}  // namespace

namespace {
constexpr seconds kLongestTokenLife = std::chrono::hours(24);
}  // namespace

Result<AccessToken> ParseTokenResponse(std::string_view body,
                                       system_clock::time_point now,
                                       seconds margin) {
  nlohmann::json json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object())
    return Status::Error("token response: the body is not a JSON object");
  auto token = json.find("access_token");
  if (token == json.end() || !token->is_string() ||
      token->get_ref<const std::string&>().empty())
    return Status::Error("token response: 'access_token' is missing");
  auto expires = json.find("expires_in");
  std::optional<int64_t> lifetime =
      expires == json.end() ? std::nullopt : ExpiresIn(*expires);
  if (!lifetime.has_value())
    return Status::Error(
        "token response: 'expires_in' must be a number of seconds, got " +
        (expires == json.end() ? std::string("nothing") : expires->dump()));
  seconds life(*lifetime);
  // A token kept longer than a day is renewed all the same; a longer life
  // (a service's mistake, or a peer's attack) would overflow the clock.
  life = std::min(life, kLongestTokenLife);
  seconds before = std::max(life - margin, life / 2);
  return AccessToken{token->get<std::string>(), now + life, now + before};
}

std::string TokenRequestForm(const PartnerCenterConfig& config) {
  std::vector<std::pair<std::string, std::string>> fields;
  if (config.refresh_token.has_value()) {
    fields = {{"grant_type", "refresh_token"},
              {"refresh_token", *config.refresh_token}};
  } else {
    fields = {{"grant_type", "client_credentials"}};
  }
  fields.emplace_back("client_id", config.client_id);
  if (!config.client_secret.empty())
    fields.emplace_back("client_secret", config.client_secret);
  fields.emplace_back("resource", config.resource);
  return net::FormEncode(fields);
}

/// A refresh in flight: its waiters sleep on `done` until `outcome` is set.
struct TokenCache::Refresh {
  explicit Refresh(asio::any_io_executor executor)
      : done(std::move(executor), asio::steady_timer::time_point::max()) {}
  asio::steady_timer done;
  std::optional<TokenOutcome> outcome;
};

TokenCache::TokenCache(const PartnerCenterConfig& config,
                       net::HttpClient& client, Clock now)
    : config_(config), client_(client), now_(std::move(now)) {}

TokenCache::~TokenCache() = default;

asio::awaitable<TokenOutcome> TokenCache::Get(std::string_view rejected) {
  if (cached_.has_value() && cached_->value != rejected &&
      now_() < cached_->refresh_at)
    co_return TokenOutcome{cached_->value, std::nullopt};
  if (in_flight_ == nullptr) co_return co_await RefreshShared();
  std::shared_ptr<Refresh> refresh = in_flight_;
  if (!refresh->outcome.has_value()) {
    boost::system::error_code ignored;
    co_await refresh->done.async_wait(
        asio::redirect_error(asio::use_awaitable, ignored));
  }
  if (refresh->outcome.has_value()) co_return *refresh->outcome;
  co_return TokenOutcome{
      "", engine::ActionError{"retryable", "",
                              "token request: abandoned while waiting",
                              std::nullopt}};
}

// Runs the one refresh in flight; whatever happens (cancellation
// included), its waiters are woken with an outcome.
asio::awaitable<TokenOutcome> TokenCache::RefreshShared() {
  auto refresh =
      std::make_shared<Refresh>(co_await asio::this_coro::executor);
  in_flight_ = refresh;
  struct Release {
    TokenCache* cache;
    std::shared_ptr<Refresh> refresh;
    ~Release() {
      if (!refresh->outcome.has_value()) {
        refresh->outcome = TokenOutcome{
            "", engine::ActionError{"retryable", "",
                                    "token request: cancelled", std::nullopt}};
      }
      if (cache->in_flight_ == refresh) cache->in_flight_.reset();
      refresh->done.cancel();
    }
  } release{this, refresh};
  refresh->outcome = co_await Fetch();
  co_return *refresh->outcome;
}

asio::awaitable<TokenOutcome> TokenCache::Fetch() {
  net::HttpRequest request;
  request.method = "POST";
  request.url = config_.login_base_url + "/" +
                net::PercentEncode(config_.partner_tenant) + "/oauth2/token";
  request.headers.set("Content-Type", "application/x-www-form-urlencoded");
  request.headers.set("Accept", "application/json");
  request.body = TokenRequestForm(config_);
  request.total_timeout = config_.call_timeout;
  ++requests_;
  Result<net::HttpResponse> sent = co_await client_.Send(std::move(request));
  if (!sent.ok()) co_return TokenOutcome{"", ErrorFromTransport(sent.status())};
  const net::HttpResponse& response = sent.value();
  system_clock::time_point now = now_();
  if (response.status != 200) {
    std::string retry_after(response.headers["Retry-After"]);
    co_return TokenOutcome{"", ErrorFromTokenResponse(response.status,
                                                      response.body,
                                                      retry_after, now)};
  }
  Result<AccessToken> token =
      ParseTokenResponse(response.body, now, config_.token_refresh_margin);
  if (!token.ok()) {
    co_return TokenOutcome{"", engine::ActionError{"fatal", "",
                                                   token.status().message(),
                                                   std::nullopt}};
  }
  cached_ = token.value();
  co_return TokenOutcome{cached_->value, std::nullopt};
}

}  // namespace bssflow::connectors::partner_center

#include "app/serve/api.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <yaml-cpp/yaml.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/status.hpp>
#include <algorithm>
#include <cctype>
#include <chrono>

#include "app/recording.h"
#include "app/serve/json_text.h"
#include "app/serve/run_view.h"
#include "dsl/source.h"
#include "engine/graph.h"
#include "dsl/json_value.h"
#include "net/request_id.h"
#include "net/url.h"

namespace bssflow::serve {

namespace http = boost::beast::http;
using engine::RunRecord;
using engine::RunStatus;
using net::ServerResponse;

// ---------------------------------------------------------------------------
// Requests and responses

struct Api::Call {
  net::ServerRequest request;
  std::string path;
  std::map<std::string, std::string> query;
  /// The {placeholders} of the route, in order.
  std::vector<std::string> params;
  const TokenConfig* token = nullptr;
  std::string request_id;
  std::string route = "unmatched";
  /// A query string that does not parse: (problem type, detail), answered
  /// once the route is known and the caller authorized.
  std::optional<std::pair<std::string, std::string>> bad_query;
};

struct Api::Route {
  http::verb method;
  std::string pattern;  // "/v1/runs/{id}"
  std::vector<std::string> segments;
  std::optional<Role> role;  // nullopt: an operations route
  std::string public_name;   // for auth.public: healthz, readyz, ...
  Reply (Api::*handler)(Call&);
};

namespace {

constexpr const char* kProblemBase = "https://bssflow.dev/problems/";
constexpr size_t kMaxIdempotencyKey = 200;
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

// Invalid UTF-8 (in a file a diagnostic quotes) is replaced, not thrown.
std::string Dump(const nlohmann::json& json) {
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ServerResponse JsonResponse(unsigned status, const nlohmann::json& body) {
  ServerResponse response{static_cast<http::status>(status), 11};
  response.set(http::field::content_type, "application/json");
  response.body() = Dump(body);
  return response;
}

ServerResponse Problem(const Api::Call& call, unsigned status,
                       const std::string& slug, const std::string& title,
                       const std::string& detail,
                       nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json body = {{"type", kProblemBase + slug},
                         {"title", title},
                         {"status", status},
                         {"detail", detail},
                         {"instance", call.path}};
  for (auto& [key, value] : extra.items()) body[key] = value;
  ServerResponse response{static_cast<http::status>(status), 11};
  response.set(http::field::content_type, "application/problem+json");
  response.body() = Dump(body);
  return response;
}

ServerResponse FromStoreFailure(const Api::Call& call, const Status& status) {
  // A damaged run fails the same way on every try: not a 503 a client
  // would retry for ever.
  if (status.message().find(engine::kDamagedInStore) != std::string::npos) {
    return Problem(call, 500, "run-damaged", "Run damaged in the store",
                   status.message() +
                       "; an operator must mend or remove it "
                       "(docs/operations.md)");
  }
  return Problem(call, 503, "store-unavailable", "Store unavailable",
                 status.message() + "; try again later");
}

// 404 when the store says it has no such run, else the store's failure.
ServerResponse NotFoundRun(const Api::Call& call, const std::string& id,
                           const Status& status) {
  if (status.message() != "no run " + id) return FromStoreFailure(call, status);
  return Problem(call, 404, "run-not-found", "Run not found",
                 "there is no run " + id);
}

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> segments;
  size_t start = 1;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    segments.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoding ('+' is a space in a query); nullopt for a broken escape.
std::optional<std::string> Decode(std::string_view text, bool query) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = HexValue(text[i + 1]);
      int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (query && text[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// The query's parameters into `query`. A problem's detail when a %-escape
// is broken (malformed-query) or a parameter is given twice (invalid-query:
// the second would silently win; several statuses are written status=a,b).
std::optional<std::pair<std::string, std::string>> ParseQuery(
    std::string_view text, std::map<std::string, std::string>& query) {
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view pair = text.substr(0, amp);
    size_t equals = pair.find('=');
    auto key = Decode(pair.substr(0, equals), true);
    auto value = Decode(
        equals == std::string_view::npos ? "" : pair.substr(equals + 1), true);
    if (!key.has_value() || !value.has_value()) {
      return std::pair<std::string, std::string>(
          "malformed-query", "the query string has a broken %-escape");
    }
    if (!key->empty() && !query.emplace(*key, *value).second) {
      return std::pair<std::string, std::string>(
          "invalid-query",
          "parameter '" + *key + "' is given twice" +
              (*key == "status" ? "; give several statuses as status=a,b"
                                : ""));
    }
    if (amp == std::string_view::npos) break;
    text.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

// The media type of a Content-Type header, lower case, without parameters.
std::string MediaType(std::string_view header) {
  std::string type(header.substr(0, header.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(c));
  return type;
}

// Constant-time equality: the time taken does not depend on where the two
// differ, nor on their lengths.
bool SameSecret(std::string_view a, std::string_view b) {
  // Digests first, so that the lengths do not show either.
  unsigned char da[SHA256_DIGEST_LENGTH];
  unsigned char db[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da);
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db);
  return CRYPTO_memcmp(da, db, sizeof da) == 0;
}

const char* RoleName(Role role) {
  switch (role) {
    case Role::kRead:
      return "read";
    case Role::kWrite:
      return "write";
    case Role::kAdmin:
      return "admin";
  }
  return "read";
}

nlohmann::json InputsJson(const engine::Workflow& workflow) {
  nlohmann::json inputs = nlohmann::json::array();
  for (const engine::Input& input : workflow.inputs) {
    inputs.push_back(
        {{"name", input.name},
         {"type", input.kind.has_value() ? dsl::KindName(*input.kind) : "any"},
         {"required", input.required},
         {"description", input.description}});
  }
  return inputs;
}

nlohmann::json WorkflowSummaryJson(const engine::Workflow& workflow) {
  return {{"name", workflow.name},
          {"version", workflow.content_hash},
          {"file", workflow.file},
          {"description", workflow.summary},
          {"inputs", InputsJson(workflow)}};
}

nlohmann::json ProblemsJson(const std::vector<FileProblem>& problems) {
  nlohmann::json list = nlohmann::json::array();
  for (const FileProblem& problem : problems) {
    list.push_back(
        {{"file", problem.file}, {"diagnostics", problem.diagnostics}});
  }
  return list;
}

// The `workflow:` name a file declares, valid or not; null when it declares
// none (or is not YAML at all).
nlohmann::json DeclaredName(const std::string& text) {
  try {
    YAML::Node root = YAML::Load(text);
    if (root.IsMap() && root["workflow"] && root["workflow"].IsScalar()) {
      return root["workflow"].Scalar();
    }
  } catch (const std::exception&) {
  }
  return nullptr;
}

// Runs `op` on the engine's strand, where the Runner lives, and returns its
// result here. (co_spawn hands results back through a default-constructed
// value, which a Result is not: hence the optional.)
template <typename T>
boost::asio::awaitable<T> OnEngine(
    app::LocalEngine& engine, std::function<boost::asio::awaitable<T>()> op) {
  std::function<boost::asio::awaitable<std::optional<T>>()> wrapped =
      [op = std::move(op)]() -> boost::asio::awaitable<std::optional<T>> {
    boost::asio::awaitable<T> task = op();
    T value = co_await std::move(task);
    co_return std::optional<T>(std::move(value));
  };
  auto spawned = boost::asio::co_spawn(engine.executor(), std::move(wrapped),
                                       boost::asio::use_awaitable);
  std::optional<T> result = co_await std::move(spawned);
  co_return std::move(*result);
}

// The body of a POST as a JSON object; a problem response when it is not.
std::optional<ServerResponse> ReadJsonObject(const Api::Call& call,
                                             nlohmann::json& out) {
  const std::string& body = call.request.body();
  if (body.empty()) {
    out = nlohmann::json::object();
    return std::nullopt;
  }
  std::string type = MediaType(call.request[http::field::content_type]);
  if (type != "application/json") {
    return Problem(call, 415, "unsupported-media-type",
                   "Unsupported Media Type",
                   "the body must be application/json, got " +
                       (type.empty() ? std::string("no Content-Type") : type));
  }
  // A body is an object of inputs (or answers): its data may nest
  // dsl::kMaxDataDepth levels below them, and no more (json_value.h).
  constexpr int kMaxBodyDepth = dsl::kMaxDataDepth + 2;
  if (dsl::NestsDeeperThan(body, kMaxBodyDepth)) {
    return Problem(call, 400, "invalid-body", "Invalid body",
                   "the body nests deeper than " +
                       std::to_string(kMaxBodyDepth) + " levels");
  }
  out = nlohmann::json::parse(body, nullptr, false);
  if (out.is_discarded()) {
    return Problem(call, 400, "malformed-json", "Malformed JSON",
                   "the body is not valid JSON");
  }
  if (!out.is_object()) {
    return Problem(call, 400, "invalid-body", "Invalid body",
                   "the body must be a JSON object, got " +
                       std::string(out.type_name()));
  }
  return std::nullopt;
}

// A member of `body` not in `allowed`, as a problem naming the closest.
std::optional<ServerResponse> CheckMembers(
    const Api::Call& call, const nlohmann::json& body,
    const std::vector<std::string>& allowed) {
  for (const auto& [key, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end())
      continue;
    std::string detail = "unknown member '" + key + "'";
    std::string guess = dsl::ClosestMatch(key, allowed);
    if (!guess.empty()) detail += "; did you mean '" + guess + "'?";
    std::string list;
    for (const std::string& name : allowed)
      list += (list.empty() ? "" : ", ") + name;
    detail += " (the members are " + list + ")";
    return Problem(call, 400, "invalid-body", "Invalid body", detail);
  }
  return std::nullopt;
}

// A callback_url the server may send to: an http(s) URL, under one of
// `allowed` when the configuration lists some.
std::optional<ServerResponse> CheckCallbackUrl(
    const Api::Call& call, const std::string& url,
    const std::vector<net::Url>& allowed) {
  Result<net::Url> parsed = net::ParseUrl(url);
  if (!parsed.ok()) {
    return Problem(call, 400, "invalid-body", "Invalid body",
                   "callback_url: " + parsed.status().message());
  }
  if (allowed.empty()) return std::nullopt;
  for (const net::Url& base : allowed) {
    if (net::IsUnder(parsed.value(), base)) return std::nullopt;
  }
  return Problem(call, 422, "callback-url-not-allowed",
                 "Callback URL not allowed",
                 "callback_url " + parsed.value().ToString() +
                     " is not under any of the URLs this server may send "
                     "callbacks to (callbacks.allowed_urls)");
}

std::optional<ServerResponse> CheckIdempotencyKey(const Api::Call& call,
                                                  std::string_view key) {
  // Two keys (a proxy that adds its own) would start one run of the first
  // and drop the second without a word.
  if (call.request.count("Idempotency-Key") > 1) {
    return Problem(call, 400, "invalid-idempotency-key",
                   "Invalid Idempotency-Key",
                   "the Idempotency-Key header is given more than once");
  }
  bool printable = std::all_of(key.begin(), key.end(), [](char c) {
    return c > ' ' && c < 127;
  });
  if (key.empty() || key.size() > kMaxIdempotencyKey || !printable) {
    return Problem(call, 400, "invalid-idempotency-key",
                   "Invalid Idempotency-Key",
                   "the Idempotency-Key header must be 1 to " +
                       std::to_string(kMaxIdempotencyKey) +
                       " printable ASCII characters without spaces");
  }
  if (key.rfind(engine::kChildRunKeyPrefix, 0) == 0) {
    return Problem(call, 400, "invalid-idempotency-key",
                   "Invalid Idempotency-Key",
                   "keys starting with '" +
                       std::string(engine::kChildRunKeyPrefix) +
                       "' are reserved for the runs of workflow steps");
  }
  return std::nullopt;
}

Result<std::vector<RunStatus>> ParseStatuses(const std::string& text) {
  std::vector<RunStatus> statuses;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string name = text.substr(start, comma - start);
    std::optional<RunStatus> status = engine::ParseRunStatus(name);
    if (!status.has_value()) {
      return Status::Error(
          "unknown status '" + name +
          "'; the statuses are pending, running, awaiting_confirmation, "
          "succeeded, failed and cancelled");
    }
    if (std::find(statuses.begin(), statuses.end(), *status) == statuses.end())
      statuses.push_back(*status);  // each once: the SQL depends on the count
    start = comma + 1;
  }
  return statuses;
}

}  // namespace

// ---------------------------------------------------------------------------
// Routing

std::string Api::RequestLogMembers(const Call& call, unsigned status,
                                   double seconds) {
  std::string out;
  out.reserve(256);
  AppendMember(out, "event", "request");
  AppendMember(out, "request_id", call.request_id);
  AppendMember(out, "method", call.request.method_string());
  AppendMember(out, "path", call.path);
  AppendMember(out, "route", call.route);
  AppendMember(out, "status", static_cast<int64_t>(status));
  char duration[32];
  std::snprintf(duration, sizeof duration, ",\"duration_ms\":%.3f",
                seconds * 1000.0);
  out += duration;
  AppendMember(out, "token", call.token != nullptr ? call.token->name : "");
  return out;
}

Api::Api(ApiDependencies deps) : deps_(std::move(deps)) {
  auto add = [this](http::verb method, std::string pattern,
                    std::optional<Role> role, std::string public_name,
                    Reply (Api::*handler)(Call&)) {
    std::vector<std::string> segments = Split(pattern);
    routes_.push_back({method, std::move(pattern), std::move(segments), role,
                       std::move(public_name), handler});
  };
  using V = http::verb;
  add(V::get, "/healthz", std::nullopt, "healthz", &Api::Healthz);
  add(V::get, "/readyz", std::nullopt, "readyz", &Api::Readyz);
  add(V::get, "/metrics", std::nullopt, "metrics", &Api::MetricsText);
  add(V::get, "/v1/openapi.yaml", std::nullopt, "openapi", &Api::OpenApi);
  add(V::get, "/v1/workflows", Role::kRead, "", &Api::ListWorkflows);
  add(V::post, "/v1/workflows:validate", Role::kAdmin, "",
      &Api::ValidateWorkflow);
  add(V::post, "/v1/workflows:reload", Role::kAdmin, "",
      &Api::ReloadWorkflows);
  add(V::get, "/v1/workflows/{name}", Role::kRead, "", &Api::GetWorkflow);
  add(V::post, "/v1/workflows/{name}/runs", Role::kWrite, "", &Api::StartRun);
  add(V::get, "/v1/runs", Role::kRead, "", &Api::ListRuns);
  add(V::get, "/v1/runs/{id}", Role::kRead, "", &Api::GetRun);
  add(V::post, "/v1/runs/{id}/confirmation", Role::kWrite, "",
      &Api::AnswerRun);
  add(V::post, "/v1/runs/{id}/cancel", Role::kWrite, "", &Api::CancelRun);
  add(V::get, "/v1/runs/{id}/journal", Role::kRead, "", &Api::GetJournal);
}

namespace {

// The path and query of a request target. A server must accept the
// absolute form (RFC 9112, 3.2.2: "GET http://host/healthz"), which
// proxies send; its scheme and authority are dropped.
std::string_view OriginForm(std::string_view target) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() < scheme.size() ||
        !std::equal(scheme.begin(), scheme.end(), target.begin(),
                    [](char a, char b) {
                      return a == std::tolower(static_cast<unsigned char>(b));
                    })) {
      continue;
    }
    // What follows the authority; an empty path is "/" (Handle).
    size_t path = target.find_first_of("/?", scheme.size());
    return path == std::string_view::npos ? std::string_view()
                                          : target.substr(path);
  }
  return target;
}

}  // namespace

Api::~Api() = default;

boost::asio::awaitable<std::optional<ServerResponse>> Api::Handle(
    net::ServerRequest request) {
  const auto started = std::chrono::steady_clock::now();
  Call call;
  call.request = std::move(request);
  std::string_view target = OriginForm(call.request.target());
  size_t question = target.find('?');
  call.path = std::string(target.substr(0, question));
  if (call.path.empty()) call.path = "/";
  call.request_id = net::RequestIdFor(call.request["X-Request-Id"]);

  ServerResponse response;
  try {
    if (question != std::string_view::npos)
      call.bad_query = ParseQuery(target.substr(question + 1), call.query);
    response = co_await Dispatch(call);
  } catch (const std::exception& failure) {
    response = Problem(call, 500, "internal-error", "Internal Server Error",
                       std::string("the request failed: ") + failure.what());
  }
  response.set("X-Request-Id", call.request_id);
  const double seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - started)
                             .count();
  const unsigned status = response.result_int();
  deps_.metrics->ObserveRequest(call.route, static_cast<int>(status), seconds);
  if (deps_.log_request) {
    deps_.log_request(RequestLogMembers(call, status, seconds));
  }
  co_return response;
}

Api::Reply Api::Dispatch(Call& call) {
  std::vector<std::string> segments = Split(call.path);
  std::vector<std::string> allowed;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::vector<std::string> params;
    bool matches = true;
    for (size_t i = 0; i < segments.size() && matches; ++i) {
      const std::string& want = route.segments[i];
      if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
        std::optional<std::string> value = Decode(segments[i], false);
        matches = value.has_value() && !value->empty();
        if (matches) params.push_back(*value);
      } else {
        matches = want == segments[i];
      }
    }
    if (!matches) continue;
    if (route.method != call.request.method()) {
      allowed.push_back(std::string(http::to_string(route.method)));
      // A 405 is counted under the route's template: the path exists.
      call.route = route.pattern;
      continue;
    }
    call.route = route.pattern;
    call.params = std::move(params);
    std::optional<ServerResponse> refused = Authorize(call, route);
    if (refused.has_value()) co_return std::move(*refused);
    if (call.bad_query.has_value()) {
      const bool malformed = call.bad_query->first == "malformed-query";
      co_return Problem(call, 400, call.bad_query->first,
                        malformed ? "Malformed query" : "Invalid query",
                        call.bad_query->second);
    }
    ServerResponse response = co_await (this->*route.handler)(call);
    co_return response;
  }
  if (!allowed.empty()) {
    std::string list;
    for (const std::string& method : allowed)
      list += (list.empty() ? "" : ", ") + method;
    ServerResponse response =
        Problem(call, 405, "method-not-allowed", "Method Not Allowed",
                std::string(call.request.method_string()) + " " + call.path +
                    " is not served; use " + list);
    response.set(http::field::allow, list);
    co_return response;
  }
  co_return Problem(call, 404, "not-found", "Not Found",
                    "no route " + call.path +
                        "; the API is described at /v1/openapi.yaml");
}

std::optional<ServerResponse> Api::Authorize(Call& call,
                                             const Route& route) const {
  const ServeConfig& config = *deps_.config;
  if (config.tokens.empty()) return std::nullopt;
  if (!route.public_name.empty() &&
      config.public_routes.count(route.public_name) != 0) {
    return std::nullopt;
  }
  std::string_view header = call.request[http::field::authorization];
  constexpr std::string_view kBearer = "Bearer ";
  std::string_view presented;
  if (header.size() > kBearer.size() &&
      std::equal(kBearer.begin(), kBearer.end(), header.begin(),
                 [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    presented = header.substr(kBearer.size());
    // RFC 7235: one or more spaces after the scheme.
    while (!presented.empty() && presented.front() == ' ')
      presented.remove_prefix(1);
  }
  // Every token is compared, so that the time taken does not say which
  // one (or whether any) was close.
  const TokenConfig* found = nullptr;
  for (const TokenConfig& token : config.tokens) {
    if (SameSecret(presented, token.token)) found = &token;
  }
  if (found == nullptr) {
    bool missing = presented.empty();
    ServerResponse response = Problem(
        call, 401, "unauthorized", "Unauthorized",
        missing ? "this route needs a bearer token: Authorization: Bearer "
                  "<token>"
                : "the bearer token is not one this server accepts (revoked "
                  "or mistyped)");
    response.set(http::field::www_authenticate,
                 missing ? "Bearer realm=\"bssflow\""
                         : "Bearer realm=\"bssflow\", error=\"invalid_token\"");
    return response;
  }
  call.token = found;
  if (route.role.has_value() && found->roles.count(*route.role) == 0) {
    return Problem(call, 403, "forbidden", "Forbidden",
                   "the token '" + found->name + "' lacks the role '" +
                       RoleName(*route.role) + "' that " + route.pattern +
                       " needs");
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Operations

Api::Reply Api::Healthz(Call&) {
  co_return JsonResponse(200, {{"status", "ok"}});
}

Api::Reply Api::Readyz(Call& call) {
  if (draining_) {
    co_return Problem(call, 503, "not-ready", "Not ready",
                      "the server is shutting down");
  }
  if (!ready_) {
    co_return Problem(call, 503, "not-ready", "Not ready",
                      "the server is starting");
  }
  engine::RunFilter probe;
  probe.limit = 1;
  auto listed = deps_.engine->store().ListRuns(probe);
  if (!listed.ok()) {
    co_return Problem(call, 503, "not-ready", "Not ready",
                      listed.status().message());
  }
  co_return JsonResponse(200, {{"status", "ready"}});
}

Api::Reply Api::MetricsText(Call& call) {
  auto counts = deps_.engine->store().CountRunsByStatus();
  if (!counts.ok()) co_return FromStoreFailure(call, counts.status());
  std::map<std::string, int64_t> by_status;
  for (const auto& [status, count] : counts.value())
    by_status[engine::RunStatusName(status)] = count;
  ServerResponse response{http::status::ok, 11};
  response.set(http::field::content_type,
               "text/plain; version=0.0.4; charset=utf-8");
  response.body() = deps_.metrics->Render(by_status);
  co_return response;
}

Api::Reply Api::OpenApi(Call&) {
  ServerResponse response{http::status::ok, 11};
  response.set(http::field::content_type, "application/yaml");
  response.body() = deps_.openapi;
  co_return response;
}

// ---------------------------------------------------------------------------
// Workflows

Api::Reply Api::ListWorkflows(Call&) {
  std::shared_ptr<const WorkflowSet> set = deps_.registry->Current();
  nlohmann::json workflows = nlohmann::json::array();
  for (const auto& [name, named] : set->workflows)
    workflows.push_back(WorkflowSummaryJson(*named.workflow));
  co_return JsonResponse(
      200, {{"workflows", workflows}, {"problems", ProblemsJson(set->problems)}});
}

Api::Reply Api::GetWorkflow(Call& call) {
  engine::NamedWorkflow named = deps_.registry->Find(call.params[0]);
  if (named.workflow == nullptr) {
    co_return Problem(call, 404, "workflow-not-found", "Workflow not found",
                      "there is no workflow " + call.params[0] +
                          "; GET /v1/workflows lists them");
  }
  nlohmann::json body = WorkflowSummaryJson(*named.workflow);
  body["definition"] = named.text;
  body["graph"] = engine::MermaidGraph(*named.workflow);
  co_return JsonResponse(200, body);
}

Api::Reply Api::ValidateWorkflow(Call& call) {
  std::string type = MediaType(call.request[http::field::content_type]);
  if (type != "application/yaml" && type != "text/yaml" &&
      type != "application/x-yaml" && type != "text/plain") {
    co_return Problem(call, 415, "unsupported-media-type",
                      "Unsupported Media Type",
                      "the body must be a workflow file as application/yaml, "
                      "got " +
                          (type.empty() ? std::string("no Content-Type")
                                        : type));
  }
  std::shared_ptr<const WorkflowSet> set = deps_.registry->Current();
  std::vector<std::shared_ptr<const engine::Workflow>> offered;
  for (const auto& [name, named] : set->workflows)
    offered.push_back(named.workflow);
  Result<engine::ActionCatalog> catalog = engine::WorkflowCatalog(offered);
  engine::LoaderContext context = deps_.engine->loader_context();
  if (catalog.ok()) context.workflows = &catalog.value();
  engine::LoadResult loaded =
      engine::LoadWorkflow("request.yaml", call.request.body(), context);
  nlohmann::json diagnostics = nlohmann::json::array();
  for (const dsl::Diagnostic& diagnostic : loaded.diagnostics) {
    dsl::Location at = dsl::Locate(loaded.source, diagnostic.offset);
    diagnostics.push_back({{"line", at.line},
                           {"column", at.column},
                           {"message", diagnostic.message},
                           {"text", dsl::Render(loaded.source, diagnostic)}});
  }
  co_return JsonResponse(200, {{"valid", loaded.ok()},
                               {"workflow", DeclaredName(call.request.body())},
                               {"diagnostics", diagnostics}});
}

Api::Reply Api::ReloadWorkflows(Call&) {
  ReloadReport report = deps_.reload();
  co_return JsonResponse(200, {{"workflows", report.loaded},
                               {"changed", report.changed},
                               {"problems", ProblemsJson(report.problems)}});
}

// ---------------------------------------------------------------------------
// Runs

net::ServerResponse Api::RunResponse(Call& call, const std::string& id,
                                     unsigned status) {
  engine::JournalStore& store = deps_.engine->store();
  Result<RunRecord> version = store.GetRunVersion(id);
  if (!version.ok()) return NotFoundRun(call, id, version.status());
  const RunRecord& now = version.value();
  {
    std::lock_guard lock(view_cache_mutex_);
    auto cached = view_cache_.find(id);
    if (cached != view_cache_.end() &&
        cached->second.last_sequence == now.last_sequence &&
        cached->second.updated_ms == now.updated_ms &&
        cached->second.status == static_cast<int>(now.status)) {
      ServerResponse response{static_cast<http::status>(status), 11};
      response.set(http::field::content_type, "application/json");
      response.body() = cached->second.body;
      return response;
    }
  }
  // The record and its state event are two reads: when the run moved on
  // between them (the event is newer than the record), read both again,
  // so that a view never mixes two moments of the run.
  Result<RunRecord> run = Status::Error("unread");
  std::optional<engine::Event> state;
  for (int attempt = 0; attempt < 3; ++attempt) {
    run = store.GetRun(id);
    if (!run.ok()) return NotFoundRun(call, id, run.status());
    state.reset();
    const char* type = StateEventType(run.value());
    if (type == nullptr) break;
    Result<std::optional<engine::Event>> read = store.ReadLastEvent(id, type);
    if (!read.ok()) return FromStoreFailure(call, read.status());
    state = std::move(read.value());
    if (!state.has_value() || state->sequence <= run.value().last_sequence)
      break;
  }
  const RunRecord& record = run.value();
  ServerResponse response = JsonResponse(status, RunViewJson(record, state));
  std::lock_guard lock(view_cache_mutex_);
  // Bounded: when full, start again (the views are cheap to render again).
  if (view_cache_.size() >= kViewCacheSize) view_cache_.clear();
  view_cache_[id] = {record.last_sequence, record.updated_ms,
                     static_cast<int>(record.status), response.body()};
  return response;
}

Api::Reply Api::StartRun(Call& call) {
  if (draining_) {
    co_return Problem(call, 503, "shutting-down", "Service Unavailable",
                      "the server is shutting down; start the run again on "
                      "another instance or after the restart");
  }
  nlohmann::json body;
  if (auto refused = ReadJsonObject(call, body)) co_return std::move(*refused);
  if (auto refused = CheckMembers(call, body, {"inputs", "callback_url"}))
    co_return std::move(*refused);
  nlohmann::json inputs = body.value("inputs", nlohmann::json::object());
  if (!inputs.is_object()) {
    co_return Problem(call, 400, "invalid-body", "Invalid body",
                      "'inputs' must be a JSON object, got " +
                          std::string(inputs.type_name()));
  }
  std::string callback_url;
  if (body.contains("callback_url")) {
    if (!body["callback_url"].is_string()) {
      co_return Problem(call, 400, "invalid-body", "Invalid body",
                        "'callback_url' must be a string");
    }
    callback_url = body["callback_url"].get<std::string>();
    if (auto refused = CheckCallbackUrl(call, callback_url,
                                        deps_.config->callbacks.allowed_urls))
      co_return std::move(*refused);
  }
  std::string key(call.request["Idempotency-Key"]);
  if (call.request.find("Idempotency-Key") != call.request.end()) {
    if (auto refused = CheckIdempotencyKey(call, key))
      co_return std::move(*refused);
  }

  const std::string& name = call.params[0];
  engine::NamedWorkflow named = deps_.registry->Find(name);
  if (named.workflow == nullptr) {
    co_return Problem(call, 404, "workflow-not-found", "Workflow not found",
                      "there is no workflow " + name +
                          "; GET /v1/workflows lists them");
  }
  if (!key.empty()) {
    auto existing = deps_.engine->store().FindRunByKey(key);
    if (!existing.ok()) co_return FromStoreFailure(call, existing.status());
    if (existing.value().has_value()) {
      if (existing.value()->workflow != name) {
        co_return Problem(call, 409, "idempotency-key-reused",
                          "Idempotency-Key reused",
                          "the Idempotency-Key already names run " +
                              existing.value()->id + " of workflow " +
                              existing.value()->workflow);
      }
      ServerResponse replayed = RunResponse(call, existing.value()->id, 200);
      replayed.set("Idempotent-Replayed", "true");
      co_return replayed;
    }
  }
  Status fits = engine::Runner::CheckInputs(*named.workflow, inputs);
  if (!fits.ok()) {
    co_return Problem(call, 422, "invalid-inputs", "Invalid inputs",
                      fits.message());
  }

  app::LocalEngine* engine = deps_.engine;
  std::function<boost::asio::awaitable<Result<engine::RunSummary>>()> start =
      [engine, named, inputs, key, callback_url]() {
        return engine->runner().Start(named.workflow, named.text, inputs, key,
                                      engine::Drive::kInBackground,
                                      callback_url);
      };
  // (Bound first: GCC 12 mishandles temporaries inside co_await.)
  auto starting =
      OnEngine<Result<engine::RunSummary>>(*engine, std::move(start));
  Result<engine::RunSummary> started = co_await std::move(starting);
  if (!started.ok()) co_return FromStoreFailure(call, started.status());
  // Set for a start in the background (Runner::Start).
  const engine::CreatedRun& made = started.value().start.value();
  const std::string& id = made.run.id;
  if (!made.created) {
    // Another request with the same new key won the race: its run is the
    // answer, as for any repeated key.
    if (made.run.workflow != name) {
      co_return Problem(call, 409, "idempotency-key-reused",
                        "Idempotency-Key reused",
                        "the Idempotency-Key already names run " + id +
                            " of workflow " + made.run.workflow);
    }
    ServerResponse replayed = RunResponse(call, id, 200);
    replayed.set("Idempotent-Replayed", "true");
    co_return replayed;
  }
  // The run as it was created (pending): the answer does not wait for, nor
  // read back, what its drive in the background has done since.
  ServerResponse response =
      JsonResponse(202, RunViewJson(made.run, std::nullopt));
  response.set(http::field::location, "/v1/runs/" + id);
  co_return response;
}

Api::Reply Api::ListRuns(Call& call) {
  engine::RunFilter filter;
  filter.limit = kDefaultPageSize;
  for (const auto& [key, value] : call.query) {
    // An empty value is a caller's variable left unset (`after=$NEXT`):
    // taken as absent, it would page from the start again, or match all.
    if (value.empty() && (key == "workflow" || key == "account" ||
                          key == "after")) {
      co_return Problem(call, 400, "invalid-query", "Invalid query",
                        key + " is empty; leave the parameter out instead");
    }
    if (key == "status") {
      Result<std::vector<RunStatus>> statuses = ParseStatuses(value);
      if (!statuses.ok()) {
        co_return Problem(call, 400, "invalid-query", "Invalid query",
                          statuses.status().message());
      }
      filter.statuses = std::move(statuses.value());
    } else if (key == "workflow") {
      filter.workflow = value;
    } else if (key == "account") {
      filter.account = value;
    } else if (key == "after") {
      filter.after_id = value;
    } else if (key == "limit") {
      bool digits = !value.empty() && value.size() <= 4 &&
                    std::all_of(value.begin(), value.end(),
                                [](char c) { return c >= '0' && c <= '9'; });
      int limit = digits ? std::stoi(value) : 0;
      if (limit < 1 || limit > kMaxPageSize) {
        co_return Problem(call, 400, "invalid-query", "Invalid query",
                          "limit must be a whole number from 1 to " +
                              std::to_string(kMaxPageSize) + ", got '" +
                              value + "'");
      }
      filter.limit = limit;
    } else {
      co_return Problem(call, 400, "invalid-query", "Invalid query",
                        "unknown parameter '" + key +
                            "'; the parameters are status, workflow, "
                            "account, limit and after");
    }
  }
  if (!filter.after_id.empty()) {
    auto after = deps_.engine->store().GetRun(filter.after_id);
    if (!after.ok()) {
      co_return Problem(call, 400, "invalid-query", "Invalid query",
                        "after names no run (" + filter.after_id +
                            "); pass the `next` of the previous page");
    }
  }
  const int page = filter.limit;
  filter.limit = page + 1;  // one more, to know whether there is a next page
  auto runs = deps_.engine->store().ListRuns(filter);
  if (!runs.ok()) co_return FromStoreFailure(call, runs.status());
  nlohmann::json list = nlohmann::json::array();
  nlohmann::json next = nullptr;
  for (size_t i = 0; i < runs.value().size(); ++i) {
    if (static_cast<int>(i) == page) {
      next = runs.value()[i - 1].id;
      break;
    }
    list.push_back(RunSummaryJson(runs.value()[i]));
  }
  co_return JsonResponse(200, {{"runs", list}, {"next", next}});
}

Api::Reply Api::GetRun(Call& call) {
  co_return RunResponse(call, call.params[0], 200);
}

Api::Reply Api::AnswerRun(Call& call) {
  nlohmann::json body;
  if (auto refused = ReadJsonObject(call, body)) co_return std::move(*refused);
  if (auto refused = CheckMembers(call, body, {"decision", "by"}))
    co_return std::move(*refused);
  std::string decision =
      body.contains("decision") && body["decision"].is_string()
          ? body["decision"].get<std::string>()
          : "";
  if (decision != "confirm" && decision != "reject") {
    co_return Problem(call, 400, "invalid-body", "Invalid body",
                      "'decision' must be \"confirm\" or \"reject\"");
  }
  if (body.contains("by") &&
      (!body["by"].is_string() || body["by"].get<std::string>().empty())) {
    co_return Problem(call, 400, "invalid-body", "Invalid body",
                      "'by' must be a non-empty string: who answered");
  }
  std::string by = body.contains("by") ? body["by"].get<std::string>()
                   : call.token != nullptr ? call.token->name
                                           : "api";
  const std::string id = call.params[0];
  auto run = deps_.engine->store().GetRun(id);
  if (!run.ok()) co_return NotFoundRun(call, id, run.status());
  if (run.value().status != RunStatus::kAwaitingConfirmation) {
    co_return Problem(call, 409, "not-awaiting-confirmation",
                      "Not awaiting a confirmation",
                      engine::NotAwaitingConfirmation(id, run.value().status));
  }
  if (auto parent =
          engine::AskingParent(deps_.engine->store(), run.value())) {
    co_return Problem(call, 409, "answered-through-parent",
                      "Answered through its parent run",
                      engine::AnsweredThroughParent(run.value(), *parent));
  }
  const engine::Answer answer = decision == "confirm" ? engine::Answer::kConfirm
                                                      : engine::Answer::kReject;
  app::LocalEngine* engine = deps_.engine;
  std::function<boost::asio::awaitable<Result<engine::RunSummary>>()> answering =
      [engine, id, answer, by]() {
        return engine->runner().AnswerConfirmation(
            id, answer, by, engine::Drive::kInBackground);
      };
  auto answer_op =
      OnEngine<Result<engine::RunSummary>>(*engine, std::move(answering));
  Result<engine::RunSummary> answered = co_await std::move(answer_op);
  if (!answered.ok()) {
    // Another answer won the race, or the store failed.
    auto now = deps_.engine->store().GetRun(id);
    if (now.ok() && now.value().status != RunStatus::kAwaitingConfirmation) {
      co_return Problem(call, 409, "not-awaiting-confirmation",
                        "Not awaiting a confirmation",
                        answered.status().message());
    }
    co_return FromStoreFailure(call, answered.status());
  }
  co_return RunResponse(call, id, 200);
}

Api::Reply Api::CancelRun(Call& call) {
  const std::string id = call.params[0];
  auto run = deps_.engine->store().GetRun(id);
  if (!run.ok()) co_return NotFoundRun(call, id, run.status());
  app::LocalEngine* engine = deps_.engine;
  std::function<boost::asio::awaitable<Status>()> cancelling = [engine, id]() {
    return engine->runner().Cancel(id);
  };
  auto cancel_op = OnEngine<Status>(*engine, std::move(cancelling));
  Status cancelled = co_await std::move(cancel_op);
  if (!cancelled.ok()) {
    auto now = deps_.engine->store().GetRun(id);
    if (now.ok() && engine::IsFinal(now.value().status)) {
      co_return Problem(call, 409, "run-finished", "Run finished",
                        cancelled.message());
    }
    co_return FromStoreFailure(call, cancelled);
  }
  co_return RunResponse(call, id, 200);
}

Api::Reply Api::GetJournal(Call& call) {
  const std::string id = call.params[0];
  engine::JournalStore& store = deps_.engine->store();
  auto run = store.GetRun(id);
  if (!run.ok()) co_return NotFoundRun(call, id, run.status());
  auto format = call.query.find("format");
  if (format != call.query.end() && format->second != "journal") {
    if (format->second != "recording") {
      co_return Problem(call, 400, "invalid-query", "Invalid query",
                        "format must be journal or recording, got '" +
                            format->second + "'");
    }
    Result<nlohmann::json> recording = app::RecordRun(store, id);
    if (!recording.ok()) co_return FromStoreFailure(call, recording.status());
    co_return JsonResponse(200, recording.value());
  }
  auto journal = store.ReadJournal(id);
  if (!journal.ok()) co_return FromStoreFailure(call, journal.status());
  nlohmann::json events = nlohmann::json::array();
  for (const engine::Event& event : journal.value())
    events.push_back(EventJson(event));
  co_return JsonResponse(
      200, {{"run", RunViewJson(run.value(),
                                StateEventOf(run.value(), journal.value()))},
            {"events", events}});
}

}  // namespace bssflow::serve

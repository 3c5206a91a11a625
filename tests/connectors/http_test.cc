// The generic http connector against a small REST service on loopback: the
// service (CrmService below, a pure handler) runs on a SimulatorHost's
// thread and records what it was sent; the connector runs on an io_context
// run by the test thread.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "connectors/http/http_connector.h"
#include "connectors/http/testing.h"
#include "dsl/json_value.h"
#include "simulators/host/simulator_host.h"

namespace bssflow::connectors::http {
namespace {

namespace asio = boost::asio;
namespace beast_http = boost::beast::http;
using engine::ActionOutcome;
using testing::Body;
using testing::Template;

// A request as the service saw it.
struct Seen {
  std::string method;
  std::string target;
  std::string authorization;
  std::string idempotency_key;
  std::string content_type;
  std::string body;
};

// A CRM-like service: GET and POST on /api/accounts, and /status/<n>
// answering status n the way real services do.
class CrmService {
 public:
  simulators::SimulatedResponse Handle(const simulators::HttpRequest& request) {
    Record(request);
    std::string target(request.target());
    std::string path = target.substr(0, target.find('?'));
    if (path == "/status/404")
      return Json(404, R"({"title":"Not Found","detail":"No account A-404."})");
    if (path == "/status/409")
      return Json(409, R"({"message":"An account named Contoso exists."})");
    if (path == "/status/429") {
      simulators::SimulatedResponse response =
          Json(429, R"({"title":"Slow down"})");
      response.response.set(beast_http::field::retry_after, "7");
      return response;
    }
    if (path == "/status/503")
      return Text(503, "text/plain", "upstream down\n");
    if (path == "/status/204") return Text(204, "", "");
    if (path == "/maintenance")
      return Text(200, "text/html", "<html><b>maintenance</b></html>");
    if (path == "/slow") {
      simulators::SimulatedResponse response = Json(200, "{}");
      response.delay = std::chrono::seconds(1);  // past the 200 ms timeout
      return response;
    }
    if (request.method() == beast_http::verb::post) {
      return Json(201,
                  R"({"id":"A-9","token":"tok-created-secret","received":)" +
                      request.body() + "}");
    }
    return Json(200, R"({"id":")" + path.substr(path.rfind('/') + 1) +
                         R"(","owner":{"email":"it@contoso.example"},)"
                         R"("auth":{"token":"tok-from-the-crm"}})");
  }

  std::vector<Seen> seen() {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }

 private:
  void Record(const simulators::HttpRequest& request) {
    std::lock_guard<std::mutex> lock(mutex_);
    seen_.push_back({std::string(request.method_string()),
                     std::string(request.target()),
                     std::string(request[beast_http::field::authorization]),
                     std::string(request["Idempotency-Key"]),
                     std::string(request[beast_http::field::content_type]),
                     request.body()});
  }

  static simulators::SimulatedResponse Text(unsigned status,
                                            const std::string& type,
                                            std::string body) {
    simulators::SimulatedResponse simulated;
    simulated.response.result(status);
    if (!type.empty())
      simulated.response.set(beast_http::field::content_type, type);
    simulated.response.body() = std::move(body);
    simulated.response.prepare_payload();
    return simulated;
  }
  static simulators::SimulatedResponse Json(unsigned status, std::string body) {
    return Text(status, "application/json", std::move(body));
  }

  std::mutex mutex_;
  std::vector<Seen> seen_;
};

class HttpConnectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::string> url = host_.Add(
        [this](const simulators::HttpRequest& r) { return crm_.Handle(r); });
    ASSERT_TRUE(url.ok()) << url.status().message();
    ASSERT_TRUE(host_.Start().ok());
    base_ = url.value();
  }
  void TearDown() override {
    connector_.reset();
    host_.Stop();
  }

  HttpEndpoint Endpoint(std::string name, std::string method,
                        const std::string& path) {
    HttpEndpoint endpoint;
    endpoint.name = std::move(name);
    endpoint.method = std::move(method);
    endpoint.url = Template(base_ + path);
    endpoint.timeout = std::chrono::seconds(2);
    return endpoint;
  }

  HttpConnector& Connector() {
    if (!connector_) {
      HttpEnvironment env;
      env.log = [this](const net::LogLine& line) {
        log_ += net::FormatLogLine(line) + "\n";
      };
      auto made = HttpConnector::Create(io_.get_executor(),
                                        HttpConfig{endpoints_, ""}, env);
      EXPECT_TRUE(made.ok()) << made.status().message();
      connector_ = std::move(made).value();
    }
    return *connector_;
  }

  ActionOutcome Run(const std::string& name, const nlohmann::json& args,
                    const std::string& key = "key-1") {
    std::optional<ActionOutcome> outcome;
    engine::CallContext ctx{"run-1", "step", 1, key};
    dsl::Value arguments = dsl::ValueFromJson(args).value();
    std::string action = "http." + name;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          ActionOutcome done =
              co_await Connector().Call(action, arguments, ctx);
          outcome = std::move(done);
        },
        asio::detached);
    io_.restart();
    io_.run();
    return outcome.value();
  }

  static nlohmann::json Ok(const ActionOutcome& outcome) {
    EXPECT_TRUE(outcome.result.has_value())
        << outcome.error->kind << " " << outcome.error->code << " "
        << outcome.error->message;
    if (!outcome.result.has_value()) return nullptr;
    return nlohmann::json::parse(dsl::ValueToJson(*outcome.result).dump());
  }

  static engine::ActionError Err(const ActionOutcome& outcome) {
    EXPECT_TRUE(outcome.error.has_value());
    if (!outcome.error.has_value())
      return {"(none)", "", "(the call succeeded)", std::nullopt};
    return *outcome.error;
  }

  CrmService crm_;
  simulators::SimulatorHost host_;
  std::string base_;
  std::vector<HttpEndpoint> endpoints_;
  asio::io_context io_;
  std::unique_ptr<HttpConnector> connector_;
  std::string log_;
};

TEST_F(HttpConnectorTest, GetWithPlaceholdersQueryAndResultMapping) {
  HttpEndpoint get =
      Endpoint("crm_account", "GET", "/api/accounts/{account_id}");
  get.query = {{"expand", Template("{expand}"), false},
               {"fields", Template("{fields}"), false}};
  get.optional = {"expand", "fields"};
  get.result = std::vector<ResultField>{
      {"id", "/id"}, {"owner", "/owner/email"}, {"missing", "/nothing"}};
  endpoints_ = {get};
  nlohmann::json result =
      Ok(Run("crm_account", {{"account_id", "A 1/2"}, {"expand", "owner"}}));
  EXPECT_EQ(result, nlohmann::json::parse(
                        R"({"id":"A%201%2F2","owner":"it@contoso.example",)"
                        R"("missing":null})"));
  std::vector<Seen> seen = crm_.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  // The service sees the encoded path; `fields` (absent) is left out.
  EXPECT_EQ(seen[0].target, "/api/accounts/A%201%2F2?expand=owner");
  EXPECT_EQ(seen[0].body, "");
  EXPECT_EQ(seen[0].content_type, "");
}

TEST_F(HttpConnectorTest, PostWithATypedBodyAndTheIdempotencyHeader) {
  HttpEndpoint post = Endpoint("create_account", "POST", "/api/accounts");
  post.body = Body(nlohmann::ordered_json::parse(
      R"json({"name": "{name}", "seats": "{seats}", "trial": "{trial}",
              "label": "{name} ({seats})", "owner": "{owner}"})json"));
  post.optional = {"owner"};
  post.idempotency_header = "Idempotency-Key";
  post.accept = {201};
  endpoints_ = {post};
  nlohmann::json result = Ok(Run(
      "create_account", {{"name", "Contoso"}, {"seats", 25}, {"trial", false}},
      "5f0c6a8e-0000-4000-8000-000000000001"));
  EXPECT_EQ(result["id"], "A-9");
  EXPECT_EQ(result["received"],
            nlohmann::json::parse(
                R"json({"name":"Contoso","seats":25,)json"
                R"json("trial":false,"label":"Contoso (25)"})json"));
  std::vector<Seen> seen = crm_.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].idempotency_key, "5f0c6a8e-0000-4000-8000-000000000001");
  EXPECT_EQ(seen[0].content_type, "application/json; charset=utf-8");
}

TEST_F(HttpConnectorTest, SecretsNeverReachTheLog) {
  HttpEndpoint get = Endpoint("crm_account", "GET", "/api/accounts/{id}");
  get.headers = {{"Authorization", "Bearer crm-bearer-secret", true},
                 {"X-Api-Key", "crm-api-key-secret", true},
                 {"X-Source", "bssflow", false}};
  get.query = {{"api_key", Template("crm-query-secret"), true}};
  get.result =
      std::vector<ResultField>{{"id", "/id"}, {"token", "/auth/token"}};
  get.secret = {"token"};
  HttpEndpoint post = Endpoint("create_account", "POST", "/api/accounts");
  post.body = Body(nlohmann::ordered_json::parse(R"({"name": "{name}"})"));
  post.secret = {"token"};
  endpoints_ = {get, post};
  nlohmann::json got = Ok(Run("crm_account", {{"id", "A-1"}}));
  EXPECT_EQ(got["token"], "tok-from-the-crm");  // the result keeps it
  nlohmann::json created = Ok(Run("create_account", {{"name", "Contoso"}}));
  EXPECT_EQ(created["token"], "tok-created-secret");
  std::vector<Seen> seen = crm_.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].authorization, "Bearer crm-bearer-secret");
  EXPECT_EQ(seen[0].target, "/api/accounts/A-1?api_key=crm-query-secret");
  for (const char* secret :
       {"crm-bearer-secret", "crm-api-key-secret", "crm-query-secret",
        "tok-from-the-crm", "tok-created-secret"}) {
    EXPECT_EQ(log_.find(secret), std::string::npos) << secret << "\n" << log_;
  }
  EXPECT_NE(log_.find("X-Source: bssflow"), std::string::npos) << log_;
  EXPECT_NE(log_.find("api_key=***"), std::string::npos) << log_;
  EXPECT_NE(log_.find("X-Api-Key: ***"), std::string::npos) << log_;
  // The response bodies are logged, their secret members hidden.
  EXPECT_NE(log_.find(R"("auth":{"token":"***"})"), std::string::npos) << log_;
  EXPECT_NE(log_.find(R"("received":{"name":"Contoso"},"token":"***")"),
            std::string::npos)
      << log_;
}

TEST_F(HttpConnectorTest, ErrorStatusesMapToKinds) {
  endpoints_ = {Endpoint("not_found", "GET", "/status/404"),
                Endpoint("conflict", "POST", "/status/409"),
                Endpoint("throttled", "GET", "/status/429"),
                Endpoint("unavailable", "GET", "/status/503")};
  engine::ActionError not_found =
      Err(Run("not_found", nlohmann::json::object()));
  EXPECT_EQ(not_found.kind, "not_found");
  EXPECT_EQ(not_found.code, "404");
  EXPECT_EQ(not_found.message,
            "GET " + base_ + "/status/404: HTTP 404: No account A-404.");
  engine::ActionError conflict = Err(Run("conflict", nlohmann::json::object()));
  EXPECT_EQ(conflict.kind, "conflict");
  EXPECT_EQ(conflict.code, "409");
  EXPECT_EQ(conflict.message, "POST " + base_ +
                                  "/status/409: HTTP 409: An account named "
                                  "Contoso exists.");
  engine::ActionError throttled =
      Err(Run("throttled", nlohmann::json::object()));
  EXPECT_EQ(throttled.kind, "throttled");
  EXPECT_EQ(throttled.code, "429");
  EXPECT_EQ(throttled.retry_after, std::chrono::seconds(7));
  EXPECT_EQ(throttled.message,
            "GET " + base_ + "/status/429: HTTP 429: Slow down");
  engine::ActionError unavailable =
      Err(Run("unavailable", nlohmann::json::object()));
  EXPECT_EQ(unavailable.kind, "retryable");
  EXPECT_EQ(unavailable.code, "503");
  EXPECT_EQ(unavailable.message,
            "GET " + base_ + "/status/503: HTTP 503: upstream down");
  // Statuses go back to the runner at once: one request each, no retries.
  EXPECT_EQ(crm_.seen().size(), 4u);
}

TEST_F(HttpConnectorTest, AcceptedStatuses) {
  HttpEndpoint gone = Endpoint("delete_account", "DELETE", "/status/404");
  gone.accept = {204, 404};  // already gone is fine
  HttpEndpoint empty = Endpoint("touch", "PUT", "/status/204");
  empty.accept = {200};
  endpoints_ = {gone, empty};
  nlohmann::json result = Ok(Run("delete_account", nlohmann::json::object()));
  EXPECT_EQ(result["detail"], "No account A-404.");
  engine::ActionError error = Err(Run("touch", nlohmann::json::object()));
  EXPECT_EQ(error.kind, "fatal");
  EXPECT_EQ(error.code, "204");
  EXPECT_EQ(error.message, "PUT " + base_ +
                               "/status/204: HTTP 204 is not an accepted "
                               "status (accept: 200)");
}

TEST_F(HttpConnectorTest, ANonJsonBodyWithPointersIsFatal) {
  HttpEndpoint mapped = Endpoint("mapped", "GET", "/maintenance");
  mapped.result = std::vector<ResultField>{{"id", "/id"}};
  HttpEndpoint whole = Endpoint("whole", "GET", "/maintenance");
  endpoints_ = {mapped, whole};
  engine::ActionError error = Err(Run("mapped", nlohmann::json::object()));
  EXPECT_EQ(error.kind, "fatal");
  EXPECT_EQ(error.code, "200");
  EXPECT_EQ(error.message,
            "GET " + base_ +
                "/maintenance: HTTP 200: the body is not JSON, but 'result' "
                "reads JSON pointers from it: <html><b>maintenance</b></html>");
  // Without pointers, text is the result.
  EXPECT_EQ(Ok(Run("whole", nlohmann::json::object())),
            "<html><b>maintenance</b></html>");
}

TEST_F(HttpConnectorTest, TimeoutsAndRefusedArguments) {
  HttpEndpoint slow = Endpoint("slow", "GET", "/slow");
  slow.timeout = std::chrono::milliseconds(200);
  HttpEndpoint get = Endpoint("crm_account", "GET", "/api/accounts/{id}");
  endpoints_ = {slow, get};
  engine::ActionError timeout = Err(Run("slow", nlohmann::json::object()));
  EXPECT_EQ(timeout.kind, "timeout") << timeout.message;
  engine::ActionError invalid = Err(Run("crm_account", {{"id", nullptr}}));
  EXPECT_EQ(invalid.kind, "invalid");
  EXPECT_EQ(invalid.message,
            "http.crm_account: argument 'id' is null, but the URL needs a "
            "value");
  engine::ActionError unknown = Err(Run("nothing", nlohmann::json::object()));
  EXPECT_EQ(unknown.kind, "fatal");
  EXPECT_EQ(unknown.code, "unknown_action");
  // Only the slow call reached the service.
  EXPECT_EQ(crm_.seen().size(), 1u);
}

}  // namespace
}  // namespace bssflow::connectors::http

// The routes of api.h against a real engine (SQLite store in a temporary
// directory) and a workflow without connectors: no network, no threads.
#include "app/serve/api.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>

#include "app/serve/workflow_registry.h"
#include "net/url.h"

namespace bssflow::serve {
namespace {

namespace http = boost::beast::http;

constexpr const char* kConfirm = R"(workflow: test.confirm
summary: Asks, then links.
inputs:
  account_id: int
steps:
  - id: ask
    confirm:
      message: "Link account ${ inputs.account_id }?"
      on_reject: end
  - id: link
    set:
      linked: true
outputs:
  linked: "${ vars.linked }"
)";

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "api_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/workflows");
    std::ofstream(dir_ + "/workflows/confirm.yaml") << kConfirm;
  }

  // Opens the engine and the API with `config` (made once, on first use).
  void Open(ServeConfig config = {}) {
    config_ = std::move(config);
    app::EngineOptions options;
    options.state_dir = dir_ + "/state";
    options.find_workflow = [this](const std::string& name) {
      return registry_->Find(name);
    };
    auto engine = app::LocalEngine::Open(options);
    ASSERT_TRUE(engine.ok()) << engine.status().message();
    engine_ = std::move(engine.value());
    registry_ = std::make_unique<WorkflowRegistry>(dir_ + "/workflows",
                                                   engine_->loader_context());
    registry_->Reload();
    ApiDependencies deps;
    deps.engine = engine_.get();
    deps.registry = registry_.get();
    deps.metrics = &metrics_;
    deps.config = &config_;
    deps.openapi = "openapi: 3.1.0\n";
    deps.reload = [this] { return registry_->Reload(); };
    deps.log_request = [this](std::string_view members) {
      log_.push_back(nlohmann::json::parse("{" + std::string(members) + "}"));
    };
    api_ = std::make_unique<Api>(std::move(deps));
    api_->set_ready(true);
  }

  net::ServerResponse Send(http::verb method, const std::string& target,
                           const std::string& body = "",
                           const std::string& content_type = "application/json",
                           std::vector<std::pair<std::string, std::string>>
                               headers = {}) {
    if (api_ == nullptr) Open();
    net::ServerRequest request{method, target, 11};
    if (!body.empty()) {
      request.set(http::field::content_type, content_type);
      request.body() = body;
      request.prepare_payload();
    }
    for (const auto& [name, value] : headers) request.insert(name, value);
    std::optional<net::ServerResponse> response =
        engine_->Await(api_->Handle(std::move(request)));
    EXPECT_TRUE(response.has_value());
    return response.value_or(net::ServerResponse());
  }

  static nlohmann::json Body(const net::ServerResponse& response) {
    return nlohmann::json::parse(response.body());
  }

  std::string StartConfirm(int account = 7) {
    auto response = Send(http::verb::post, "/v1/workflows/test.confirm/runs",
                         R"({"inputs": {"account_id": )" +
                             std::to_string(account) + "}}");
    EXPECT_EQ(response.result_int(), 202u) << response.body();
    return Body(response).value("id", "");
  }

  std::string dir_;
  ServeConfig config_;
  Metrics metrics_;
  std::vector<nlohmann::json> log_;
  std::unique_ptr<app::LocalEngine> engine_;
  std::unique_ptr<WorkflowRegistry> registry_;
  std::unique_ptr<Api> api_;
};

TEST_F(ApiTest, StartPollAnswerAndReadTheJournal) {
  auto started = Send(http::verb::post, "/v1/workflows/test.confirm/runs",
                      R"({"inputs": {"account_id": 7}})");
  ASSERT_EQ(started.result_int(), 202u) << started.body();
  const std::string id = Body(started)["id"];
  EXPECT_EQ(started[http::field::location], "/v1/runs/" + id);
  EXPECT_EQ(started[http::field::content_type], "application/json");
  // The run as it was created, not read back after its drive began.
  nlohmann::json created = Body(started);
  EXPECT_EQ(created["status"], "pending");
  EXPECT_EQ(created["current_step"], "");
  EXPECT_EQ(created["workflow"], "test.confirm");
  EXPECT_EQ(created["inputs"].dump(), R"({"account_id":7})");
  EXPECT_EQ(created["created_at"], created["updated_at"]);

  auto parked = Send(http::verb::get, "/v1/runs/" + id);
  ASSERT_EQ(parked.result_int(), 200u);
  nlohmann::json view = Body(parked);
  EXPECT_EQ(view["status"], "awaiting_confirmation");
  EXPECT_EQ(view["current_step"], "ask");
  EXPECT_EQ(view["prompt"].dump(),
            R"({"message":"Link account 7?","step":"ask"})");
  EXPECT_EQ(view["inputs"].dump(), R"({"account_id":7})");
  EXPECT_EQ(view["workflow"], "test.confirm");
  EXPECT_EQ(view["version"],
            registry_->Find("test.confirm").workflow->content_hash);

  auto answered = Send(http::verb::post, "/v1/runs/" + id + "/confirmation",
                       R"({"decision": "confirm", "by": "alice"})");
  ASSERT_EQ(answered.result_int(), 200u) << answered.body();
  view = Body(Send(http::verb::get, "/v1/runs/" + id));
  EXPECT_EQ(view["status"], "succeeded");
  EXPECT_EQ(view["outputs"].dump(), R"({"linked":true})");
  EXPECT_FALSE(view.contains("prompt"));

  nlohmann::json journal = Body(Send(http::verb::get, "/v1/runs/" + id + "/journal"));
  std::vector<std::string> types;
  for (const auto& event : journal["events"]) types.push_back(event["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{
                       "run_started", "step_started", "confirmation_requested",
                       "confirmation_answered", "step_succeeded",
                       "step_started", "variables_set", "step_succeeded",
                       "run_finished"}));
  EXPECT_EQ(journal["events"][3]["data"].dump(),
            R"({"answer":"confirm","by":"alice"})");
  EXPECT_EQ(journal["run"]["status"], "succeeded");

  nlohmann::json recording = Body(
      Send(http::verb::get, "/v1/runs/" + id + "/journal?format=recording"));
  EXPECT_EQ(recording["format"], "bssflow-recording");
  EXPECT_EQ(recording["workflow"]["definition"], kConfirm);
  EXPECT_EQ(recording["confirmations"].dump(),
            R"([{"answer":"confirm","by":"alice","message":"Link account 7?","step":"ask"}])");
  auto bad = Send(http::verb::get, "/v1/runs/" + id + "/journal?format=xml");
  EXPECT_EQ(bad.result_int(), 400u);
  EXPECT_EQ(Body(bad)["detail"], "format must be journal or recording, got 'xml'");
}

TEST_F(ApiTest, IdempotencyKeyReturnsTheSameRun) {
  const std::string body = R"({"inputs": {"account_id": 7}})";
  auto first = Send(http::verb::post, "/v1/workflows/test.confirm/runs", body,
                    "application/json", {{"Idempotency-Key", "order-1"}});
  ASSERT_EQ(first.result_int(), 202u);
  auto again = Send(http::verb::post, "/v1/workflows/test.confirm/runs", body,
                    "application/json", {{"Idempotency-Key", "order-1"}});
  ASSERT_EQ(again.result_int(), 200u);
  EXPECT_EQ(again["Idempotent-Replayed"], "true");
  EXPECT_EQ(Body(again)["id"], Body(first)["id"]);

  auto empty = Send(http::verb::post, "/v1/workflows/test.confirm/runs", body,
                    "application/json", {{"Idempotency-Key", ""}});
  EXPECT_EQ(empty.result_int(), 400u);
  EXPECT_EQ(Body(empty)["detail"],
            "the Idempotency-Key header must be 1 to 200 printable ASCII "
            "characters without spaces");

  auto twice = Send(http::verb::post, "/v1/workflows/test.confirm/runs", body,
                    "application/json",
                    {{"Idempotency-Key", "order-2"}, {"Idempotency-Key", "x"}});
  EXPECT_EQ(twice.result_int(), 400u);
  EXPECT_EQ(Body(twice)["detail"],
            "the Idempotency-Key header is given more than once");

  std::ofstream(dir_ + "/workflows/other.yaml")
      << "workflow: test.other\nsteps:\n  - id: nothing\n    set: {x: 1}\n";
  registry_->Reload();
  auto other = Send(http::verb::post, "/v1/workflows/test.other/runs", "{}",
                    "application/json", {{"Idempotency-Key", "order-1"}});
  ASSERT_EQ(other.result_int(), 409u);
  EXPECT_EQ(Body(other)["detail"],
            "the Idempotency-Key already names run " +
                Body(first)["id"].get<std::string>() + " of workflow test.confirm");
}

TEST_F(ApiTest, BadStartsAreProblems) {
  struct Case {
    std::string target, body, content_type;
    unsigned status;
    std::string problem;
  };
  const std::string runs = "/v1/workflows/test.confirm/runs";
  std::vector<Case> cases = {
      {runs, "{", "application/json", 400,
       R"j({"detail":"the body is not valid JSON","instance":"/v1/workflows/test.confirm/runs","status":400,"title":"Malformed JSON","type":"https://bssflow.dev/problems/malformed-json"})j"},
      {runs, R"({"inputs": {}})", "text/plain", 415,
       R"j({"detail":"the body must be application/json, got text/plain","instance":"/v1/workflows/test.confirm/runs","status":415,"title":"Unsupported Media Type","type":"https://bssflow.dev/problems/unsupported-media-type"})j"},
      {runs, "[1]", "application/json", 400,
       R"j({"detail":"the body must be a JSON object, got array","instance":"/v1/workflows/test.confirm/runs","status":400,"title":"Invalid body","type":"https://bssflow.dev/problems/invalid-body"})j"},
      {runs, R"({"input": {}})", "application/json", 400,
       R"j({"detail":"unknown member 'input'; did you mean 'inputs'? (the members are inputs, callback_url)","instance":"/v1/workflows/test.confirm/runs","status":400,"title":"Invalid body","type":"https://bssflow.dev/problems/invalid-body"})j"},
      {runs, R"({"inputs": {"account_id": "7"}})", "application/json", 422,
       R"j({"detail":"input 'account_id' must be int, got string","instance":"/v1/workflows/test.confirm/runs","status":422,"title":"Invalid inputs","type":"https://bssflow.dev/problems/invalid-inputs"})j"},
      {runs, R"({"inputs": {}, "callback_url": "ftp://x"})", "application/json",
       400, ""},
      {runs,
       R"({"inputs": {"account_id": )" + std::string(101, '[') +
           std::string(101, ']') + "}}",
       "application/json", 400,
       R"j({"detail":"the body nests deeper than 102 levels","instance":"/v1/workflows/test.confirm/runs","status":400,"title":"Invalid body","type":"https://bssflow.dev/problems/invalid-body"})j"},
      {"/v1/workflows/test.missing/runs", "{}", "application/json", 404,
       R"j({"detail":"there is no workflow test.missing; GET /v1/workflows lists them","instance":"/v1/workflows/test.missing/runs","status":404,"title":"Workflow not found","type":"https://bssflow.dev/problems/workflow-not-found"})j"},
  };
  for (const Case& c : cases) {
    auto response = Send(http::verb::post, c.target, c.body, c.content_type);
    EXPECT_EQ(response.result_int(), c.status) << c.body;
    EXPECT_EQ(response[http::field::content_type], "application/problem+json");
    if (!c.problem.empty()) {
      EXPECT_EQ(response.body(), c.problem);
    }
  }
  EXPECT_TRUE(Body(Send(http::verb::get, "/v1/runs"))["runs"].empty());
}

TEST_F(ApiTest, ACallbackUrlMustBeUnderAnAllowedUrl) {
  ServeConfig config;
  config.callbacks.allowed_urls = {
      net::ParseUrl("https://bss.example.com/hooks").value()};
  Open(config);
  const std::string runs = "/v1/workflows/test.confirm/runs";
  auto allowed = Send(http::verb::post, runs,
                      R"({"inputs": {"account_id": 7}, "callback_url": )"
                      R"("https://bss.example.com/hooks/bssflow"})");
  EXPECT_EQ(allowed.result_int(), 202u) << allowed.body();
  EXPECT_EQ(Body(allowed)["callback_url"],
            "https://bss.example.com/hooks/bssflow");
  for (const char* url : {"http://169.254.169.254/latest/meta-data",
                          "https://bss.example.com/hooks/../admin",
                          "https://bss.example.com/hooksx"}) {
    auto refused = Send(http::verb::post, runs,
                        R"({"inputs": {"account_id": 7}, "callback_url": ")" +
                            std::string(url) + "\"}");
    EXPECT_EQ(refused.result_int(), 422u) << url;
    EXPECT_EQ(Body(refused)["type"],
              "https://bssflow.dev/problems/callback-url-not-allowed");
  }
  auto metadata = Send(http::verb::post, runs,
                       R"({"inputs": {"account_id": 7}, "callback_url": )"
                       R"("http://169.254.169.254/latest/meta-data"})");
  EXPECT_EQ(
      metadata.body(),
      R"j({"detail":"callback_url http://169.254.169.254:80/latest/meta-data is not under any of the URLs this server may send callbacks to (callbacks.allowed_urls)","instance":"/v1/workflows/test.confirm/runs","status":422,"title":"Callback URL not allowed","type":"https://bssflow.dev/problems/callback-url-not-allowed"})j");
  // Only the allowed start made a run.
  EXPECT_EQ(Body(Send(http::verb::get, "/v1/runs"))["runs"].size(), 1u);
}

TEST_F(ApiTest, ConfirmationsAndCancels) {
  auto unknown = Send(http::verb::get, "/v1/runs/nope");
  EXPECT_EQ(unknown.result_int(), 404u);
  EXPECT_EQ(Body(unknown)["detail"], "there is no run nope");

  const std::string id = StartConfirm();
  auto bad = Send(http::verb::post, "/v1/runs/" + id + "/confirmation",
                  R"({"decision": "yes"})");
  EXPECT_EQ(bad.result_int(), 400u);
  EXPECT_EQ(Body(bad)["detail"], R"('decision' must be "confirm" or "reject")");

  auto cancelled = Send(http::verb::post, "/v1/runs/" + id + "/cancel");
  ASSERT_EQ(cancelled.result_int(), 200u) << cancelled.body();
  EXPECT_EQ(Body(cancelled)["status"], "cancelled");
  auto late = Send(http::verb::post, "/v1/runs/" + id + "/confirmation",
                   R"({"decision": "confirm"})");
  EXPECT_EQ(late.result_int(), 409u);
  EXPECT_EQ(Body(late)["detail"],
            "run " + id + " is not waiting for a confirmation (it was cancelled)");

  const std::string rejected = StartConfirm();
  ASSERT_EQ(Send(http::verb::post, "/v1/runs/" + rejected + "/confirmation",
                 R"({"decision": "reject"})")
                .result_int(),
            200u);
  nlohmann::json journal =
      Body(Send(http::verb::get, "/v1/runs/" + rejected + "/journal"));
  EXPECT_EQ(journal["events"][3]["data"].dump(),
            R"({"answer":"reject","by":"api"})");
  auto finished = Send(http::verb::post, "/v1/runs/" + rejected + "/cancel");
  EXPECT_EQ(finished.result_int(), 409u);
  EXPECT_EQ(Body(finished)["detail"],
            "run " + rejected + " cannot be cancelled: it has succeeded");
}

// A run a `workflow` step started asks its prompts through its parent, which
// is answered instead: answered on its own, the child would go on while the
// parent still waited on the prompt.
TEST_F(ApiTest, AChildRunIsAnsweredThroughItsParent) {
  std::ofstream(dir_ + "/workflows/parent.yaml")
      << "workflow: test.parent\n"
         "steps:\n"
         "  - id: link\n"
         "    workflow: test.confirm\n"
         "    with: {account_id: 9}\n";
  auto started =
      Send(http::verb::post, "/v1/workflows/test.parent/runs", R"({})");
  ASSERT_EQ(started.result_int(), 202u) << started.body();
  const std::string parent = Body(started)["id"];
  nlohmann::json children =
      Body(Send(http::verb::get, "/v1/runs?workflow=test.confirm"));
  ASSERT_EQ(children["runs"].size(), 1u) << children.dump();
  const std::string child = children["runs"][0]["id"];
  EXPECT_EQ(children["runs"][0]["status"], "awaiting_confirmation");

  auto refused = Send(http::verb::post, "/v1/runs/" + child + "/confirmation",
                      R"({"decision": "reject"})");
  EXPECT_EQ(refused.result_int(), 409u);
  EXPECT_EQ(Body(refused)["type"],
            "https://bssflow.dev/problems/answered-through-parent");
  EXPECT_EQ(Body(refused)["detail"],
            "run " + child + " asks its prompts through step 'link' of run " +
                parent + ": answer run " + parent);

  auto answered = Send(http::verb::post, "/v1/runs/" + parent + "/confirmation",
                       R"({"decision": "confirm"})");
  ASSERT_EQ(answered.result_int(), 200u) << answered.body();
  EXPECT_EQ(Body(Send(http::verb::get, "/v1/runs/" + parent))["status"],
            "succeeded");
  EXPECT_EQ(Body(Send(http::verb::get, "/v1/runs/" + child))["outputs"].dump(),
            R"({"linked":true})");
}

// A run damaged in the store (a row edited outside the engine) is a 500
// that names it, not a 503 a client would retry for ever.
TEST_F(ApiTest, ARunDamagedInTheStoreIsA500NamingIt) {
  const std::string id = StartConfirm();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir_ + "/state/journal.db").c_str(), &db),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE journal SET data = 'oops' WHERE sequence = 2",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  // A restart: the server no longer holds the journal it parked the run
  // with, and reads it from the store.
  api_.reset();
  registry_.reset();
  engine_.reset();
  Open();
  auto damaged = Send(http::verb::get, "/v1/runs/" + id + "/journal");
  EXPECT_EQ(damaged.result_int(), 500u);
  EXPECT_EQ(Body(damaged)["type"], "https://bssflow.dev/problems/run-damaged");
  EXPECT_EQ(Body(damaged)["detail"],
            "run " + id +
                " is damaged in the database: the data of its event 2 "
                "(step_started) is not JSON: parse error at line 1, column 1: "
                "syntax error while parsing value - invalid literal; last "
                "read: 'o'; an operator must mend or remove it "
                "(docs/operations.md)");
  // The answer is refused before anything is written.
  auto answer = Send(http::verb::post, "/v1/runs/" + id + "/confirmation",
                     R"({"decision": "confirm"})");
  EXPECT_EQ(answer.result_int(), 500u);
  EXPECT_EQ(Body(Send(http::verb::get, "/v1/runs/" + id))["status"],
            "awaiting_confirmation");
}

TEST_F(ApiTest, ListsRunsWithFiltersAndPages) {
  std::vector<std::string> ids;
  for (int account : {1, 2, 1}) ids.push_back(StartConfirm(account));
  nlohmann::json page = Body(Send(http::verb::get, "/v1/runs?limit=2"));
  ASSERT_EQ(page["runs"].size(), 2u);
  EXPECT_EQ(page["runs"][0]["id"], ids[0]);
  EXPECT_EQ(page["next"], ids[1]);
  page = Body(Send(http::verb::get, "/v1/runs?limit=2&after=" + ids[1]));
  ASSERT_EQ(page["runs"].size(), 1u);
  EXPECT_EQ(page["runs"][0]["id"], ids[2]);
  EXPECT_TRUE(page["next"].is_null());
  page = Body(Send(http::verb::get,
                   "/v1/runs?account=1&status=awaiting_confirmation,failed"
                   "&workflow=test.confirm"));
  ASSERT_EQ(page["runs"].size(), 2u);
  EXPECT_EQ(page["runs"][1]["id"], ids[2]);

  auto bad = Send(http::verb::get, "/v1/runs?status=done");
  EXPECT_EQ(bad.result_int(), 400u);
  EXPECT_EQ(Body(bad)["detail"],
            "unknown status 'done'; the statuses are pending, running, "
            "awaiting_confirmation, succeeded, failed and cancelled");
  bad = Send(http::verb::get, "/v1/runs?limit=0");
  EXPECT_EQ(Body(bad)["detail"],
            "limit must be a whole number from 1 to 1000, got '0'");
  bad = Send(http::verb::get, "/v1/runs?after=gone");
  EXPECT_EQ(Body(bad)["detail"],
            "after names no run (gone); pass the `next` of the previous page");
  for (const char* empty : {"after", "account", "workflow"}) {
    bad = Send(http::verb::get, std::string("/v1/runs?") + empty + "=");
    EXPECT_EQ(bad.result_int(), 400u);
    EXPECT_EQ(Body(bad)["detail"], std::string(empty) +
                                       " is empty; leave the parameter out "
                                       "instead");
  }
  bad = Send(http::verb::get, "/v1/runs?sort=id");
  EXPECT_EQ(Body(bad)["detail"],
            "unknown parameter 'sort'; the parameters are status, workflow, "
            "account, limit and after");
  bad = Send(http::verb::get, "/v1/runs?status=succeeded&status=failed");
  EXPECT_EQ(bad.result_int(), 400u);
  EXPECT_EQ(Body(bad)["detail"],
            "parameter 'status' is given twice; give several statuses as "
            "status=a,b");
  bad = Send(http::verb::get, "/v1/runs?limit=5&limit=6");
  EXPECT_EQ(Body(bad)["detail"], "parameter 'limit' is given twice");
}

TEST_F(ApiTest, RoutesAndMethods) {
  auto missing = Send(http::verb::get, "/v2/runs");
  EXPECT_EQ(missing.result_int(), 404u);
  EXPECT_EQ(Body(missing)["detail"],
            "no route /v2/runs; the API is described at /v1/openapi.yaml");
  auto method = Send(http::verb::delete_, "/v1/runs/abc");
  EXPECT_EQ(method.result_int(), 405u);
  EXPECT_EQ(method[http::field::allow], "GET");
  // Logged (and counted) under the template of the path, which exists;
  // the 404 before under "unmatched".
  ASSERT_EQ(log_.size(), 2u);
  EXPECT_EQ(log_[0]["route"], "unmatched");
  EXPECT_EQ(log_[1]["route"], "/v1/runs/{id}");
  EXPECT_EQ(Send(http::verb::get, "/healthz").body(), R"({"status":"ok"})");
  // The absolute form a proxy sends (RFC 9112, 3.2.2).
  EXPECT_EQ(Send(http::verb::get, "http://bssflow.internal:8080/healthz").body(),
            R"({"status":"ok"})");
  EXPECT_EQ(Send(http::verb::get, "HTTPS://x/v1/runs?limit=1").result_int(),
            200u);
  EXPECT_EQ(Body(Send(http::verb::get, "http://x"))["detail"],
            "no route /; the API is described at /v1/openapi.yaml");
  EXPECT_EQ(Send(http::verb::get, "/readyz").body(), R"({"status":"ready"})");
  api_->set_draining(true);
  EXPECT_EQ(Send(http::verb::get, "/readyz").result_int(), 503u);
  auto refused = Send(http::verb::post, "/v1/workflows/test.confirm/runs", "{}");
  EXPECT_EQ(refused.result_int(), 503u);
  EXPECT_EQ(Send(http::verb::get, "/v1/openapi.yaml").body(), "openapi: 3.1.0\n");
}

TEST_F(ApiTest, RequestIdsAreEchoedOrMadeAndLogged) {
  auto echoed = Send(http::verb::get, "/healthz", "", "",
                     {{"X-Request-Id", "bss-42.a_b"}});
  EXPECT_EQ(echoed["X-Request-Id"], "bss-42.a_b");
  auto made = Send(http::verb::get, "/healthz", "", "",
                   {{"X-Request-Id", "has spaces"}});
  EXPECT_EQ(made["X-Request-Id"].size(), 16u);
  ASSERT_EQ(log_.size(), 2u);
  EXPECT_EQ(log_[0]["request_id"], "bss-42.a_b");
  EXPECT_EQ(log_[0]["route"], "/healthz");
  EXPECT_EQ(log_[0]["status"], 200);
}

TEST_F(ApiTest, WorkflowsValidateAndReload) {
  nlohmann::json list = Body(Send(http::verb::get, "/v1/workflows"));
  ASSERT_EQ(list["workflows"].size(), 1u);
  EXPECT_EQ(list["workflows"][0]["name"], "test.confirm");
  EXPECT_EQ(list["workflows"][0]["description"], "Asks, then links.");
  EXPECT_EQ(list["workflows"][0]["inputs"].dump(),
            R"([{"description":"","name":"account_id","required":true,"type":"int"}])");
  nlohmann::json detail = Body(Send(http::verb::get, "/v1/workflows/test.confirm"));
  EXPECT_EQ(detail["definition"], kConfirm);
  EXPECT_EQ(detail["graph"].get<std::string>().rfind("flowchart", 0), 0u);

  auto validated = Send(http::verb::post, "/v1/workflows:validate",
                        "workflow: test.x\nsteps:\n  - id: a\n    sett: {}\n",
                        "application/yaml");
  ASSERT_EQ(validated.result_int(), 200u);
  nlohmann::json result = Body(validated);
  EXPECT_EQ(result["valid"], false);
  EXPECT_EQ(result["workflow"], "test.x");
  ASSERT_EQ(result["diagnostics"].size(), 2u);
  EXPECT_EQ(result["diagnostics"][1]["line"], 4);
  EXPECT_EQ(result["diagnostics"][1]["column"], 5);
  EXPECT_EQ(result["diagnostics"][1]["message"],
            "unknown field 'sett' in step 'a'; did you mean 'set'?");
  EXPECT_EQ(result["diagnostics"][1]["text"],
            "request.yaml:4:5: unknown field 'sett' in step 'a'; did you mean "
            "'set'?\n        sett: {}\n        ^\n");
  EXPECT_EQ(Send(http::verb::post, "/v1/workflows:validate", "x: 1",
                 "application/json")
                .result_int(),
            415u);

  std::ofstream(dir_ + "/workflows/confirm.yaml")
      << std::string(kConfirm) + "# edited\n";
  nlohmann::json reloaded =
      Body(Send(http::verb::post, "/v1/workflows:reload"));
  EXPECT_EQ(reloaded["changed"].dump(), R"(["test.confirm"])");
}

ServeConfig WithTokens() {
  ServeConfig config;
  config.tokens.push_back({"reader", "reader-token-0123456789", {Role::kRead}});
  config.tokens.push_back({"bss", "bss-token-0123456789",
                           {Role::kRead, Role::kWrite, Role::kAdmin}});
  return config;
}

TEST_F(ApiTest, BearerTokensAndRoles) {
  Open(WithTokens());
  auto none = Send(http::verb::get, "/v1/runs");
  EXPECT_EQ(none.result_int(), 401u);
  EXPECT_EQ(none[http::field::www_authenticate], R"(Bearer realm="bssflow")");
  EXPECT_EQ(Body(none)["detail"],
            "this route needs a bearer token: Authorization: Bearer <token>");
  auto wrong = Send(http::verb::get, "/v1/runs", "", "",
                    {{"Authorization", "Bearer reader-token-0123456780"}});
  EXPECT_EQ(wrong.result_int(), 401u);
  EXPECT_EQ(wrong[http::field::www_authenticate],
            R"(Bearer realm="bssflow", error="invalid_token")");
  auto read = Send(http::verb::get, "/v1/runs", "", "",
                   {{"Authorization", "Bearer reader-token-0123456789"}});
  EXPECT_EQ(read.result_int(), 200u);
  auto spaced = Send(http::verb::get, "/v1/runs", "", "",
                     {{"Authorization", "Bearer   reader-token-0123456789"}});
  EXPECT_EQ(spaced.result_int(), 200u);
  auto forbidden =
      Send(http::verb::post, "/v1/workflows/test.confirm/runs",
           R"({"inputs": {"account_id": 1}})", "application/json",
           {{"Authorization", "Bearer reader-token-0123456789"}});
  EXPECT_EQ(forbidden.result_int(), 403u);
  EXPECT_EQ(Body(forbidden)["detail"],
            "the token 'reader' lacks the role 'write' that "
            "/v1/workflows/{name}/runs needs");
  auto started =
      Send(http::verb::post, "/v1/workflows/test.confirm/runs",
           R"({"inputs": {"account_id": 1}})", "application/json",
           {{"Authorization", "bearer bss-token-0123456789"}});
  ASSERT_EQ(started.result_int(), 202u);
  const std::string id = Body(started)["id"];
  Send(http::verb::post, "/v1/runs/" + id + "/confirmation",
       R"({"decision": "confirm"})", "application/json",
       {{"Authorization", "Bearer bss-token-0123456789"}});
  nlohmann::json journal = Body(
      Send(http::verb::get, "/v1/runs/" + id + "/journal", "", "",
           {{"Authorization", "Bearer bss-token-0123456789"}}));
  EXPECT_EQ(journal["events"][3]["data"]["by"], "bss");
  EXPECT_EQ(Send(http::verb::get, "/healthz").result_int(), 200u);
  EXPECT_EQ(Send(http::verb::get, "/metrics").result_int(), 401u);
  // A query that does not parse is looked at once the caller is known, and
  // counted under its route.
  EXPECT_EQ(Send(http::verb::get, "/v1/runs?limit=1&limit=2").result_int(),
            401u);
  auto twice = Send(http::verb::get, "/v1/runs?limit=1&limit=2", "", "",
                    {{"Authorization", "Bearer reader-token-0123456789"}});
  EXPECT_EQ(twice.result_int(), 400u);
  EXPECT_EQ(log_.back()["route"], "/v1/runs");
}

}  // namespace
}  // namespace bssflow::serve

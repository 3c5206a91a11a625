// libFuzzer target: any byte string as what a client sends `bssflow serve`.
// The bytes go through Beast's request parser with the server's limits, and
// a request that parses goes to the API (routing, query strings, headers,
// JSON and YAML bodies, idempotency keys, confirmations) against a real
// engine: SQLite journal in a temporary directory, one workflow that parks
// on a confirmation, no connectors. Whatever the input: an answer with a
// status, no crash, no sanitizer report, no hang.
#include <stdlib.h>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

#include "app/local_engine.h"
#include "app/serve/api.h"
#include "app/serve/workflow_registry.h"

namespace {

using namespace bssflow;
namespace http = boost::beast::http;

constexpr const char* kWorkflow = R"(workflow: fuzz.confirm
inputs:
  account_id: int
  note: {type: string, required: false}
steps:
  - id: ask
    confirm:
      message: "Link account ${ inputs.account_id }?"
      on_reject: end
  - id: done
    set: {linked: true}
outputs:
  linked: "${ vars.linked }"
)";

struct Fixture {
  std::string dir;
  serve::ServeConfig config;
  serve::Metrics metrics;
  std::unique_ptr<app::LocalEngine> engine;
  std::unique_ptr<serve::WorkflowRegistry> registry;
  std::unique_ptr<serve::Api> api;

  Fixture() {
    char pattern[] = "/tmp/api_request_fuzzer.XXXXXX";
    dir = ::mkdtemp(pattern);
    std::string workflows = dir + "/workflows";
    std::system(("mkdir -p " + workflows).c_str());
    std::ofstream(workflows + "/confirm.yaml") << kWorkflow;
    app::EngineOptions options;
    options.state_dir = dir + "/state";
    options.find_workflow = [this](const std::string& name) {
      return registry->Find(name);
    };
    engine = std::move(app::LocalEngine::Open(options).value());
    registry = std::make_unique<serve::WorkflowRegistry>(
        workflows, engine->loader_context());
    registry->Reload();
    serve::ApiDependencies deps;
    deps.engine = engine.get();
    deps.registry = registry.get();
    deps.metrics = &metrics;
    deps.config = &config;
    deps.openapi = "openapi: 3.1.0\n";
    deps.reload = [this] { return registry->Reload(); };
    api = std::make_unique<serve::Api>(std::move(deps));
    api->set_ready(true);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  const net::ServerOptions limits;
  http::request_parser<http::string_body> parser;
  parser.header_limit(limits.header_limit);
  parser.body_limit(limits.body_limit);
  parser.eager(true);
  boost::system::error_code error;
  parser.put(boost::asio::buffer(data, size), error);
  if (!error && !parser.is_done()) parser.put_eof(error);
  if (error || !parser.is_done()) return 0;
  std::optional<net::ServerResponse> response =
      fixture.engine->Await(fixture.api->Handle(parser.release()));
  if (!response.has_value() || response->result_int() < 200 ||
      response->result_int() > 599) {
    __builtin_trap();
  }
  return 0;
}

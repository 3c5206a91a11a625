// The engine process of the kill-and-resume test (kill_resume_test.sh).
//
//   crash_driver drive STATE_DIR LEDGER N   resumes the unfinished runs of
//       STATE_DIR and starts runs 0..N-1 of tests/engine/crash.yaml (each
//       under the idempotency key "crash-<i>", so a run started before a
//       kill is not started twice); the script kills it at random moments.
//   crash_driver verify STATE_DIR LEDGER N  checks, after a last drive, that
//       every run finished exactly once.
//
// The `ledger` connector stands for a remote service: every call it
// receives is appended to the LEDGER file (one write(2) per line, which a
// kill cannot tear) before it answers after a short random delay, so the
// ledger survives the process and counts the calls that reached the
// "service". Its answer carries the call's idempotency key.
#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>

#include "app/local_engine.h"
#include "dsl/json_value.h"

namespace {

using bssflow::engine::ActionOutcome;
using bssflow::engine::CallContext;
namespace asio = boost::asio;

class LedgerConnector : public bssflow::engine::Connector {
 public:
  explicit LedgerConnector(const std::string& path)
      : fd_(::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600)) {}
  ~LedgerConnector() override { ::close(fd_); }

  asio::awaitable<ActionOutcome> Call(const std::string& action,
                                      const bssflow::dsl::Value& arguments,
                                      const CallContext& ctx) override {
    nlohmann::json args = bssflow::dsl::ValueToJson(arguments);
    std::string line = ctx.run_id + " " + ctx.step_id + " " +
                       ctx.idempotency_key + " " + std::to_string(ctx.attempt) +
                       " " + action + "\n";
    if (::write(fd_, line.data(), line.size()) !=
        static_cast<ssize_t>(line.size())) {
      co_return ActionOutcome::Failure(
          {"fatal", "ledger", "cannot write the ledger", std::nullopt});
    }
    asio::steady_timer delay(co_await asio::this_coro::executor,
                             std::chrono::milliseconds(random_() % 8));
    co_await delay.async_wait(asio::as_tuple(asio::use_awaitable));
    bssflow::dsl::ValueMap result;
    result.Insert(bssflow::dsl::Value::String("key"),
                  bssflow::dsl::Value::String(ctx.idempotency_key));
    co_return ActionOutcome::Success(bssflow::dsl::Value::Map(std::move(result)));
  }

 private:
  int fd_;
  std::mt19937 random_{std::random_device{}()};
};

bssflow::app::EngineOptions Options(const std::string& state_dir,
                                    const std::string& ledger) {
  bssflow::app::EngineOptions options;
  options.state_dir = state_dir;
  auto connectors = std::make_shared<bssflow::engine::ConnectorSet>();
  (void)connectors->Add("ledger", std::make_shared<LedgerConnector>(ledger));
  options.connectors = connectors;
  return options;
}

int Drive(bssflow::app::LocalEngine& engine, int runs) {
  bssflow::engine::LoadResult loaded = bssflow::engine::LoadWorkflowFile(
      CRASH_WORKFLOW, engine.loader_context());
  if (!loaded.ok()) {
    std::cerr << "crash_driver: " << CRASH_WORKFLOW << " does not load\n";
    return 2;
  }
  bssflow::engine::Runner& runner = engine.runner();
  int failures = 0;
  engine.Await([&]() -> asio::awaitable<void> {
    auto executor = co_await asio::this_coro::executor;
    // Lists the unfinished runs before any Start below creates one.
    asio::co_spawn(
        executor,
        [&]() -> asio::awaitable<void> {
          auto resumed = co_await runner.ResumeUnfinished();
          if (!resumed.ok()) ++failures;
        },
        asio::detached);
    for (int i = 0; i < runs; ++i) {
      asio::co_spawn(
          executor,
          [&, i]() -> asio::awaitable<void> {
            nlohmann::json inputs = nlohmann::json::object();
            inputs["n"] = i;
            std::string key = "crash-" + std::to_string(i);
            auto run = co_await runner.Start(loaded.workflow, loaded.source.text,
                                             std::move(inputs), key);
            if (!run.ok()) {
              std::cerr << "crash_driver: " << run.status().message() << "\n";
              ++failures;
            }
          },
          asio::detached);
    }
  }());
  return failures == 0 ? 0 : 1;
}

// Every run succeeded; every call step of every run reached the "service"
// under exactly one idempotency key (a call resent after a kill reuses it);
// the journal has one call_succeeded per call step, answered for that key,
// and no call_sent after it.
int Verify(bssflow::app::LocalEngine& engine, const std::string& ledger,
           int runs) {
  std::map<std::string, std::set<std::string>> keys;  // "run step" -> keys
  std::ifstream in(ledger);
  size_t received = 0;
  for (std::string run, step, key, attempt, action;
       in >> run >> step >> key >> attempt >> action; ++received) {
    keys[run + " " + step].insert(key);
  }
  bssflow::engine::RunFilter filter;
  filter.limit = runs + 1;
  auto listed = engine.store().ListRuns(filter);
  if (!listed.ok() || listed.value().size() != static_cast<size_t>(runs)) {
    std::cerr << "verify: expected " << runs << " runs, found "
              << (listed.ok() ? listed.value().size() : 0) << "\n";
    return 1;
  }
  int problems = 0;
  size_t calls = 0;
  for (const bssflow::engine::RunRecord& run : listed.value()) {
    if (run.status != bssflow::engine::RunStatus::kSucceeded) {
      std::cerr << "verify: run " << run.id << " is "
                << bssflow::engine::RunStatusName(run.status) << "\n";
      ++problems;
    }
    auto journal = engine.store().ReadJournal(run.id);
    std::map<std::string, int> succeeded;
    for (const auto& event : journal.value()) {
      // A call answered is never sent again.
      if (event.type == bssflow::engine::event_type::kCallSent &&
          succeeded[event.step] > 0) {
        std::cerr << "verify: run " << run.id << " step " << event.step
                  << " was sent again after its call_succeeded\n";
        ++problems;
      }
      if (event.type != bssflow::engine::event_type::kCallSucceeded) continue;
      ++succeeded[event.step];
      const std::set<std::string>& sent = keys[run.id + " " + event.step];
      std::string key = event.data["result"].value("key", "");
      if (sent.size() != 1 || *sent.begin() != key) {
        std::cerr << "verify: run " << run.id << " step " << event.step
                  << " reached the service under " << sent.size()
                  << " idempotency keys\n";
        ++problems;
      }
    }
    for (const char* step : {"reserve", "create", "welcome"}) {
      if (succeeded[step] != 1) {
        std::cerr << "verify: run " << run.id << " step " << step << " has "
                  << succeeded[step] << " call_succeeded events\n";
        ++problems;
      }
      ++calls;
    }
  }
  std::cout << "verify: " << runs << " runs succeeded, " << calls
            << " calls made once each, " << received - calls
            << " resent after a kill with their idempotency key\n";
  return problems == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: crash_driver drive|verify STATE_DIR LEDGER N\n";
    return 2;
  }
  std::string mode = argv[1];
  int runs = std::stoi(argv[4]);
  auto engine = bssflow::app::LocalEngine::Open(Options(argv[2], argv[3]));
  if (!engine.ok()) {
    std::cerr << "crash_driver: " << engine.status().message() << "\n";
    return 2;
  }
  if (mode == "drive") return Drive(*engine.value(), runs);
  if (mode == "verify") return Verify(*engine.value(), argv[3], runs);
  std::cerr << "crash_driver: unknown mode " << mode << "\n";
  return 2;
}

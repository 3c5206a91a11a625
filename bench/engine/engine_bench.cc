// engine_bench: the cost of running workflows (docs/benchmarks.md, "The
// engine"). Every benchmark runs bench/engine/provision.yaml against
// in-process connectors that answer at once, so what is measured is the
// engine alone: the walk, the expressions, the journal and the store.
//
//   BM_Run/<store>[/threads:2]   one whole run: Start (it parks on the
//                                confirm), AnswerConfirmation, finished.
//                                Counters: runs/s, events/s (journal events
//                                appended per second). With threads:2, two
//                                Runners, each on its own io_context and
//                                thread, share one store.
//   BM_StoreOnly/<store>         the baseline: the store calls one whole
//                                run makes (recorded from a real run),
//                                made again without the engine.
//   BM_Resume/<store>            AnswerConfirmation of a parked run until
//                                the run has finished; p50/p99 counters.
//   BM_ParkedRuns/<store>/<N>    resident memory per run parked on the
//                                confirm: (RSS after - RSS before) / N.
//                                The memory store keeps every journal in
//                                the process, so with it this is journal +
//                                bookkeeping; with SQLite it is what the
//                                engine itself keeps per parked run.
//   BM_InFlight/<store>/<N>      N runs in flight at once (default 2000),
//                                every call answered after a delay
//                                (default 50 ms): runs/s against Little's
//                                bound N / (5 calls x delay), run latency
//                                p50/p99, the engine's time between a call's
//                                answer and the run's next call (p99), and
//                                RSS with N in flight.
//
// <store> is `memory` (MakeMemoryStore) or `sqlite` (OpenSqliteStore in a
// fresh directory under $TMPDIR or /tmp: WAL, synchronous=NORMAL, the
// defaults). `--parked_runs=N` and `--parked_runs_sqlite=N` set N for
// BM_ParkedRuns (defaults 100000 and 10000); `--inflight_runs=N`,
// `--inflight_delay_ms=MS` and `--inflight_seconds=S` (the counting window,
// after one second of warm-up; default 10) set BM_InFlight's.
// `--parked_journals=N` sets RunnerDependencies::parked_journals (how many
// parked runs' journals each Runner keeps; default the Runner's).
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/detached.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bench/common/percentile.h"
#include "dsl/json_value.h"
#include "dsl/merge_fields.h"
#include "dsl/postal_codes.h"
#include "engine/connector.h"
#include "engine/loader.h"
#include "engine/runner.h"
#include "engine/secrets.h"
#include "engine/store.h"

namespace {

using namespace bssflow;
using namespace bssflow::engine;
using boost::asio::awaitable;

// jemalloc's control interface when the benchmark is linked with it
// (BSSFLOW_JEMALLOC, the default); null with glibc's malloc.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp,
                       void* newp, size_t newlen) __attribute__((weak));

// Gives the pages freed so far back to the kernel, so that the runs a
// benchmark makes next cannot hide in memory that is already resident.
void ReleaseFreeMemory() {
  if (mallctl != nullptr) {
    // MALLCTL_ARENAS_ALL: every arena.
    mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);
    return;
  }
  malloc_trim(0);
}

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "engine_bench: " << message << "\n";
  std::exit(2);
}

dsl::Value ValueOf(const char* json) {
  return dsl::ValueFromJson(nlohmann::json::parse(json)).value();
}

// A connector that answers every action from a fixed table, at once (no
// timer, no post), and records nothing: testing::FakeConnector keeps every
// call it was asked, which would grow without bound over millions of runs.
class InstantConnector final : public Connector {
 public:
  void Answer(const std::string& action, const char* result_json) {
    results_[action] = ValueOf(result_json);
  }

  awaitable<ActionOutcome> Call(const std::string& action, const dsl::Value&,
                                const CallContext&) override {
    auto it = results_.find(action);
    if (it == results_.end()) {
      co_return ActionOutcome::Failure(
          {"fatal", "unscripted", "no answer for " + action, std::nullopt});
    }
    co_return ActionOutcome::Success(it->second);
  }

 private:
  std::map<std::string, dsl::Value> results_;
};

// What every engine of the process shares: the loaded workflow and what it
// was checked against. Built once, then only read.
struct Fixture {
  std::string text;  // bench/engine/provision.yaml
  ActionCatalog catalog;
  LoaderContext context;
  std::optional<SecretBox> secrets;
  std::shared_ptr<const Workflow> workflow;
};

ActionCatalog MakeCatalog() {
  ActionCatalog catalog;
  std::vector<ActionSpec> specs = {
      {"bss.get_account", {{"id", true, ""}, {"include", false, ""}}, {}, ""},
      {"bss.set_sync_status",
       {{"account_id", true, ""},
        {"status", true, ""},
        {"customer_code", false, ""}},
       {},
       ""},
      {"partner_center.domain_exists", {{"domain", true, ""}}, {}, ""},
      {"partner_center.create_customer",
       {{"domain", true, ""}, {"account", true, ""}},
       {"userCredentials.password"},
       ""},
  };
  for (ActionSpec& spec : specs) {
    if (Status s = catalog.Add(std::move(spec)); !s.ok()) Die(s.message());
  }
  return catalog;
}

const Fixture& TheFixture() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture;
    std::ifstream in(BSSFLOW_BENCH_WORKFLOW);
    if (!in) Die(std::string("cannot read ") + BSSFLOW_BENCH_WORKFLOW);
    f->text.assign(std::istreambuf_iterator<char>(in), {});
    std::string data = BSSFLOW_BENCH_DATA_DIR;
    auto rules = dsl::PostalCodeRules::LoadFile(data + "/postal_codes.yaml");
    if (!rules.ok()) Die(rules.status().message());
    auto fields = dsl::MergeFieldMap::LoadFile(data + "/merge_fields.yaml");
    if (!fields.ok()) Die(fields.status().message());
    f->catalog = MakeCatalog();
    f->context.functions = dsl::BuildDefaultRegistry(rules.value()).value();
    f->context.merge_fields = fields.value();
    f->context.actions = &f->catalog;
    // A fixed key: the secret field of create_customer is sealed in the
    // journal (AES-256-GCM) as in production.
    auto key =
        SecretKey::FromBase64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    if (!key.ok()) Die(key.status().message());
    f->secrets.emplace(key.value());
    LoadResult loaded = LoadWorkflow("provision.yaml", f->text, f->context);
    if (!loaded.ok()) Die(dsl::RenderAll(loaded.source, loaded.diagnostics));
    f->workflow = loaded.workflow;
    return f;
  }();
  return *fixture;
}

std::shared_ptr<InstantConnector> MakeConnector() {
  auto c = std::make_shared<InstantConnector>();
  c->Answer("bss.get_account", R"({
      "id": 7, "name": "Contoso Distribution",
      "email": "billing.admin@contoso-distribution.com",
      "phone": "+49 30 1234567",
      "billing_address": {"street": "Friedrichstrasse 68", "city": "Berlin",
                          "postal_code": "10117", "country": "DE"},
      "sync_options": {"domain_prefix": " Contoso ",
                       "reseller_mpn_id": "1234567"},
      "reseller": {"name": "Fabrikam", "email": "orders@fabrikam.example"}})");
  c->Answer("partner_center.domain_exists", R"({"exists": false})");
  c->Answer("partner_center.create_customer", R"({
      "id": "5e1b4c1e-8d7a-4b1f-9c55-0a6f3b1f2a11",
      "userCredentials": {"userName": "admin", "password": "Xq7#pLm2!vR9"}})");
  c->Answer("bss.set_sync_status", R"({"status": "synchronized"})");
  c->Answer("notify.send", R"({"id": "n-1"})");
  return c;
}

// A connector that answers as `inner` does, after `delay` on a timer: a
// service with that latency. It also measures the engine's share of a run:
// the time from a call's answer to the next call of the same run.
class DelayedConnector final : public Connector {
 public:
  DelayedConnector(std::shared_ptr<Connector> inner,
                   std::chrono::milliseconds delay)
      : inner_(std::move(inner)), delay_(delay) {}

  awaitable<ActionOutcome> Call(const std::string& action,
                                const dsl::Value& arguments,
                                const CallContext& ctx) override {
    const auto sent = std::chrono::steady_clock::now();
    auto last = answered_.find(ctx.run_id);
    if (last != answered_.end()) {
      gaps_ms_.push_back(
          std::chrono::duration<double, std::milli>(sent - last->second)
              .count());
    }
    auto executor = co_await boost::asio::this_coro::executor;
    boost::asio::steady_timer timer(executor, delay_);
    co_await timer.async_wait(boost::asio::use_awaitable);
    awaitable<ActionOutcome> answer = inner_->Call(action, arguments, ctx);
    ActionOutcome outcome = co_await std::move(answer);
    answered_[ctx.run_id] = std::chrono::steady_clock::now();
    co_return outcome;
  }

  /// Forgets a finished run.
  void Finished(const std::string& run_id) { answered_.erase(run_id); }
  std::vector<double>& gaps_ms() { return gaps_ms_; }

 private:
  std::shared_ptr<Connector> inner_;
  std::chrono::milliseconds delay_;
  std::unordered_map<std::string, std::chrono::steady_clock::time_point>
      answered_;
  std::vector<double> gaps_ms_;
};

// --parked_journals; -1: the Runner's default.
int g_parked_journals = -1;

// One engine: a Runner on its own single-threaded io_context, with its own
// connectors, over a store it does not own. Used by one thread. With a
// delay, every call is answered after it (DelayedConnector).
class Engine {
 public:
  explicit Engine(JournalStore* store,
                  std::chrono::milliseconds delay = std::chrono::milliseconds(0))
      : io_(1) {
    connector_ = MakeConnector();
    std::shared_ptr<Connector> reached = connector_;
    if (delay.count() > 0) {
      delayed_ = std::make_shared<DelayedConnector>(connector_, delay);
      reached = delayed_;
    }
    for (const char* name : {"bss", "partner_center", "notify"}) {
      if (Status s = connectors_.Add(name, reached); !s.ok())
        Die(s.message());
    }
    const Fixture& fixture = TheFixture();
    RunnerDependencies deps;
    deps.store = store;
    deps.connectors = &connectors_;
    deps.actions = &fixture.catalog;
    deps.secrets = &*fixture.secrets;
    deps.clock = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
    // splitmix64, seeded apart per engine: run ids and keys never collide.
    deps.random = [this] {
      uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      return z ^ (z >> 31);
    };
    state_ = reinterpret_cast<uintptr_t>(this) ^
             static_cast<uint64_t>(
                 std::chrono::steady_clock::now().time_since_epoch().count());
    deps.executor = io_.get_executor();
    deps.workflows = [](const std::string&, const std::string&,
                        const std::string&) {
      return TheFixture().workflow;
    };
    if (g_parked_journals >= 0)
      deps.parked_journals = static_cast<size_t>(g_parked_journals);
    runner_ = std::make_unique<Runner>(std::move(deps));
  }

  /// Runs `op` on this engine's io_context until nothing is left to do.
  template <typename T>
  T Await(awaitable<T> op) {
    std::optional<T> out;
    boost::asio::co_spawn(
        io_,
        [&out, op = std::move(op)]() mutable -> awaitable<void> {
          out.emplace(co_await std::move(op));
        },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
    io_.run();
    io_.restart();
    return std::move(*out);
  }

  /// Starts a run; an error unless it parked on the confirm.
  awaitable<Result<RunSummary>> StartParked() {
    const Fixture& fixture = TheFixture();
    nlohmann::json inputs = nlohmann::json::object();
    inputs["account_id"] = 7;
    inputs["requested_by"] = "alice@fabrikam.example";
    Result<RunSummary> run = co_await runner_->Start(
        fixture.workflow, fixture.text, std::move(inputs), "");
    co_return Expect(std::move(run), RunStatus::kAwaitingConfirmation);
  }

  /// Confirms a parked run; an error unless it then succeeded.
  awaitable<Result<RunSummary>> Confirm(std::string run_id) {
    Result<RunSummary> run = co_await runner_->AnswerConfirmation(
        std::move(run_id), Answer::kConfirm, "alice@fabrikam.example");
    co_return Expect(std::move(run), RunStatus::kSucceeded);
  }

  /// One whole run; an error unless it succeeded.
  awaitable<Result<RunSummary>> RunOnce() {
    Result<RunSummary> parked = co_await StartParked();
    if (!parked.ok()) co_return parked;
    co_return co_await Confirm(parked.value().run_id);
  }

  Runner& runner() { return *runner_; }
  boost::asio::io_context& io() { return io_; }
  DelayedConnector* delayed() { return delayed_.get(); }

 private:
  static Result<RunSummary> Expect(Result<RunSummary> run, RunStatus want) {
    if (!run.ok() || run.value().status == want) return run;
    return Status::Error(std::string("run ") + run.value().run_id + " is " +
                         RunStatusName(run.value().status) + ", expected " +
                         RunStatusName(want));
  }

  boost::asio::io_context io_;
  std::shared_ptr<InstantConnector> connector_;
  std::shared_ptr<DelayedConnector> delayed_;
  ConnectorSet connectors_;
  std::unique_ptr<Runner> runner_;
  uint64_t state_ = 0;
};

// ---- the store a benchmark runs on (Setup/Teardown take plain functions)

std::unique_ptr<JournalStore> g_store;
std::filesystem::path g_store_dir;

void SetupMemoryStore(const benchmark::State&) { g_store = MakeMemoryStore(); }

void SetupSqliteStore(const benchmark::State&) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "engine_bench.XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) Die("cannot create a temp dir");
  g_store_dir = pattern;
  auto store = OpenSqliteStore((g_store_dir / "bssflow.db").string());
  if (!store.ok()) Die(store.status().message());
  g_store = std::move(store.value());
}

void TeardownStore(const benchmark::State&) {
  g_store.reset();
  if (!g_store_dir.empty()) std::filesystem::remove_all(g_store_dir);
  g_store_dir.clear();
  // Gives the freed pages back to the kernel: a store that grows takes new
  // pages (page faults) in every repetition, not only in the first one.
  ReleaseFreeMemory();
}

// Journal events of one whole run of the workflow (the same path each run).
int64_t EventsPerRun(Engine& engine, JournalStore& store,
                     benchmark::State& state) {
  Result<RunSummary> run = engine.Await(engine.RunOnce());
  if (!run.ok()) {
    state.SkipWithError(run.status().message().c_str());
    return 0;
  }
  return static_cast<int64_t>(
      store.ReadJournal(run.value().run_id).value().size());
}

// Await() needs a value: both loops answer whether they got to the end.
awaitable<bool> RunLoop(benchmark::State& state, Engine& engine) {
  for (auto _ : state) {
    Result<RunSummary> run = co_await engine.RunOnce();
    if (!run.ok()) {
      state.SkipWithError(run.status().message().c_str());
      co_return false;
    }
  }
  co_return true;
}

void BM_Run(benchmark::State& state) {
  Engine engine(g_store.get());
  int64_t events = EventsPerRun(engine, *g_store, state);
  if (events == 0) return;
  engine.Await(RunLoop(state, engine));
  auto runs = static_cast<double>(state.iterations());
  state.counters["runs"] =
      benchmark::Counter(runs, benchmark::Counter::kIsRate);
  state.counters["events"] = benchmark::Counter(
      runs * static_cast<double>(events), benchmark::Counter::kIsRate);
}

// ---- the floor: the store's share of a run, without the engine

template <typename T>
Status StatusOf(const Result<T>& result) {
  return result.ok() ? Status::Ok() : result.status();
}

// A JournalStore that passes every call on to `inner` and records it, so
// that the store work of one run can be made again without the engine.
class RecordingStore final : public JournalStore {
 public:
  /// One recorded call, to be made again for the run `id`.
  using Call =
      std::function<Status(JournalStore& store, const std::string& id)>;

  explicit RecordingStore(JournalStore& inner) : inner_(inner) {}
  const std::vector<Call>& calls() const { return calls_; }

  Status PutDefinition(const std::string& hash, const std::string& name,
                       const std::string& text) override {
    calls_.push_back([=](JournalStore& s, const std::string&) {
      return s.PutDefinition(hash, name, text);
    });
    return inner_.PutDefinition(hash, name, text);
  }
  Result<std::string> GetDefinition(const std::string& hash) override {
    return inner_.GetDefinition(hash);
  }
  Result<CreatedRun> CreateRun(const NewRun& run) override {
    calls_.push_back([=](JournalStore& s, const std::string& id) {
      NewRun again = run;
      again.id = id;
      return StatusOf(s.CreateRun(again));
    });
    return inner_.CreateRun(run);
  }
  Status Append(const std::string& run_id, int64_t expected,
                const std::vector<Event>& events, RunStatus status,
                const std::string& step, int64_t time_ms) override {
    calls_.push_back([=](JournalStore& s, const std::string& id) {
      return s.Append(id, expected, events, status, step, time_ms);
    });
    return inner_.Append(run_id, expected, events, status, step, time_ms);
  }
  Result<RunRecord> GetRun(const std::string& run_id) override {
    calls_.push_back([](JournalStore& s, const std::string& id) {
      return StatusOf(s.GetRun(id));
    });
    return inner_.GetRun(run_id);
  }
  Result<std::vector<Event>> ReadJournal(const std::string& run_id) override {
    calls_.push_back([](JournalStore& s, const std::string& id) {
      return StatusOf(s.ReadJournal(id));
    });
    return inner_.ReadJournal(run_id);
  }
  Result<std::vector<RunRecord>> ListRuns(const RunFilter& filter) override {
    return inner_.ListRuns(filter);
  }
  Result<std::map<RunStatus, int64_t>> CountRunsByStatus() override {
    return inner_.CountRunsByStatus();
  }
  Result<std::optional<Event>> ReadLastEvent(const std::string& run_id,
                                             const std::string& type) override {
    return inner_.ReadLastEvent(run_id, type);
  }
  Result<RunRecord> GetRunVersion(const std::string& run_id) override {
    return inner_.GetRunVersion(run_id);
  }
  Result<std::optional<RunRecord>> FindRunByKey(
      const std::string& key) override {
    return inner_.FindRunByKey(key);
  }

 private:
  JournalStore& inner_;
  std::vector<Call> calls_;
};

// The store calls of one whole run (recorded from a real one), made for a
// new run each iteration: what the store costs a run, the engine's floor.
void BM_StoreOnly(benchmark::State& state) {
  RecordingStore recorder(*g_store);
  Engine engine(&recorder);
  int64_t events = EventsPerRun(engine, recorder, state);
  if (events == 0) return;
  std::vector<RecordingStore::Call> calls = recorder.calls();
  calls.pop_back();  // the ReadJournal of EventsPerRun
  int64_t n = 0;
  for (auto _ : state) {
    std::string id = "store-only-" + std::to_string(++n);
    for (const RecordingStore::Call& call : calls) {
      if (Status s = call(*g_store, id); !s.ok()) {
        state.SkipWithError(s.message().c_str());
        break;
      }
    }
  }
  auto runs = static_cast<double>(state.iterations());
  state.counters["runs"] =
      benchmark::Counter(runs, benchmark::Counter::kIsRate);
  state.counters["events"] = benchmark::Counter(
      runs * static_cast<double>(events), benchmark::Counter::kIsRate);
}

// ---- resume latency

using bssflow::bench::Percentile;

// Parks `count` runs, their ids in `ids` unless it is null. False (and the
// state skipped) on an error.
awaitable<bool> Park(benchmark::State& state, Engine& engine, int count,
                     std::vector<std::string>* ids) {
  for (int i = 0; i < count; ++i) {
    Result<RunSummary> run = co_await engine.StartParked();
    if (!run.ok()) {
      state.SkipWithError(run.status().message().c_str());
      co_return false;
    }
    if (ids != nullptr) ids->push_back(run.value().run_id);
  }
  co_return true;
}

awaitable<bool> ResumeLoop(benchmark::State& state, Engine& engine,
                           std::vector<double>& micros) {
  constexpr int kBatch = 1000;
  std::vector<std::string> parked;
  if (!co_await Park(state, engine, kBatch, &parked)) co_return false;
  for (auto _ : state) {
    if (parked.empty()) {
      state.PauseTiming();
      if (!co_await Park(state, engine, kBatch, &parked)) co_return false;
      state.ResumeTiming();
    }
    std::string id = std::move(parked.back());
    parked.pop_back();
    auto begin = std::chrono::steady_clock::now();
    Result<RunSummary> run = co_await engine.Confirm(std::move(id));
    auto end = std::chrono::steady_clock::now();
    if (!run.ok()) {
      state.SkipWithError(run.status().message().c_str());
      co_return false;
    }
    micros.push_back(
        std::chrono::duration<double, std::micro>(end - begin).count());
  }
  co_return true;
}

void BM_Resume(benchmark::State& state) {
  Engine engine(g_store.get());
  std::vector<double> micros;
  engine.Await(ResumeLoop(state, engine, micros));
  state.counters["p50_us"] = Percentile(micros, 0.50);
  state.counters["p99_us"] = Percentile(micros, 0.99);
}

// ---- memory per parked run

int g_parked_runs = 100000;
int g_parked_runs_sqlite = 10000;

// Resident set size in bytes, from /proc/self/statm (second field, pages).
double ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  return static_cast<double>(resident) *
         static_cast<double>(sysconf(_SC_PAGESIZE));
}

// Bytes the allocator has handed out and not taken back (all arenas, large
// blocks included).
double HeapInUseBytes() {
  if (mallctl != nullptr) {
    uint64_t epoch = 1;
    size_t length = sizeof(epoch);
    mallctl("epoch", &epoch, &length, &epoch, length);  // fresh statistics
    size_t allocated = 0;
    length = sizeof(allocated);
    if (mallctl("stats.allocated", &allocated, &length, nullptr, 0) != 0)
      return 0;
    return static_cast<double>(allocated);
  }
  struct mallinfo2 info = mallinfo2();
  return static_cast<double>(info.uordblks + info.hblkhd);
}

// The journal length of one run that is awaiting its confirmation.
double ParkedJournalLength(JournalStore& store) {
  RunFilter filter;
  filter.statuses = {RunStatus::kAwaitingConfirmation};
  filter.limit = 1;
  std::vector<RunRecord> runs = store.ListRuns(filter).value();
  if (runs.empty()) return 0;
  return static_cast<double>(store.ReadJournal(runs[0].id).value().size());
}

// Registered with Iterations(1): one iteration parks all N = range(0) runs.
void BM_ParkedRuns(benchmark::State& state) {
  Engine engine(g_store.get());
  // One whole run first, so that whatever is built on first use (the
  // definition in the store, the Runner's workflow cache) is not counted.
  if (EventsPerRun(engine, *g_store, state) == 0) return;
  // Gives the pages freed by earlier benchmarks back to the kernel, so that
  // the runs below cannot hide in memory that is already resident.
  ReleaseFreeMemory();
  double rss_before = ResidentBytes(), heap_before = HeapInUseBytes();
  auto count = static_cast<int>(state.range(0));
  for (auto _ : state) {
    if (!engine.Await(Park(state, engine, count, nullptr))) return;
  }
  double rss_after = ResidentBytes(), heap_after = HeapInUseBytes();
  if (engine.runner().active_runs() != 0)
    state.SkipWithError("a parked run is still being driven");
  auto n = static_cast<double>(count);
  state.counters["rss_per_run"] = (rss_after - rss_before) / n;
  state.counters["heap_per_run"] = (heap_after - heap_before) / n;
  state.counters["rss_MB"] = (rss_after - rss_before) / 1e6;
  state.counters["events_per_run"] = ParkedJournalLength(*g_store);
  state.counters["parked"] = benchmark::Counter(n, benchmark::Counter::kIsRate);
}

// ---- many runs in flight against slow services

int g_inflight_runs = 2000;
int g_inflight_delay_ms = 50;
int g_inflight_seconds = 10;

// What the runs in flight did while the window was open.
struct InFlightTally {
  bool stop = false;
  bool counting = false;
  int64_t finished = 0;  // while counting
  std::vector<double> run_ms;  // start to finish, while counting
  std::string failure;
};

// One of the N runs in flight: whole runs, one after the other, until told
// to stop.
awaitable<void> KeepOneInFlight(Engine& engine, InFlightTally& tally) {
  while (!tally.stop && tally.failure.empty()) {
    const auto begin = std::chrono::steady_clock::now();
    Result<RunSummary> run = co_await engine.RunOnce();
    if (!run.ok()) {
      tally.failure = run.status().message();
      co_return;
    }
    if (engine.delayed() != nullptr)
      engine.delayed()->Finished(run.value().run_id);
    if (!tally.counting) continue;
    ++tally.finished;
    tally.run_ms.push_back(std::chrono::duration<double, std::milli>(
                               std::chrono::steady_clock::now() - begin)
                               .count());
  }
}

// Opens the counting window after a second of warm-up, closes it after
// `seconds`, then stops the runs; RSS at the window's end.
awaitable<void> Window(InFlightTally& tally, int seconds, double& rss) {
  auto executor = co_await boost::asio::this_coro::executor;
  boost::asio::steady_timer timer(executor, std::chrono::seconds(1));
  co_await timer.async_wait(boost::asio::use_awaitable);
  tally.counting = true;
  timer.expires_after(std::chrono::seconds(seconds));
  co_await timer.async_wait(boost::asio::use_awaitable);
  tally.counting = false;
  rss = ResidentBytes();
  tally.stop = true;
}

// Registered with Iterations(1), N = range(0) and T = range(1): N runs of
// the workflow in flight at once on T engines (Runners), each on its own
// io_context thread with N / T of the runs, over one store; every call
// answered after --inflight_delay_ms (at once with 0). Little's law bounds
// the throughput by N / (the calls of a run x the delay); the counters say
// how close the engines get.
void BM_InFlight(benchmark::State& state) {
  const auto delay = std::chrono::milliseconds(g_inflight_delay_ms);
  const auto n = static_cast<int>(state.range(0));
  const auto engine_count = static_cast<int>(state.range(1));
  std::vector<std::unique_ptr<Engine>> engines;
  for (int e = 0; e < engine_count; ++e)
    engines.push_back(std::make_unique<Engine>(g_store.get(), delay));
  ReleaseFreeMemory();
  const double rss_before = ResidentBytes();
  std::vector<InFlightTally> tallies(engines.size());
  double rss_in_flight = 0;
  for (auto _ : state) {
    std::vector<std::thread> threads;
    for (size_t e = 0; e < engines.size(); ++e) {
      Engine& engine = *engines[e];
      // The runs are dealt out: engine e takes runs e, e + T, e + 2T, ...
      for (int i = static_cast<int>(e); i < n; i += engine_count) {
        boost::asio::co_spawn(engine.io(), KeepOneInFlight(engine, tallies[e]),
                              boost::asio::detached);
      }
      double unused = 0;
      double& rss = e == 0 ? rss_in_flight : unused;
      boost::asio::co_spawn(engine.io(),
                            Window(tallies[e], g_inflight_seconds, rss),
                            boost::asio::detached);
      threads.emplace_back([&engine] {
        engine.io().run();
        engine.io().restart();
      });
    }
    for (std::thread& thread : threads) thread.join();
  }
  InFlightTally all;
  std::vector<double> gaps;
  for (size_t e = 0; e < engines.size(); ++e) {
    if (all.failure.empty()) all.failure = tallies[e].failure;
    all.finished += tallies[e].finished;
    all.run_ms.insert(all.run_ms.end(), tallies[e].run_ms.begin(),
                      tallies[e].run_ms.end());
    if (DelayedConnector* delayed = engines[e]->delayed(); delayed != nullptr)
      gaps.insert(gaps.end(), delayed->gaps_ms().begin(),
                  delayed->gaps_ms().end());
  }
  if (!all.failure.empty()) {
    state.SkipWithError(all.failure.c_str());
    return;
  }
  // The workflow's path: get_account, domain_exists, create_customer,
  // notify.send, set_sync_status.
  constexpr double kCallsPerRun = 5;
  const double runs_per_s =
      static_cast<double>(all.finished) / g_inflight_seconds;
  state.counters["runs_per_s"] = runs_per_s;
  state.counters["run_p50_ms"] = Percentile(all.run_ms, 0.50);
  state.counters["run_p99_ms"] = Percentile(all.run_ms, 0.99);
  state.counters["rss_MB"] = (rss_in_flight - rss_before) / 1e6;
  if (g_inflight_delay_ms > 0) {
    const double bound = n / (kCallsPerRun * g_inflight_delay_ms / 1000.0);
    state.counters["littles_bound"] = bound;
    state.counters["of_bound_pct"] = 100.0 * runs_per_s / bound;
    state.counters["step_gap_p99_ms"] = Percentile(gaps, 0.99);
  }
}

// Takes `--parked_runs=N` and `--parked_runs_sqlite=N` out of argv.
void ParseOwnFlags(int& argc, char** argv) {
  struct Flag {
    std::string prefix;
    int* value;
  };
  const Flag flags[] = {{"--parked_runs=", &g_parked_runs},
                        {"--parked_runs_sqlite=", &g_parked_runs_sqlite},
                        {"--inflight_runs=", &g_inflight_runs},
                        {"--inflight_delay_ms=", &g_inflight_delay_ms},
                        {"--inflight_seconds=", &g_inflight_seconds},
                        {"--parked_journals=", &g_parked_journals}};
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool ours = false;
    for (const Flag& flag : flags) {
      if (arg.rfind(flag.prefix, 0) != 0) continue;
      *flag.value = std::atoi(arg.c_str() + flag.prefix.size());
      const bool zero_allowed = flag.value == &g_inflight_delay_ms ||
                                flag.value == &g_parked_journals;
      if (*flag.value < 0 || (*flag.value == 0 && !zero_allowed))
        Die(flag.prefix + " needs a positive number");
      ours = true;
    }
    if (!ours) argv[out++] = argv[i];
  }
  argc = out;
}

}  // namespace

int main(int argc, char** argv) {
  ParseOwnFlags(argc, argv);
  TheFixture();  // a workflow that does not load stops here, not mid-run
  struct StoreKind {
    std::string name;
    void (*setup)(const benchmark::State&);
    int parked_runs;
  };
  const StoreKind stores[] = {
      {"memory", SetupMemoryStore, g_parked_runs},
      {"sqlite", SetupSqliteStore, g_parked_runs_sqlite}};
  for (const StoreKind& store : stores) {
    benchmark::RegisterBenchmark(("BM_Run/" + store.name).c_str(), BM_Run)
        ->Setup(store.setup)
        ->Teardown(TeardownStore)
        ->UseRealTime()
        ->Threads(1)
        ->Threads(2);
  }
  for (const StoreKind& store : stores) {
    benchmark::RegisterBenchmark(("BM_StoreOnly/" + store.name).c_str(),
                                 BM_StoreOnly)
        ->Setup(store.setup)
        ->Teardown(TeardownStore)
        ->UseRealTime();
  }
  for (const StoreKind& store : stores) {
    benchmark::RegisterBenchmark(("BM_Resume/" + store.name).c_str(), BM_Resume)
        ->Setup(store.setup)
        ->Teardown(TeardownStore)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }
  for (const StoreKind& store : stores) {
    benchmark::RegisterBenchmark(("BM_ParkedRuns/" + store.name).c_str(),
                                 BM_ParkedRuns)
        ->Setup(store.setup)
        ->Teardown(TeardownStore)
        ->Arg(store.parked_runs)
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  for (const StoreKind& store : stores) {
    benchmark::RegisterBenchmark(("BM_InFlight/" + store.name).c_str(),
                                 BM_InFlight)
        ->Setup(store.setup)
        ->Teardown(TeardownStore)
        ->Args({g_inflight_runs, 1})
        ->Args({g_inflight_runs, 2})
        ->ArgNames({"", "engines"})
        ->Iterations(1)
        ->UseRealTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

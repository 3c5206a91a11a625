// http_bench: the HTTP client against a simulator on loopback
// (docs/benchmarks.md, "HTTP client and simulators"). The BSS simulator
// (demo data) is served by a SimulatorHost in this process, on its own
// thread; every request is `GET /api/Accounts/1001` with a bearer token
// obtained once, answered 200 with 364 bytes of JSON (468 with the
// headers).
//
//   BM_HttpClient/in_flight:N      net::HttpClient on one io_context, N
//                                  coroutines sending one request after
//                                  another, so N requests are in flight at
//                                  all times. N = 1: sequential requests
//                                  (keep-alive: the pool hands the same
//                                  connection back); 4 and 16: the pool's
//                                  reuse under concurrency.
//   BM_BeastSync                   the baseline: the same request over one
//                                  kept-alive connection with Boost.Beast's
//                                  synchronous http::write / http::read, the
//                                  request built once. The floor the client's
//                                  overhead is measured against.
//   BM_LogLinesWithoutLog          no I/O: the redaction Send() does for its
//                                  request and response log lines, which it
//                                  does also when no log is set; CPU time
//                                  per request.
//
// An iteration is one request. The benchmarks over the network count
// requests (items_per_second, over wall-clock time: their names carry
// /real_time) and time each request themselves: p50_us and p99_us are over
// all the requests of one run, `connections` is the number of connections
// the client opened in it. Their CPU column is the benchmark thread's CPU
// time only (the client's), not the simulator's.
//
// The simulator's thread and the client's are pinned to two different CPUs
// (the first two the process may use) unless `--no_pin` is given, e.g. to
// run both on one CPU with `taskset -c 0 http_bench --no_pin`.
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bench/common/percentile.h"
#include "net/http_client.h"
#include "net/redact.h"
#include "net/url.h"
#include "simulators/bss/bss_simulator.h"
#include "simulators/host/simulator_host.h"

namespace {

using namespace bssflow;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

constexpr char kResourcePath[] = "/api/Accounts/1001";
// HTTP Basic of the demo API client, "bssflow-demo-client" and
// "bssflow-demo-secret" (simulators/bss/demo_seed.h).
constexpr char kDemoClientBasic[] =
    "Basic YnNzZmxvdy1kZW1vLWNsaWVudDpic3NmbG93LWRlbW8tc2VjcmV0";

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "http_bench: " << message << "\n";
  std::exit(2);
}

// ---- the simulator, served for the whole process

/// The BSS simulator on loopback, and what every benchmark's request needs.
/// Set up by main() before the benchmarks run; only read by them.
struct Served {
  simulators::bss::BssSimulator simulator;
  simulators::SimulatorHost host;
  std::string base_url;       // "http://127.0.0.1:<port>"
  net::Url url;               // base_url + kResourcePath
  std::string authorization;  // "Bearer <token>"
};

Served* g_served = nullptr;

using SyncRequest = http::request<http::string_body>;
using SyncResponse = http::response<http::string_body>;

/// A kept-alive connection of the synchronous Beast client. Socket options
/// as HttpClient's (none: Nagle stays on; each side writes a message with
/// one call).
class SyncConnection {
 public:
  explicit SyncConnection(const net::Url& url) : socket_(io_) {
    tcp::resolver resolver(io_);
    asio::connect(socket_,
                  resolver.resolve(url.host, std::to_string(url.port)));
  }

  /// Writes `request`, reads the response; throws on a transport error.
  SyncResponse Exchange(const SyncRequest& request) {
    http::write(socket_, request);
    SyncResponse response;
    http::read(socket_, buffer_, response);
    return response;
  }

 private:
  asio::io_context io_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

/// The demo user's access token, from POST /oauth/token (password grant).
std::string ObtainToken(const net::Url& base) {
  SyncRequest request(http::verb::post, "/oauth/token", 11);
  request.set(http::field::host, base.HostHeader());
  request.set(http::field::authorization, kDemoClientBasic);
  request.set(http::field::content_type, "application/x-www-form-urlencoded");
  request.body() =
      "grant_type=password&username=integration%40bss.example"
      "&password=demo-password";
  request.prepare_payload();
  SyncResponse response = SyncConnection(base).Exchange(request);
  if (response.result_int() != 200) {
    Die("POST /oauth/token answered " + std::to_string(response.result_int()) +
        ": " + response.body());
  }
  return nlohmann::json::parse(response.body())
      .at("access_token")
      .get<std::string>();
}

/// The first two CPUs this process may run on, or nullopt when it may run
/// on fewer.
std::optional<std::pair<int, int>> TwoCpus() {
  cpu_set_t allowed;
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0) return std::nullopt;
  std::vector<int> cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE && cpus.size() < 2; ++cpu) {
    if (CPU_ISSET(cpu, &allowed)) cpus.push_back(cpu);
  }
  if (cpus.size() < 2) return std::nullopt;
  return std::make_pair(cpus[0], cpus[1]);
}

/// Pins the calling thread to `cpu`; says so on stderr when it cannot (the
/// figures are then taken unpinned).
void PinCallingThread(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
    std::cerr << "http_bench: cannot pin a thread to CPU " << cpu << "\n";
  }
}

/// Starts the simulator. With `pin`, the simulator's thread runs on one CPU
/// and this thread (the client's) on another: unpinned, on two CPUs, some
/// runs gave half the concurrent throughput of others, as when the two
/// threads share one CPU.
void Serve(bool pin) {
  g_served = new Served;
  Result<std::string> url =
      g_served->host.Add([](const simulators::HttpRequest& r) {
        return g_served->simulator.Handle(r);
      });
  if (!url.ok()) Die(url.status().message());
  std::optional<std::pair<int, int>> cpus = pin ? TwoCpus() : std::nullopt;
  if (pin && !cpus) std::cerr << "http_bench: fewer than 2 CPUs, not pinned\n";
  // The host's thread inherits the affinity of the thread that starts it.
  if (cpus) PinCallingThread(cpus->second);
  if (Status s = g_served->host.Start(); !s.ok()) Die(s.message());
  if (cpus) PinCallingThread(cpus->first);
  g_served->base_url = url.value();
  Result<net::Url> base = net::ParseUrl(url.value());
  Result<net::Url> resource = net::ParseUrl(url.value() + kResourcePath);
  if (!base.ok() || !resource.ok()) Die("bad URL " + url.value());
  g_served->url = resource.value();
  g_served->authorization = "Bearer " + ObtainToken(base.value());
}

void StopServing() {
  g_served->host.Stop();
  delete g_served;
  g_served = nullptr;
}

// ---- per-request timings

using bssflow::bench::Percentile;

double MicrosSince(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::micro>(SteadyClock::now() - start)
      .count();
}

/// Requests/s, p50 and p99 of the run; `micros` has one entry per request.
void Report(benchmark::State& state, std::vector<double>& micros,
            double connections) {
  state.SetItemsProcessed(state.iterations());
  state.counters["p50_us"] = Percentile(micros, 0.50);
  state.counters["p99_us"] = Percentile(micros, 0.99);
  state.counters["connections"] = connections;
}

// ---- the project's client

net::HttpRequest AccountRequest() {
  net::HttpRequest request;
  request.url = g_served->base_url + kResourcePath;
  request.headers.set(http::field::authorization, g_served->authorization);
  return request;
}

std::unique_ptr<net::HttpClient> MakeClient(asio::io_context& io) {
  Result<std::unique_ptr<net::HttpClient>> client =
      net::HttpClient::Create(io.get_executor());
  if (!client.ok()) Die(client.status().message());
  return std::move(client).value();
}

/// An error message unless `response` is the account, answered 200.
std::optional<std::string> Unexpected(
    const Result<net::HttpResponse>& response) {
  if (!response.ok()) return response.status().message();
  if (response.value().status != 200) {
    return "GET " + std::string(kResourcePath) + " answered " +
           std::to_string(response.value().status);
  }
  return std::nullopt;
}

/// What the senders of one run share. They all run on one thread (one
/// io_context), so nothing here needs a lock.
struct Load {
  benchmark::State& state;
  net::HttpClient& client;
  const net::HttpRequest& prototype;
  /// state.KeepRunning() has answered false (it must not be asked again).
  bool finished = false;
  /// One entry per request, in microseconds.
  std::vector<double> micros;
  std::optional<std::string> error;
};

// One iteration of the state is one request, whichever sender takes it.
bool TakeRequest(Load& load) {
  if (load.finished) return false;
  if (load.state.KeepRunning()) return true;
  load.finished = true;
  return false;
}

// One of the N senders: one request after another until the run is over.
// With N senders, N requests are in flight from the first to the last
// iteration; the timer stops when the last iteration has been taken, with
// N - 1 requests still in flight (counted, not waited for: a steady load,
// with no drain at the end).
awaitable<void> SendWhileRunning(Load& load) {
  while (TakeRequest(load)) {
    net::HttpRequest request = load.prototype;
    const SteadyClock::time_point start = SteadyClock::now();
    Result<net::HttpResponse> response =
        co_await load.client.Send(std::move(request));
    load.micros.push_back(MicrosSince(start));
    std::optional<std::string> error = Unexpected(response);
    if (error && !load.error) {
      load.error = std::move(error);
      load.state.SkipWithError(load.error->c_str());
      load.finished = true;
    }
  }
}

// range(0) senders (coroutines) on one io_context share one HttpClient.
void BM_HttpClient(benchmark::State& state) {
  const auto in_flight = static_cast<int>(state.range(0));
  asio::io_context io(1);
  std::unique_ptr<net::HttpClient> client = MakeClient(io);
  const net::HttpRequest prototype = AccountRequest();
  Load load{state, *client, prototype, false, {}, std::nullopt};
  load.micros.reserve(1 << 16);
  for (int i = 0; i < in_flight; ++i) {
    asio::co_spawn(io, SendWhileRunning(load), [](std::exception_ptr e) {
      if (e) std::rethrow_exception(e);
    });
  }
  io.run();
  Report(state, load.micros, static_cast<double>(client->connections_opened()));
}

// ---- the baseline

/// The request of the baseline: the headers HttpClient sends, so that both
/// put the same bytes on the wire (the request id is fixed here, random
/// there).
SyncRequest BaselineRequest() {
  const net::Url& url = g_served->url;
  SyncRequest request(http::verb::get, url.target, 11);
  request.set(http::field::host, url.HostHeader());
  request.set(http::field::user_agent, "bssflow");
  request.set("X-Request-Id", "6f0c2d34-1b7e-4a55-9c1d-2f3e4a5b6c7d");
  request.set(http::field::authorization, g_served->authorization);
  request.prepare_payload();
  return request;
}

void BM_BeastSync(benchmark::State& state) {
  const SyncRequest request = BaselineRequest();
  SyncConnection connection(g_served->url);
  std::vector<double> micros;
  micros.reserve(1 << 16);
  for (auto _ : state) {
    const SteadyClock::time_point start = SteadyClock::now();
    SyncResponse response = connection.Exchange(request);
    micros.push_back(MicrosSince(start));
    if (response.result_int() != 200 || !response.keep_alive()) {
      state.SkipWithError("unexpected response to the baseline's GET");
      break;
    }
  }
  Report(state, micros, 1);
}

// ---- one part of the client's cost

// What Send() does for its two log lines on every attempt, whether
// ClientOptions::log is set or not: the request's and the response's
// headers redacted, and their bodies (the response's JSON parsed, redacted
// and printed again, up to log_body_limit). No I/O: CPU time per request.
void BM_LogLinesWithoutLog(benchmark::State& state) {
  const SyncRequest request = BaselineRequest();
  const SyncResponse response = SyncConnection(g_served->url).Exchange(request);
  const net::ClientOptions defaults;
  const net::Redaction& redaction = defaults.redaction;
  const size_t limit = defaults.log_body_limit;
  for (auto _ : state) {
    benchmark::DoNotOptimize(net::RedactHeaders(redaction, request));
    benchmark::DoNotOptimize(net::RedactBody(
        redaction, request[http::field::content_type], request.body(), limit));
    benchmark::DoNotOptimize(net::RedactHeaders(redaction, response));
    benchmark::DoNotOptimize(
        net::RedactBody(redaction, response[http::field::content_type],
                        response.body(), limit));
  }
  state.SetItemsProcessed(state.iterations());
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("BM_HttpClient", BM_HttpClient)
      ->ArgName("in_flight")
      ->Arg(1)
      ->Arg(4)
      ->Arg(16)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_BeastSync", BM_BeastSync)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_LogLinesWithoutLog", BM_LogLinesWithoutLog)
      ->Unit(benchmark::kMicrosecond);
  // Our own flag, taken out before Google Benchmark sees the arguments.
  bool pin = true;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--no_pin") {
      pin = false;
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  Serve(pin);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  StopServing();
  return 0;
}

// SignBody, and CallbackSender against an HTTP server on loopback that
// answers from a script.
#include "app/serve/callbacks.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "net/http_server.h"

namespace bssflow::serve {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using std::chrono::milliseconds;

// RFC 4231, test case 2.
TEST(SignBodyTest, Rfc4231Case2) {
  EXPECT_EQ(SignBody("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b96"
            "4ec3843");
}

TEST(SignBodyTest, OtherKnownVectors) {
  EXPECT_EQ(SignBody("key", "The quick brown fox jumps over the lazy dog"),
            "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2"
            "d1a3cd8");
  EXPECT_EQ(SignBody("", ""),
            "sha256=b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144"
            "292c5ad");
}

TEST(CallbackSenderCreateTest, RefusesOptionsOutOfRange) {
  asio::io_context io;
  CallbackOptions options;
  options.attempts = 0;
  auto sender = CallbackSender::Create(io.get_executor(), options, nullptr);
  ASSERT_FALSE(sender.ok());
  EXPECT_EQ(sender.status().message(),
            "CallbackOptions::attempts must be at least 1, got 0");

  options.attempts = 1;
  options.timeout = milliseconds(0);
  sender = CallbackSender::Create(io.get_executor(), options, nullptr);
  ASSERT_FALSE(sender.ok());
  EXPECT_EQ(sender.status().message(),
            "CallbackOptions::timeout must be above zero, got 0 ms");
}

// How the test server answers one request.
struct Answer {
  unsigned status = 200;
  std::string retry_after;
  /// Wait until another request releases the gate (or forever).
  bool hold = false;
  /// Release the requests holding at the gate.
  bool release = false;
};

Answer Reply(unsigned status, std::string retry_after = "") {
  Answer answer;
  answer.status = status;
  answer.retry_after = std::move(retry_after);
  return answer;
}

Answer Held() {
  Answer answer;
  answer.hold = true;
  return answer;
}

Answer Releasing() {
  Answer answer;
  answer.release = true;
  return answer;
}

// A loopback server answering from a script per Bssflow-Delivery header (200
// when the script says nothing), and a sender whose backoffs are 0 ms unless
// a test says otherwise.
class CallbackSenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net::ServerOptions options;
    options.shutdown_timeout = milliseconds(100);
    server_ = std::make_unique<net::HttpServer>(
        io_,
        [this](net::ServerRequest request) {
          return Respond(std::move(request));
        },
        options);
    Result<uint16_t> port = server_->Listen("127.0.0.1", 0);
    ASSERT_TRUE(port.ok()) << port.status().message();
    port_ = port.value();
    ASSERT_TRUE(server_->Start().ok());
  }

  static CallbackOptions QuickOptions() {
    CallbackOptions options;
    options.initial_backoff = milliseconds(1);
    options.max_backoff = milliseconds(1);
    options.timeout = milliseconds(5000);
    options.random = [] { return uint64_t{0}; };
    return options;
  }

  void MakeSender(CallbackOptions options = QuickOptions()) {
    auto sender =
        CallbackSender::Create(io_.get_executor(), std::move(options),
                               [this](const CallbackOutcome& outcome) {
                                 outcomes_.push_back(Describe(outcome));
                                 urls_.push_back(outcome.url);
                               });
    ASSERT_TRUE(sender.ok()) << sender.status().message();
    sender_ = std::move(sender).value();
  }

  static std::string Describe(const CallbackOutcome& outcome) {
    return outcome.key + " " + outcome.delivery_id + " #" +
           std::to_string(outcome.attempt) + " " + outcome.outcome + ": " +
           outcome.detail;
  }

  std::string Url(const std::string& path = "/hooks/bss") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // Takes the scripted answer of `request` and records it; the server may
  // run on several threads (ManyThreads).
  Answer Script(const net::ServerRequest& request) {
    std::lock_guard<std::mutex> lock(mutex_);
    received_.push_back(request);
    std::deque<Answer>& script =
        script_[std::string(request["Bssflow-Delivery"])];
    if (script.empty()) return Answer();
    Answer answer = script.front();
    script.pop_front();
    return answer;
  }

  asio::awaitable<std::optional<net::ServerResponse>> Respond(
      net::ServerRequest request) {
    Answer answer = Script(request);
    if (answer.release) gate_.cancel();
    if (answer.hold) {
      auto waiting = gate_.async_wait(asio::as_tuple(asio::use_awaitable));
      co_await std::move(waiting);
    }
    net::ServerResponse response;
    response.result(answer.status);
    if (!answer.retry_after.empty())
      response.set(http::field::retry_after, answer.retry_after);
    co_return response;
  }

  // Drives the io_context until `done` (30 s at most).
  template <typename Predicate>
  void RunUntil(Predicate done) {
    auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    io_.restart();
    while (!done() && std::chrono::steady_clock::now() < give_up)
      io_.run_one_for(milliseconds(50));
  }

  void RunUntilIdle() {
    RunUntil([this] { return sender_->pending() == 0; });
  }

  std::vector<std::string> DeliveryHeaders() const {
    std::vector<std::string> ids;
    for (const net::ServerRequest& request : received_)
      ids.emplace_back(request["Bssflow-Delivery"]);
    return ids;
  }

  asio::io_context io_;
  std::mutex mutex_;  // guards received_ and script_ while the server runs
  asio::steady_timer gate_{io_, asio::steady_timer::time_point::max()};
  std::unique_ptr<net::HttpServer> server_;
  uint16_t port_ = 0;
  std::map<std::string, std::deque<Answer>> script_;
  std::vector<net::ServerRequest> received_;
  std::vector<std::string> outcomes_;
  std::vector<std::string> urls_;
  std::unique_ptr<CallbackSender> sender_;
};

TEST_F(CallbackSenderTest, DeliversSignedBody) {
  CallbackOptions options = QuickOptions();
  options.secret = "s3cret";
  MakeSender(options);
  script_["run-1/4"] = {Reply(202)};
  const std::string body = R"({"run_id":"run-1","status":"running"})";
  sender_->Enqueue("run-1", Url(), "run-1/4", body);
  EXPECT_EQ(sender_->pending(), 1u);
  RunUntilIdle();

  ASSERT_EQ(received_.size(), 1u);
  const net::ServerRequest& request = received_[0];
  EXPECT_EQ(request.method_string(), "POST");
  EXPECT_EQ(request.target(), "/hooks/bss");
  EXPECT_EQ(request[http::field::content_type], "application/json");
  EXPECT_EQ(request.body(), body);
  EXPECT_EQ(request["Bssflow-Signature"], SignBody("s3cret", request.body()));
  EXPECT_EQ(request["Bssflow-Delivery"], "run-1/4");
  EXPECT_EQ(outcomes_,
            std::vector<std::string>{"run-1 run-1/4 #1 delivered: status 202"});
  EXPECT_EQ(urls_, std::vector<std::string>{Url()});
}

TEST_F(CallbackSenderTest, NoSecretNoSignature) {
  MakeSender();
  sender_->Enqueue("run-1", Url(), "run-1/1", "{}");
  RunUntilIdle();
  ASSERT_EQ(received_.size(), 1u);
  EXPECT_EQ(received_[0].count("Bssflow-Signature"), 0u);
  EXPECT_EQ(received_[0]["Bssflow-Delivery"], "run-1/1");
}

TEST_F(CallbackSenderTest, RetriesServerErrorThenDelivers) {
  MakeSender();
  script_["run-1/1"] = {Reply(503), Reply(200)};
  sender_->Enqueue("run-1", Url(), "run-1/1", "{}");
  RunUntilIdle();
  EXPECT_EQ(DeliveryHeaders(),
            (std::vector<std::string>{"run-1/1", "run-1/1"}));
  EXPECT_EQ(outcomes_,
            (std::vector<std::string>{
                "run-1 run-1/1 #1 retried: status 503; next attempt in 0 ms",
                "run-1 run-1/1 #2 delivered: status 200"}));
}

TEST_F(CallbackSenderTest, RetriesTimeoutStatusesAndTooManyRequests) {
  MakeSender();
  script_["run-1/1"] = {Reply(408), Reply(429), Reply(599), Reply(204)};
  sender_->Enqueue("run-1", Url(), "run-1/1", "{}");
  RunUntilIdle();
  EXPECT_EQ(outcomes_,
            (std::vector<std::string>{
                "run-1 run-1/1 #1 retried: status 408; next attempt in 0 ms",
                "run-1 run-1/1 #2 retried: status 429; next attempt in 0 ms",
                "run-1 run-1/1 #3 retried: status 599; next attempt in 0 ms",
                "run-1 run-1/1 #4 delivered: status 204"}));
}

// The backoff alone would be 10 minutes; the receiver asks for 0 seconds.
TEST_F(CallbackSenderTest, HonoursRetryAfter) {
  CallbackOptions options = QuickOptions();
  options.initial_backoff = std::chrono::minutes(10);
  options.max_backoff = std::chrono::minutes(10);
  options.random = [] { return uint64_t{600'000}; };
  MakeSender(options);
  script_["run-1/1"] = {Reply(429, "0"), Reply(200)};
  sender_->Enqueue("run-1", Url(), "run-1/1", "{}");
  RunUntilIdle();
  EXPECT_EQ(outcomes_,
            (std::vector<std::string>{
                "run-1 run-1/1 #1 retried: status 429; next attempt in 0 ms",
                "run-1 run-1/1 #2 delivered: status 200"}));
}

// Full jitter over a doubling ceiling, capped: with random() = 4 the waits
// are 4 % (1+1), 4 % (2+1), then 4 % (4+1) twice (the cap is 4 ms).
TEST_F(CallbackSenderTest, GivesUpAfterAttempts) {
  CallbackOptions options = QuickOptions();
  options.attempts = 5;
  options.max_backoff = milliseconds(4);
  options.random = [] { return uint64_t{4}; };
  MakeSender(options);
  script_["run-1/1"] = {Reply(500), Reply(502), Reply(503),
                        Reply(504), Reply(503), Reply(200)};
  sender_->Enqueue("run-1", Url(), "run-1/1", "{}");
  RunUntilIdle();
  EXPECT_EQ(received_.size(), 5u);
  EXPECT_EQ(
      outcomes_,
      (std::vector<std::string>{
          "run-1 run-1/1 #1 retried: status 500; next attempt in 0 ms",
          "run-1 run-1/1 #2 retried: status 502; next attempt in 1 ms",
          "run-1 run-1/1 #3 retried: status 503; next attempt in 4 ms",
          "run-1 run-1/1 #4 retried: status 504; next attempt in 4 ms",
          "run-1 run-1/1 #5 failed: status 503 (gave up after 5 attempts)"}));
}

TEST_F(CallbackSenderTest, OtherStatusesFailAtOnce) {
  MakeSender();
  script_["run-1/1"] = {Reply(400), Reply(200)};
  script_["run-1/2"] = {Reply(301), Reply(200)};
  sender_->Enqueue("run-1", Url(), "run-1/1", "{}");
  sender_->Enqueue("run-1", Url(), "run-1/2", "{}");
  RunUntilIdle();
  EXPECT_EQ(DeliveryHeaders(),
            (std::vector<std::string>{"run-1/1", "run-1/2"}));
  EXPECT_EQ(outcomes_,
            (std::vector<std::string>{"run-1 run-1/1 #1 failed: status 400",
                                      "run-1 run-1/2 #1 failed: status 301"}));
}

// The second delivery of a key waits for the first, retries included.
TEST_F(CallbackSenderTest, KeepsOrderPerKey) {
  MakeSender();
  script_["run-1/1"] = {Reply(503), Reply(503), Reply(200)};
  sender_->Enqueue("run-1", Url(), "run-1/1", R"({"sequence":1})");
  sender_->Enqueue("run-1", Url(), "run-1/2", R"({"sequence":2})");
  EXPECT_EQ(sender_->pending(), 2u);
  RunUntilIdle();
  EXPECT_EQ(
      DeliveryHeaders(),
      (std::vector<std::string>{"run-1/1", "run-1/1", "run-1/1", "run-1/2"}));
  EXPECT_EQ(received_[3].body(), R"({"sequence":2})");
  EXPECT_EQ(outcomes_,
            (std::vector<std::string>{
                "run-1 run-1/1 #1 retried: status 503; next attempt in 0 ms",
                "run-1 run-1/1 #2 retried: status 503; next attempt in 0 ms",
                "run-1 run-1/1 #3 delivered: status 200",
                "run-1 run-1/2 #1 delivered: status 200"}));
}

// run-1's delivery is held by the server until run-2's arrives: were keys
// served one at a time, run-1's would never be answered.
TEST_F(CallbackSenderTest, KeysGoOutConcurrently) {
  MakeSender();
  script_["run-1/1"] = {Held()};
  script_["run-2/1"] = {Releasing()};
  sender_->Enqueue("run-1", Url(), "run-1/1", "{}");
  RunUntil([this] { return received_.size() == 1; });
  sender_->Enqueue("run-2", Url(), "run-2/1", "{}");
  RunUntilIdle();
  EXPECT_EQ(outcomes_, (std::vector<std::string>{
                           "run-2 run-2/1 #1 delivered: status 200",
                           "run-1 run-1/1 #1 delivered: status 200"}));
}

TEST_F(CallbackSenderTest, ConnectionErrorsAreRetried) {
  uint16_t closed_port;
  {
    // A port that was free a moment ago and has no listener now.
    asio::ip::tcp::acceptor acceptor(io_,
                                     {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = acceptor.local_endpoint().port();
  }
  CallbackOptions options = QuickOptions();
  options.attempts = 2;
  MakeSender(options);
  const std::string url =
      "http://127.0.0.1:" + std::to_string(closed_port) + "/cb";
  sender_->Enqueue("run-1", url, "run-1/1", "{}");
  RunUntilIdle();
  const std::string error = "POST " + url + ": cannot connect to 127.0.0.1:" +
                            std::to_string(closed_port) +
                            ": Connection refused";
  EXPECT_EQ(outcomes_,
            (std::vector<std::string>{
                "run-1 run-1/1 #1 retried: " + error + "; next attempt in 0 ms",
                "run-1 run-1/1 #2 failed: " + error +
                    " (gave up after 2 attempts)"}));
}

TEST_F(CallbackSenderTest, TimeoutsAreRetried) {
  CallbackOptions options = QuickOptions();
  options.timeout = milliseconds(50);
  MakeSender(options);
  script_["run-1/1"] = {Held(), Reply(200)};
  sender_->Enqueue("run-1", Url(), "run-1/1", "{}");
  RunUntilIdle();
  EXPECT_EQ(outcomes_,
            (std::vector<std::string>{
                "run-1 run-1/1 #1 retried: POST " + Url() +
                    ": no response within the total timeout of 50 ms; next "
                    "attempt in 0 ms",
                "run-1 run-1/1 #2 delivered: status 200"}));
}

TEST_F(CallbackSenderTest, UndeliverableUrlsFailWithoutAnAttempt) {
  CallbackOptions options = QuickOptions();
  options.allow_plain_http = false;
  MakeSender(options);
  sender_->Enqueue("run-1", "ftp://example.com/cb", "run-1/1", "{}");
  sender_->Enqueue("run-1", "not a url", "run-1/2", "{}");
  sender_->Enqueue("run-1", "http://example.com/cb", "run-1/3", "{}");
  // Loopback needs no TLS, even with allow_plain_http off.
  sender_->Enqueue("run-1", Url(), "run-1/4", "{}");
  RunUntilIdle();
  EXPECT_EQ(received_.size(), 1u);
  ASSERT_EQ(outcomes_.size(), 4u);
  EXPECT_EQ(outcomes_[0],
            "run-1 run-1/1 #0 failed: invalid URL \"ftp://example.com/cb\": "
            "unsupported scheme \"ftp\" (expected http or https)");
  EXPECT_EQ(outcomes_[1].rfind("run-1 run-1/2 #0 failed: invalid URL \"not a "
                               "url\": ",
                               0),
            0u)
      << outcomes_[1];
  EXPECT_EQ(outcomes_[2],
            "run-1 run-1/3 #0 failed: refusing plain http:// to "
            "\"example.com\": callbacks to hosts other than loopback need "
            "https:// (or CallbackOptions::allow_plain_http)");
  EXPECT_EQ(outcomes_[3], "run-1 run-1/4 #1 delivered: status 200");
}

// Stop() gives up what is queued at once, and what waits for a retry as
// soon as the io_context runs; later deliveries fail at once.
TEST_F(CallbackSenderTest, StopAbandonsPendingRetries) {
  CallbackOptions options = QuickOptions();
  options.initial_backoff = std::chrono::minutes(10);
  options.max_backoff = std::chrono::minutes(10);
  options.random = [] { return uint64_t{600'000}; };
  MakeSender(options);
  script_["run-1/1"] = {Reply(503)};
  script_["run-2/1"] = {Reply(503)};
  sender_->Enqueue("run-1", Url(), "run-1/1", "{}");
  sender_->Enqueue("run-1", Url(), "run-1/2", "{}");
  sender_->Enqueue("run-2", Url(), "run-2/1", "{}");
  RunUntil([this] { return outcomes_.size() == 2; });
  ASSERT_EQ(outcomes_.size(), 2u);
  EXPECT_EQ(sender_->pending(), 3u);

  sender_->Stop();
  EXPECT_EQ(outcomes_.size(), 3u);
  EXPECT_EQ(outcomes_.back(), "run-1 run-1/2 #0 failed: shutting down");
  RunUntilIdle();
  EXPECT_EQ(sender_->pending(), 0u);
  ASSERT_EQ(outcomes_.size(), 5u);
  std::vector<std::string> last(outcomes_.begin() + 3, outcomes_.end());
  std::sort(last.begin(), last.end());
  EXPECT_EQ(last, (std::vector<std::string>{
                      "run-1 run-1/1 #1 failed: shutting down",
                      "run-2 run-2/1 #1 failed: shutting down"}));

  sender_->Enqueue("run-3", Url(), "run-3/1", "{}");
  EXPECT_EQ(outcomes_.back(), "run-3 run-3/1 #0 failed: shutting down");
  EXPECT_EQ(sender_->pending(), 0u);
  sender_->Stop();  // twice is fine
  EXPECT_EQ(received_.size(), 2u);
}

// An attempt in flight is cancelled, not waited for (the timeout is 20 s).
TEST_F(CallbackSenderTest, StopCancelsAttemptInFlight) {
  CallbackOptions options = QuickOptions();
  options.timeout = std::chrono::seconds(20);
  MakeSender(options);
  script_["run-1/1"] = {Held()};
  sender_->Enqueue("run-1", Url(), "run-1/1", "{}");
  RunUntil([this] { return received_.size() == 1; });
  auto start = std::chrono::steady_clock::now();
  sender_->Stop();
  RunUntilIdle();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(outcomes_,
            std::vector<std::string>{"run-1 run-1/1 #1 failed: shutting down"});
}

// Enqueue() from several threads, the io_context run by several: every
// delivery arrives, each key's in order.
TEST_F(CallbackSenderTest, ManyThreads) {
  MakeSender();
  constexpr int kKeys = 4;
  constexpr int kEach = 25;
  for (int key = 0; key < kKeys; ++key)
    script_["run-" + std::to_string(key) + "/1"] = {Reply(503), Reply(200)};
  auto work = asio::make_work_guard(io_);
  std::vector<std::thread> runners;
  for (int i = 0; i < 2; ++i) runners.emplace_back([this] { io_.run(); });
  std::vector<std::thread> producers;
  for (int key = 0; key < kKeys; ++key) {
    producers.emplace_back([this, key] {
      std::string run = "run-" + std::to_string(key);
      for (int i = 1; i <= kEach; ++i)
        sender_->Enqueue(run, Url(), run + "/" + std::to_string(i), "{}");
    });
  }
  for (std::thread& producer : producers) producer.join();
  // Not RunUntil(): restart() must not race the runners' run().
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (sender_->pending() != 0 && std::chrono::steady_clock::now() < give_up)
    io_.run_one_for(milliseconds(50));
  io_.stop();
  for (std::thread& runner : runners) runner.join();

  EXPECT_EQ(sender_->pending(), 0u);
  EXPECT_EQ(outcomes_.size(), static_cast<size_t>(kKeys * (kEach + 1)));
  std::map<std::string, std::vector<std::string>> by_key;
  for (const std::string& id : DeliveryHeaders())
    by_key[id.substr(0, id.find('/'))].push_back(id);
  ASSERT_EQ(by_key.size(), static_cast<size_t>(kKeys));
  for (const auto& [run, ids] : by_key) {
    std::vector<std::string> expected = {run + "/1"};
    for (int i = 1; i <= kEach; ++i)
      expected.push_back(run + "/" + std::to_string(i));
    EXPECT_EQ(ids, expected) << run;
  }
}

// Destroying the sender mid-attempt is safe, and its observer hears nothing
// more once the destructor has returned.
TEST_F(CallbackSenderTest, DestroyingStops) {
  MakeSender();
  script_["run-1/1"] = {Held()};
  sender_->Enqueue("run-1", Url(), "run-1/1", "{}");
  sender_->Enqueue("run-1", Url(), "run-1/2", "{}");
  RunUntil([this] { return received_.size() == 1; });
  sender_.reset();
  EXPECT_EQ(outcomes_,
            std::vector<std::string>{"run-1 run-1/2 #0 failed: shutting down"});
  io_.restart();
  io_.run_for(milliseconds(200));
  EXPECT_EQ(outcomes_.size(), 1u);
}

}  // namespace
}  // namespace bssflow::serve

#include "app/serve/callbacks.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/field.hpp>
#include <deque>
#include <exception>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <vector>

#include "net/http_client.h"
#include "net/retry.h"
#include "net/url.h"

namespace bssflow::serve {

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using std::chrono::milliseconds;

constexpr std::string_view kOutcomeDelivered = "delivered";
constexpr std::string_view kOutcomeRetried = "retried";
constexpr std::string_view kOutcomeFailed = "failed";
constexpr std::string_view kShuttingDown = "shutting down";

struct Delivery {
  std::string key;
  std::string url;
  std::string delivery_id;
  std::string body;
  /// Set once its final outcome was reported (so that it is reported once).
  bool finished = false;
};

/// What one attempt came to.
struct AttemptResult {
  enum class Verdict { kDelivered, kRetry, kGiveUp };
  Verdict verdict = Verdict::kRetry;
  /// The response's status; 0 when there was none.
  unsigned status = 0;
  /// The response's Retry-After header, for RetryDelay.
  std::string retry_after;
  std::string detail;
};

AttemptResult Classify(const Result<net::HttpResponse>& sent) {
  using Verdict = AttemptResult::Verdict;
  if (!sent.ok()) return {Verdict::kRetry, 0, "", sent.status().message()};
  const net::HttpResponse& response = sent.value();
  unsigned status = response.status;
  std::string detail = "status " + std::to_string(status);
  if (status >= 200 && status < 300)
    return {Verdict::kDelivered, status, "", std::move(detail)};
  if (status == 408 || status == 429 || (status >= 500 && status < 600)) {
    return {Verdict::kRetry, status,
            std::string(response.headers[http::field::retry_after]),
            std::move(detail)};
  }
  return {Verdict::kGiveUp, status, "", std::move(detail)};
}

// Why `url` can never be delivered to, or "" when it can be tried. Checked
// before sending: the client reports these as errors too, but errors are
// retried and these would fail every time.
std::string UrlProblem(std::string_view url, bool allow_plain_http) {
  Result<net::Url> parsed = net::ParseUrl(url);
  if (!parsed.ok()) return parsed.status().message();
  const net::Url& target = parsed.value();
  if (!target.tls() && !allow_plain_http && !net::IsLoopbackHost(target.host)) {
    return "refusing plain http:// to \"" + target.host +
           "\": callbacks to hosts other than loopback need https:// (or "
           "CallbackOptions::allow_plain_http)";
  }
  return "";
}

Status CheckOptions(const CallbackOptions& options) {
  if (options.attempts < 1) {
    return Status::Error("CallbackOptions::attempts must be at least 1, got " +
                         std::to_string(options.attempts));
  }
  if (options.initial_backoff.count() < 0 || options.max_backoff.count() < 0) {
    return Status::Error(
        "CallbackOptions::initial_backoff and max_backoff must not be "
        "negative");
  }
  if (options.timeout.count() <= 0) {
    return Status::Error("CallbackOptions::timeout must be above zero, got " +
                         std::to_string(options.timeout.count()) + " ms");
  }
  return Status::Ok();
}

// The client sends each attempt once: the sender retries itself, so that
// every attempt is reported and Stop() can abandon the waits.
net::ClientOptions ClientOptionsFor(const CallbackOptions& options) {
  net::ClientOptions client;
  client.allow_plain_http = options.allow_plain_http;
  client.ca_file = options.ca_file;
  client.retry.max_attempts = 1;
  client.retry.retry_statuses.clear();
  client.retry.retry_unsent = false;
  client.retry.retry_unanswered = false;
  return client;
}

net::RetryPolicy BackoffPolicyFor(const CallbackOptions& options) {
  net::RetryPolicy policy;
  policy.max_attempts = options.attempts;
  policy.base_delay = options.initial_backoff;
  policy.max_delay = options.max_backoff;
  policy.max_retry_after = options.max_backoff;
  return policy;
}

std::function<uint64_t()> DefaultRandom() {
  // Called on the strand only: no lock needed.
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return (*engine)(); };
}

}  // namespace

std::string SignBody(std::string_view secret, std::string_view body) {
  // HMAC() wants real pointers even for empty inputs.
  static const unsigned char kNothing = 0;
  const void* key =
      secret.empty() ? static_cast<const void*>(&kNothing) : secret.data();
  const unsigned char* data =
      body.empty() ? &kNothing
                   : reinterpret_cast<const unsigned char*>(body.data());
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key, static_cast<int>(secret.size()), data,
           body.size(), mac, &length) == nullptr) {
    length = 0;  // cannot happen with SHA-256; an empty MAC never verifies
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string signature = "sha256=";
  for (unsigned int i = 0; i < length; ++i) {
    signature += kHex[mac[i] >> 4];
    signature += kHex[mac[i] & 15];
  }
  return signature;
}

/// The sender's state, shared by the CallbackSender and its coroutines.
struct CallbackSenderCore {
  CallbackSenderCore(asio::any_io_executor executor, CallbackOptions options_in,
                     CallbackObserver observer_in)
      : strand(asio::make_strand(std::move(executor))),
        options(std::move(options_in)),
        backoff(BackoffPolicyFor(options)),
        observer(std::move(observer_in)) {}

  /// Tells the observer, if any; its exceptions are swallowed.
  void Report(const Delivery& delivery, int attempt, std::string_view outcome,
              std::string detail);
  /// Reports the final outcome of `delivery` (once) and counts it done.
  void Finish(Delivery& delivery, int attempt, std::string_view outcome,
              std::string detail);
  bool Stopped() const;
  /// Pops the next delivery of `key`; nullopt (and the key forgotten) when
  /// there is none, or when stopped.
  std::optional<Delivery> Next(const std::string& key);
  /// Marks stopped and takes every queued delivery out.
  std::vector<Delivery> TakeAllOnStop();
  net::HttpRequest Request(const Delivery& delivery) const;
  milliseconds RetryWait(int attempt, const AttemptResult& result);

  asio::strand<asio::any_io_executor> strand;
  const CallbackOptions options;
  const net::RetryPolicy backoff;
  std::unique_ptr<net::HttpClient> client;

  /// Guards `stopped` and `queues`.
  mutable std::mutex mutex;
  bool stopped = false;
  /// Deliveries waiting, by key. A key has an entry while its worker runs
  /// (the entry may be empty while the worker sends the last one).
  std::map<std::string, std::deque<Delivery>, std::less<>> queues;
  std::atomic<size_t> pending{0};

  /// Serialises observer calls, and lets the destructor detach it.
  std::mutex observer_mutex;
  CallbackObserver observer;

  /// Strand only: the cancellation signal of each running worker.
  std::list<asio::cancellation_signal> signals;
};

void CallbackSenderCore::Report(const Delivery& delivery, int attempt,
                                std::string_view outcome, std::string detail) {
  std::lock_guard<std::mutex> lock(observer_mutex);
  if (!observer) return;
  CallbackOutcome event{delivery.key,         delivery.url,
                        delivery.delivery_id, attempt,
                        std::string(outcome), std::move(detail)};
  try {
    observer(event);
  } catch (...) {
    // A failing log line or metric must not stop the deliveries.
  }
}

void CallbackSenderCore::Finish(Delivery& delivery, int attempt,
                                std::string_view outcome, std::string detail) {
  if (delivery.finished) return;
  delivery.finished = true;
  Report(delivery, attempt, outcome, std::move(detail));
  --pending;
}

bool CallbackSenderCore::Stopped() const {
  std::lock_guard<std::mutex> lock(mutex);
  return stopped;
}

std::optional<Delivery> CallbackSenderCore::Next(const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = queues.find(key);
  if (it == queues.end()) return std::nullopt;
  if (stopped || it->second.empty()) {
    queues.erase(it);
    return std::nullopt;
  }
  Delivery next = std::move(it->second.front());
  it->second.pop_front();
  return next;
}

std::vector<Delivery> CallbackSenderCore::TakeAllOnStop() {
  std::vector<Delivery> taken;
  std::lock_guard<std::mutex> lock(mutex);
  if (stopped) return taken;
  stopped = true;
  for (auto& [key, queue] : queues) {
    for (Delivery& delivery : queue) taken.push_back(std::move(delivery));
    queue.clear();
  }
  return taken;
}

net::HttpRequest CallbackSenderCore::Request(const Delivery& delivery) const {
  net::HttpRequest request;
  request.method = "POST";
  request.url = delivery.url;
  request.headers.set(http::field::content_type, "application/json");
  if (!options.secret.empty())
    request.headers.set("Bssflow-Signature",
                        SignBody(options.secret, delivery.body));
  request.headers.set("Bssflow-Delivery", delivery.delivery_id);
  request.body = delivery.body;
  request.connect_timeout = options.timeout;
  request.write_timeout = options.timeout;
  request.read_timeout = options.timeout;
  request.total_timeout = options.timeout;
  return request;
}

milliseconds CallbackSenderCore::RetryWait(int attempt,
                                           const AttemptResult& result) {
  return net::RetryDelay(backoff, attempt, result.status, result.retry_after,
                         std::chrono::system_clock::now(), options.random());
}

namespace {

using Core = CallbackSenderCore;

// One attempt. Never throws: a cancelled attempt (Stop()) comes back as a
// failure to retry, which the caller turns into "shutting down".
asio::awaitable<AttemptResult> Attempt(Core& core, const Delivery& delivery) {
  AttemptResult result;
  try {
    asio::awaitable<Result<net::HttpResponse>> sending =
        core.client->Send(core.Request(delivery));
    Result<net::HttpResponse> sent = co_await std::move(sending);
    result = Classify(sent);
  } catch (const std::exception& error) {
    result.detail = "POST " + delivery.url + ": " + error.what();
  } catch (...) {
    result.detail = "POST " + delivery.url + ": unknown error";
  }
  co_return result;
}

// Waits `delay` on the strand; false when the wait was cancelled (Stop()).
asio::awaitable<bool> Wait(Core& core, milliseconds delay) {
  try {
    asio::steady_timer timer(core.strand, delay);
    auto waiting = timer.async_wait(asio::as_tuple(asio::use_awaitable));
    auto [ec] = co_await std::move(waiting);
    co_return !ec;
  } catch (...) {
    co_return false;
  }
}

std::string GaveUp(std::string detail, int attempts) {
  if (attempts > 1)
    detail += " (gave up after " + std::to_string(attempts) + " attempts)";
  return detail;
}

// Sends `delivery` until it is delivered or given up; reports every attempt.
asio::awaitable<void> Deliver(Core& core, Delivery& delivery) {
  using Verdict = AttemptResult::Verdict;
  std::string problem = UrlProblem(delivery.url, core.options.allow_plain_http);
  if (!problem.empty()) {
    core.Finish(delivery, 0, kOutcomeFailed, std::move(problem));
    co_return;
  }
  for (int attempt = 1;; ++attempt) {
    if (core.Stopped()) {
      core.Finish(delivery, attempt - 1, kOutcomeFailed,
                  std::string(kShuttingDown));
      co_return;
    }
    asio::awaitable<AttemptResult> attempting = Attempt(core, delivery);
    AttemptResult result = co_await std::move(attempting);
    if (result.verdict == Verdict::kDelivered) {
      core.Finish(delivery, attempt, kOutcomeDelivered,
                  std::move(result.detail));
      co_return;
    }
    if (core.Stopped()) {
      core.Finish(delivery, attempt, kOutcomeFailed,
                  std::string(kShuttingDown));
      co_return;
    }
    if (result.verdict == Verdict::kGiveUp ||
        attempt >= core.options.attempts) {
      core.Finish(delivery, attempt, kOutcomeFailed,
                  GaveUp(std::move(result.detail), attempt));
      co_return;
    }
    milliseconds delay = core.RetryWait(attempt, result);
    core.Report(delivery, attempt, kOutcomeRetried,
                result.detail + "; next attempt in " +
                    std::to_string(delay.count()) + " ms");
    asio::awaitable<bool> waiting = Wait(core, delay);
    bool waited = co_await std::move(waiting);
    if (!waited) {
      core.Finish(delivery, attempt, kOutcomeFailed,
                  std::string(kShuttingDown));
      co_return;
    }
  }
}

// The worker of one key: sends its deliveries one after the other until the
// queue is empty.
asio::awaitable<void> DrainQueue(std::shared_ptr<Core> core, std::string key) {
  for (;;) {
    std::optional<Delivery> next = core->Next(key);
    if (!next.has_value()) co_return;
    try {
      asio::awaitable<void> delivering = Deliver(*core, *next);
      co_await std::move(delivering);
    } catch (const std::exception& error) {
      core->Finish(*next, 0, kOutcomeFailed, error.what());
    } catch (...) {
      core->Finish(*next, 0, kOutcomeFailed, "unknown error");
    }
  }
}

// Strand only. Runs a worker for `key` under a cancellation signal of its
// own, which Stop() emits.
void StartWorker(const std::shared_ptr<Core>& core, std::string key) {
  auto signal = core->signals.emplace(core->signals.end());
  asio::co_spawn(core->strand, DrainQueue(core, std::move(key)),
                 asio::bind_cancellation_slot(
                     signal->slot(), [core, signal](const std::exception_ptr&) {
                       // The coroutine is still unwinding here and uses the
                       // signal's slot; forget the signal once it is gone.
                       asio::post(core->strand, [core, signal] {
                         core->signals.erase(signal);
                       });
                     }));
}

void StopCore(const std::shared_ptr<Core>& core) {
  for (Delivery& delivery : core->TakeAllOnStop())
    core->Finish(delivery, 0, kOutcomeFailed, std::string(kShuttingDown));
  // Weak: with no worker running, nothing is to be cancelled, and the core
  // (its HttpClient with it) may die with the CallbackSender, before the
  // io_context, whether or not the io_context runs again.
  asio::post(core->strand, [weak = std::weak_ptr<Core>(core)] {
    std::shared_ptr<Core> alive = weak.lock();
    if (!alive) return;
    for (asio::cancellation_signal& signal : alive->signals)
      signal.emit(asio::cancellation_type::terminal);
  });
}

}  // namespace

Result<std::unique_ptr<CallbackSender>> CallbackSender::Create(
    asio::any_io_executor executor, CallbackOptions options,
    CallbackObserver on_outcome) {
  Status valid = CheckOptions(options);
  if (!valid.ok()) return valid;
  if (!options.random) options.random = DefaultRandom();
  net::ClientOptions client_options = ClientOptionsFor(options);
  auto core = std::make_shared<Core>(std::move(executor), std::move(options),
                                     std::move(on_outcome));
  Result<std::unique_ptr<net::HttpClient>> client =
      net::HttpClient::Create(core->strand, std::move(client_options));
  if (!client.ok()) return client.status();
  core->client = std::move(client).value();
  return std::unique_ptr<CallbackSender>(new CallbackSender(std::move(core)));
}

CallbackSender::CallbackSender(std::shared_ptr<CallbackSenderCore> core)
    : core_(std::move(core)) {}

CallbackSender::~CallbackSender() {
  StopCore(core_);
  std::lock_guard<std::mutex> lock(core_->observer_mutex);
  core_->observer = nullptr;
}

void CallbackSender::Enqueue(std::string key, std::string url,
                             std::string delivery_id, std::string body) {
  Delivery delivery{std::move(key), std::move(url), std::move(delivery_id),
                    std::move(body)};
  bool queued = false;
  std::optional<std::string> new_worker;
  {
    std::lock_guard<std::mutex> lock(core_->mutex);
    if (!core_->stopped) {
      auto [it, inserted] = core_->queues.try_emplace(delivery.key);
      if (inserted) new_worker = delivery.key;
      ++core_->pending;
      it->second.push_back(std::move(delivery));
      queued = true;
    }
  }
  if (!queued) {
    core_->Report(delivery, 0, kOutcomeFailed, std::string(kShuttingDown));
    return;
  }
  if (new_worker.has_value()) {
    asio::post(core_->strand, [core = core_, key = std::move(*new_worker)] {
      StartWorker(core, key);
    });
  }
}

void CallbackSender::Stop() { StopCore(core_); }

size_t CallbackSender::pending() const { return core_->pending; }

}  // namespace bssflow::serve

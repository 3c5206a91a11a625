// Callback delivery: POSTs a run's status changes to the callback_url its
// starter gave, signed, in order, retried with backoff until delivered or
// given up. The receiver's view is the "Callbacks" section of the serve API.
//
// What a delivery is: one JSON body for one URL, sent with
//   Content-Type: application/json
//   Bssflow-Signature: sha256=<hex HMAC-SHA256(secret, body)>  (with a secret)
//   Bssflow-Delivery: <delivery id>   (the same on every attempt, so that the
//                                      receiver can drop duplicates)
// A 2xx answer delivers it. Connection, TLS and protocol failures, timeouts,
// 408, 429 and 5xx are retried after a backoff (full jitter, see
// CallbackOptions; 429 and 503 honour Retry-After); any other status, a
// malformed URL, or running out of attempts gives it up ("failed").
#ifndef BSSFLOW_APP_SERVE_CALLBACKS_H_
#define BSSFLOW_APP_SERVE_CALLBACKS_H_

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

namespace bssflow::serve {

/// How callbacks are delivered. The defaults suit production.
struct CallbackOptions {
  /// The HMAC-SHA256 key of Bssflow-Signature; empty: deliveries are not
  /// signed (the header is omitted).
  std::string secret;
  /// Attempts per delivery, the first included; at least 1.
  int attempts = 8;
  /// The wait before retry n (1, 2, ...) is drawn uniformly from
  /// [0, min(max_backoff, initial_backoff * 2^(n-1))] ("full jitter").
  std::chrono::milliseconds initial_backoff{1000};
  /// The longest wait between two attempts, a Retry-After included (a
  /// receiver asking for more is tried again after max_backoff).
  std::chrono::milliseconds max_backoff{60000};
  /// One attempt: connecting, sending and reading the answer. Exceeded: the
  /// attempt failed and is retried.
  std::chrono::milliseconds timeout{10000};
  /// Allow plain http:// callback URLs to hosts other than loopback. The
  /// API accepts http URLs, so it is on; bodies are signed but readable on
  /// the wire. Off: such deliveries fail at once.
  bool allow_plain_http = true;
  /// A PEM file of CA certificates trusted for https callback URLs, in
  /// addition to the system store. Empty: the system store only.
  std::string ca_file;
  /// Uniform 64-bit random numbers for the jitter; empty: a generator
  /// seeded from std::random_device. Tests inject their own. Called on the
  /// sender's strand only.
  std::function<uint64_t()> random;
};

/// "sha256=" + the lowercase hex HMAC-SHA256 of `body` under `secret`: the
/// value of the Bssflow-Signature header.
std::string SignBody(std::string_view secret, std::string_view body);

/// What became of one attempt of a delivery, or of a delivery given up
/// before any attempt: for the log and the bssflow_callbacks_total counter.
struct CallbackOutcome {
  std::string key;
  std::string url;
  std::string delivery_id;
  /// The attempt this is about (1 for the first); 0 when no attempt was
  /// made (malformed URL, or abandoned while queued).
  int attempt = 0;
  /// "delivered" (a 2xx answer; final), "retried" (this attempt failed,
  /// another follows), or "failed" (given up; final).
  std::string outcome;
  /// Why, for people: "status 204"; "status 503; next attempt in 1500 ms";
  /// the client's error ("POST http://h/cb: cannot connect to h:80: ...");
  /// "... (gave up after 8 attempts)"; "shutting down"; or the URL problem.
  std::string detail;
};

/// Receives every CallbackOutcome; see CallbackSender for its thread.
using CallbackObserver = std::function<void(const CallbackOutcome&)>;

struct CallbackSenderCore;

/// Delivers callbacks in the background, on a strand of the executor it is
/// given (the io_context of `bssflow serve` may run on many threads).
///
/// Threading: Enqueue(), Stop() and pending() may be called from any
/// thread, and never block on the network. The observer is called on the
/// strand, or in the caller of Enqueue()/Stop() for deliveries those give
/// up themselves; calls never overlap, and the observer must not call back
/// into the sender.
///
/// Lifetime: destroying the sender stops it (see Stop()); no observer call
/// starts after the destructor returns. Work still under way keeps the
/// sender's internals (its HttpClient among them) alive until the executor
/// has run it to the end, which Stop() makes quick: after Stop(), let the
/// io_context run until it runs out of work before destroying it.
class CallbackSender {
 public:
  /// A sender whose sockets and timers live on a strand of `executor`.
  /// `on_outcome` may be empty. Errors: options out of range (attempts < 1,
  /// a negative backoff, a timeout not above zero), or a ca_file that
  /// cannot be loaded.
  static Result<std::unique_ptr<CallbackSender>> Create(
      boost::asio::any_io_executor executor, CallbackOptions options,
      CallbackObserver on_outcome);
  ~CallbackSender();
  CallbackSender(const CallbackSender&) = delete;
  CallbackSender& operator=(const CallbackSender&) = delete;

  /// Queues one delivery of `body` (JSON text) to `url`. Deliveries with the
  /// same `key` (a run id) go out in the order queued, one at a time: the
  /// next waits until the previous is delivered or given up. Deliveries of
  /// different keys go out concurrently. `delivery_id` is the
  /// Bssflow-Delivery header. After Stop(), the delivery is given up at
  /// once ("failed", "shutting down").
  void Enqueue(std::string key, std::string url, std::string delivery_id,
               std::string body);

  /// Stops delivering: queued deliveries and those waiting to retry are
  /// given up ("failed", detail "shutting down"), attempts in flight are
  /// cancelled and given up the same way. Safe to call twice.
  void Stop();

  /// Deliveries queued or under way (not yet delivered or given up).
  size_t pending() const;

 private:
  explicit CallbackSender(std::shared_ptr<CallbackSenderCore> core);
  std::shared_ptr<CallbackSenderCore> core_;
};

}  // namespace bssflow::serve

#endif  // BSSFLOW_APP_SERVE_CALLBACKS_H_

#include "net/retry.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>

namespace bssflow::net {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

constexpr uint64_t kMaxRandom = std::numeric_limits<uint64_t>::max();

// "Sun, 06 Nov 1994 08:49:37 GMT" is 784111777 s after the epoch; "now" is
// ten seconds earlier.
const system_clock::time_point kNow{seconds(784111767)};

TEST(BackoffDelayTest, FirstRetryDrawsFromZeroToBase) {
  RetryPolicy policy;  // base 200 ms, max 10 s
  EXPECT_EQ(BackoffDelay(policy, 1, 0), milliseconds(0));
  EXPECT_EQ(BackoffDelay(policy, 1, 200), milliseconds(200));
  EXPECT_EQ(BackoffDelay(policy, 1, 201), milliseconds(0));
  EXPECT_EQ(BackoffDelay(policy, 1, kMaxRandom), milliseconds(150));  // % 201
}

TEST(BackoffDelayTest, CeilingDoublesUpToMaxDelay) {
  RetryPolicy policy;
  EXPECT_EQ(BackoffDelay(policy, 2, 400), milliseconds(400));
  EXPECT_EQ(BackoffDelay(policy, 2, 401), milliseconds(0));
  EXPECT_EQ(BackoffDelay(policy, 3, 800), milliseconds(800));
  EXPECT_EQ(BackoffDelay(policy, 3, kMaxRandom), milliseconds(600));  // % 801
  EXPECT_EQ(BackoffDelay(policy, 10, 10'000), milliseconds(10'000));
  EXPECT_EQ(BackoffDelay(policy, 10, 10'001), milliseconds(0));
  EXPECT_EQ(BackoffDelay(policy, 1'000'000, 10'000), milliseconds(10'000));
}

TEST(BackoffDelayTest, RetryBelowOneCountsAsOne) {
  RetryPolicy policy;
  EXPECT_EQ(BackoffDelay(policy, 0, 200), milliseconds(200));
  EXPECT_EQ(BackoffDelay(policy, -5, 201), milliseconds(0));
}

TEST(BackoffDelayTest, ZeroDelaysNeverWait) {
  RetryPolicy policy;
  policy.base_delay = milliseconds(0);
  EXPECT_EQ(BackoffDelay(policy, 4, kMaxRandom), milliseconds(0));
  policy.base_delay = milliseconds(100);
  policy.max_delay = milliseconds(0);
  EXPECT_EQ(BackoffDelay(policy, 4, kMaxRandom), milliseconds(0));
}

TEST(BackoffDelayTest, JitterStaysWithinBoundsAndSpreads) {
  RetryPolicy policy;
  std::mt19937_64 random(7);
  for (int retry = 1; retry <= 8; ++retry) {
    int64_t ceiling = std::min<int64_t>(200LL << (retry - 1), 10'000);
    milliseconds lowest = milliseconds::max(), highest = milliseconds::min();
    for (int i = 0; i < 2000; ++i) {
      milliseconds delay = BackoffDelay(policy, retry, random());
      ASSERT_GE(delay.count(), 0);
      ASSERT_LE(delay.count(), ceiling);
      lowest = std::min(lowest, delay);
      highest = std::max(highest, delay);
    }
    // Full jitter: the draws cover (nearly) the whole range.
    EXPECT_LT(lowest.count(), ceiling / 10) << "retry " << retry;
    EXPECT_GT(highest.count(), ceiling * 9 / 10) << "retry " << retry;
  }
}

TEST(ParseRetryAfterTest, DelaySeconds) {
  EXPECT_EQ(ParseRetryAfter("120", kNow), milliseconds(120'000));
  EXPECT_EQ(ParseRetryAfter("0", kNow), milliseconds(0));
  EXPECT_EQ(ParseRetryAfter(" 5\t", kNow), milliseconds(5'000));
  EXPECT_EQ(ParseRetryAfter("99999999999999999999999", kNow),
            milliseconds(1'000'000'000'000));
}

TEST(ParseRetryAfterTest, HttpDatesInAllThreeFormats) {
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", kNow),
            milliseconds(10'000));
  EXPECT_EQ(ParseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", kNow),
            milliseconds(10'000));
  EXPECT_EQ(ParseRetryAfter("Sun Nov  6 08:49:37 1994", kNow),
            milliseconds(10'000));
  EXPECT_EQ(ParseRetryAfter("Mon, 07 Nov 1994 08:49:37 GMT", kNow),
            milliseconds(86'410'000));
}

TEST(ParseRetryAfterTest, PastDateIsNoDelay) {
  EXPECT_EQ(ParseRetryAfter("Sat, 05 Nov 1994 08:49:37 GMT", kNow),
            milliseconds(0));
}

TEST(ParseRetryAfterTest, DatesFarAwaySaturateInsteadOfOverflowing) {
  // The year 4602 does not fit system_clock's nanoseconds (found by
  // http_response_fuzzer): a billion seconds, as for a delay.
  EXPECT_EQ(ParseRetryAfter("Tue, 25 Nov 4602 06:00:30 GMT", kNow),
            milliseconds(1'000'000'000'000));
  EXPECT_EQ(ParseRetryAfter("Mon, 01 Jan 0001 00:00:00 GMT", kNow),
            milliseconds(0));
}

TEST(ParseRetryAfterTest, GarbageIsRejected) {
  for (const char* value :
       {"", " ", "soon", "-1", "1.5", "5s", "0x10",
        "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 06 Nov 1994 25:00:00 GMT",
        "Sun, 06 Nov 1994 08:49 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 19945 08:49:37 GMT"}) {
    EXPECT_EQ(ParseRetryAfter(value, kNow), std::nullopt)
        << '"' << value << '"';
  }
}

TEST(RetryDelayTest, HonoursRetryAfterOn429And503Only) {
  RetryPolicy policy;
  EXPECT_EQ(RetryDelay(policy, 1, 503, "2", kNow, 0), milliseconds(2'000));
  EXPECT_EQ(
      RetryDelay(policy, 1, 429, "Sun, 06 Nov 1994 08:49:37 GMT", kNow, 0),
      milliseconds(10'000));
  // 502 ignores Retry-After: backoff (random 150 -> 150 ms of [0, 200]).
  EXPECT_EQ(RetryDelay(policy, 1, 502, "2", kNow, 150), milliseconds(150));
}

TEST(RetryDelayTest, RetryAfterIsCapped) {
  RetryPolicy policy;
  policy.max_retry_after = milliseconds(30'000);
  EXPECT_EQ(RetryDelay(policy, 1, 429, "3600", kNow, 0), milliseconds(30'000));
}

TEST(RetryDelayTest, MissingOrGarbageRetryAfterFallsBackToBackoff) {
  RetryPolicy policy;
  EXPECT_EQ(RetryDelay(policy, 2, 503, "", kNow, 399), milliseconds(399));
  EXPECT_EQ(RetryDelay(policy, 2, 503, "later", kNow, 401), milliseconds(0));
}

}  // namespace
}  // namespace bssflow::net

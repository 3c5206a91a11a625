#include "dsl/nondeterminism.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

namespace bssflow::dsl {

namespace {

class SystemNondeterminism : public Nondeterminism {
 public:
  int64_t NowMs() override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::string NewUuid() override { return FormatUuid(random_(), random_()); }

 private:
  std::mt19937_64 random_{std::random_device{}()};
};

thread_local Nondeterminism* installed = nullptr;

}  // namespace

ScopedNondeterminism::ScopedNondeterminism(Nondeterminism& source)
    : previous_(installed) {
  installed = &source;
}

ScopedNondeterminism::~ScopedNondeterminism() { installed = previous_; }

Nondeterminism& CurrentNondeterminism() {
  if (installed != nullptr) return *installed;
  thread_local SystemNondeterminism system;
  return system;
}

std::string FormatRfc3339(int64_t time_ms) {
  int64_t seconds = time_ms / 1000;
  int millis = static_cast<int>(time_ms % 1000);
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[80];  // room for any int the compiler can imagine
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, millis);
  return text;
}

std::string FormatUuid(uint64_t high, uint64_t low) {
  high = (high & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
  low = (low & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;    // variant
  return FormatUuidBits(high, low);
}

std::string FormatUuidBits(uint64_t high, uint64_t low) {
  // By hand rather than snprintf: every run's id comes through here.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text(36, '-');
  size_t at = 0;
  auto put = [&](uint64_t bits, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
      text[at++] = kHex[(bits >> shift) & 0xF];
    }
    ++at;  // over the '-' that follows
  };
  put(high >> 32, 8);
  put(high >> 16, 4);
  put(high, 4);
  put(low >> 48, 4);
  put(low, 12);
  return text;
}

}  // namespace bssflow::dsl

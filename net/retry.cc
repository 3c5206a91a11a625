#include "net/retry.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

namespace bssflow::net {

namespace {

// A delay or a date this many seconds away (31 years) is as good as
// forever: longer ones saturate here, so that no arithmetic overflows.
constexpr int64_t kForeverSeconds = 1'000'000'000;


using std::chrono::milliseconds;
using std::chrono::system_clock;

constexpr std::array<std::string_view, 12> kMonths = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu",
                                                   "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays = {
    "Monday", "Tuesday",  "Wednesday", "Thursday",
    "Friday", "Saturday", "Sunday"};

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// The value of a string of digits (AllDigits), saturated at `limit`.
int64_t DigitsValue(std::string_view digits, int64_t limit) {
  int64_t value = 0;
  for (char c : digits) {
    value = value * 10 + (c - '0');
    if (value >= limit) return limit;
  }
  return value;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::vector<std::string_view> Tokens(std::string_view text) {
  std::vector<std::string_view> tokens;
  size_t i = 0;
  auto is_separator = [](char c) { return c == ' ' || c == ',' || c == '-'; };
  while (i < text.size()) {
    while (i < text.size() && is_separator(text[i])) ++i;
    size_t start = i;
    while (i < text.size() && !is_separator(text[i])) ++i;
    if (i > start) tokens.push_back(text.substr(start, i - start));
  }
  return tokens;
}

// Seconds since midnight of "HH:MM:SS", or -1.
int64_t ParseClock(std::string_view text) {
  if (text.size() != 8 || text[2] != ':' || text[5] != ':') return -1;
  std::string_view h = text.substr(0, 2), m = text.substr(3, 2),
                   s = text.substr(6, 2);
  if (!AllDigits(h) || !AllDigits(m) || !AllDigits(s)) return -1;
  int64_t hours = DigitsValue(h, 100), minutes = DigitsValue(m, 100),
          seconds = DigitsValue(s, 100);
  if (hours > 23 || minutes > 59 || seconds > 60) return -1;
  return hours * 3600 + minutes * 60 + seconds;
}

struct DateParts {
  std::string_view day_name, day, month, year, clock;
  bool two_digit_year = false;
};

// Sorts the tokens of the three HTTP-date formats into DateParts.
std::optional<DateParts> SplitDate(const std::vector<std::string_view>& t) {
  if (t.size() == 6 && t[5] == "GMT") {  // IMF-fixdate or RFC 850
    bool two_digit = t[3].size() == 2;
    if (!two_digit && t[3].size() != 4) return std::nullopt;
    return DateParts{t[0], t[1], t[2], t[3], t[4], two_digit};
  }
  if (t.size() == 5 && t[4].size() == 4) {  // asctime
    return DateParts{t[0], t[2], t[1], t[4], t[3], false};
  }
  return std::nullopt;
}

std::optional<system_clock::time_point> ParseHttpDate(
    std::string_view text, system_clock::time_point now) {
  std::optional<DateParts> parts = SplitDate(Tokens(text));
  if (!parts.has_value()) return std::nullopt;
  bool day_ok =
      std::find(kDays.begin(), kDays.end(), parts->day_name) != kDays.end() ||
      std::find(kLongDays.begin(), kLongDays.end(), parts->day_name) !=
          kLongDays.end();
  auto month = std::find(kMonths.begin(), kMonths.end(), parts->month);
  int64_t clock = ParseClock(parts->clock);
  if (!day_ok || month == kMonths.end() || clock < 0 ||
      !AllDigits(parts->day) || parts->day.size() > 2 ||
      !AllDigits(parts->year)) {
    return std::nullopt;
  }
  int64_t day = DigitsValue(parts->day, 100);
  int64_t year = DigitsValue(parts->year, 10000);
  if (day < 1 || day > 31) return std::nullopt;
  if (parts->two_digit_year) {
    // RFC 9110: a two-digit year more than 50 years ahead is in the past.
    int64_t now_year = 1970 + std::chrono::duration_cast<std::chrono::hours>(
                                  now.time_since_epoch())
                                      .count() /
                                  8766;
    year += 2000;
    if (year > now_year + 50) year -= 100;
  }
  auto month_number = static_cast<unsigned>(month - kMonths.begin() + 1);
  int64_t seconds =
      DaysFromCivil(year, month_number, static_cast<unsigned>(day)) * 86400 +
      clock;
  // system_clock counts nanoseconds: years past 2262 (or before 1677) do not
  // fit. A date more than a billion seconds (31 years) away is as good as
  // forever, the same saturation as a delay in seconds.
  const int64_t now_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch())
          .count();
  seconds = std::clamp(seconds, now_seconds - kForeverSeconds,
                       now_seconds + kForeverSeconds);
  return system_clock::time_point(std::chrono::seconds(seconds));
}

}  // namespace

milliseconds BackoffDelay(const RetryPolicy& policy, int retry,
                          uint64_t random) {
  int64_t ceiling = std::max<int64_t>(policy.base_delay.count(), 0);
  const int64_t max = std::max<int64_t>(policy.max_delay.count(), 0);
  for (int i = 1; i < retry && ceiling < max; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, max);
  if (ceiling <= 0) return milliseconds(0);
  return milliseconds(
      static_cast<int64_t>(random % (static_cast<uint64_t>(ceiling) + 1)));
}

std::optional<milliseconds> ParseRetryAfter(std::string_view value,
                                            system_clock::time_point now) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
    value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t'))
    value.remove_suffix(1);
  if (AllDigits(value)) {
    // A billion seconds (31 years) is as good as forever; saturate there.
    return milliseconds(DigitsValue(value, kForeverSeconds) * 1000);
  }
  std::optional<system_clock::time_point> date = ParseHttpDate(value, now);
  if (!date.has_value()) return std::nullopt;
  if (*date <= now) return milliseconds(0);
  return std::chrono::ceil<milliseconds>(*date - now);
}

bool IsRetryableStatus(const RetryPolicy& policy, unsigned status) {
  return std::find(policy.retry_statuses.begin(), policy.retry_statuses.end(),
                   status) != policy.retry_statuses.end();
}

milliseconds RetryDelay(const RetryPolicy& policy, int retry, unsigned status,
                        std::string_view retry_after,
                        system_clock::time_point now, uint64_t random) {
  if (status == 429 || status == 503) {
    std::optional<milliseconds> asked = ParseRetryAfter(retry_after, now);
    if (asked.has_value()) return std::min(*asked, policy.max_retry_after);
  }
  return BackoffDelay(policy, retry, random);
}

}  // namespace bssflow::net

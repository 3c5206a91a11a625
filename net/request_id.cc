#include "net/request_id.h"

#include <cstdio>
#include <random>

namespace bssflow::net {

bool SaneRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string NewRequestId() {
  thread_local std::mt19937_64 random(std::random_device{}());
  char text[17];
  std::snprintf(text, sizeof text, "%016llx",
                static_cast<unsigned long long>(random()));
  return text;
}

std::string RequestIdFor(std::string_view sent) {
  return SaneRequestId(sent) ? std::string(sent) : NewRequestId();
}

}  // namespace bssflow::net

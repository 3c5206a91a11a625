#include "simulators/partner_center/id_source.h"

namespace bssflow::simulators::partner_center {
namespace {

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

std::string IdSource::NewGuid() {
  std::string hex;
  for (int i = 0; i < 2; ++i) {
    const std::uint64_t bits = engine_();
    for (int shift = 60; shift >= 0; shift -= 4) {
      hex += kHex[(bits >> shift) & 0xf];
    }
  }
  hex[12] = '4';                      // version 4
  hex[16] = kHex[8 + (hex[16] % 4)];  // variant 10xx
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) +
         "-" + hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string IdSource::NewPassword() {
  // Plain modulo rather than std::uniform_int_distribution, whose output
  // differs between standard libraries: the ids must not.
  std::string password;
  password += static_cast<char>('A' + engine_() % 26);
  for (int i = 0; i < 3; ++i)
    password += static_cast<char>('a' + engine_() % 26);
  for (int i = 0; i < 5; ++i)
    password += static_cast<char>('0' + engine_() % 10);
  return password;
}

std::string IdSource::NewToken(std::string_view prefix) {
  std::string token(prefix);
  for (int i = 0; i < 2; ++i) {
    const std::uint64_t bits = engine_();
    for (int shift = 60; shift >= 0; shift -= 4) {
      token += kHex[(bits >> shift) & 0xf];
    }
  }
  return token;
}

}  // namespace bssflow::simulators::partner_center

#include "connectors/partner_center/initial_password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <climits>
#include <utility>

namespace bssflow::connectors::partner_center {
namespace {

// No I, O (like 1, 0 and l), l (like I and 1), 0 or 1; symbols that need no
// quoting in email, JSON or a shell's double quotes, and are in Microsoft's
// allowed set.
constexpr std::string_view kUpper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
constexpr std::string_view kLower = "abcdefghijkmnopqrstuvwxyz";
constexpr std::string_view kDigits = "23456789";
constexpr std::string_view kSymbols = "!@#$%*-_+=?";
constexpr std::string_view kAll =
    "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#$%*-_+=?";
static_assert(kAll.size() ==
              kUpper.size() + kLower.size() + kDigits.size() + kSymbols.size());

// A 256-bit big-endian number, drawn from as a mixed-radix one: each draw
// divides it by n and yields the remainder. A password takes about 133 of
// the 256 bits, so every draw is uniform but for a bias below 2^-120.
class DigestNumber {
 public:
  explicit DigestNumber(const std::array<unsigned char, 32>& digest)
      : digits_(digest) {}
  DigestNumber(const DigestNumber&) = delete;
  DigestNumber& operator=(const DigestNumber&) = delete;
  ~DigestNumber() { OPENSSL_cleanse(digits_.data(), digits_.size()); }

  // A number in [0, n), 0 < n <= 256.
  unsigned Draw(unsigned n) {
    unsigned remainder = 0;
    for (unsigned char& digit : digits_) {
      unsigned current = remainder * 256 + digit;
      digit = static_cast<unsigned char>(current / n);
      remainder = current % n;
    }
    return remainder;
  }

  char Pick(std::string_view alphabet) {
    return alphabet[Draw(static_cast<unsigned>(alphabet.size()))];
  }

 private:
  std::array<unsigned char, 32> digits_;
};

}  // namespace

Result<std::string> DeriveInitialPassword(std::string_view client_secret,
                                          std::string_view idempotency_key) {
  if (client_secret.empty()) {
    return Status::Error(
        "cannot derive an initial password: the connector has no "
        "client_secret to key it with; configure client_secret, or give the "
        "'password' argument");
  }
  if (client_secret.size() > INT_MAX) {
    return Status::Error(
        "cannot derive an initial password: client_secret is too long");
  }
  std::string message = "create_user:" + std::string(idempotency_key);
  std::array<unsigned char, 32> digest{};
  unsigned int digest_size = 0;
  unsigned char* made =
      HMAC(EVP_sha256(), client_secret.data(),
           static_cast<int>(client_secret.size()),
           reinterpret_cast<const unsigned char*>(message.data()),
           message.size(), digest.data(), &digest_size);
  if (made == nullptr || digest_size != digest.size()) {
    return Status::Error(
        "cannot derive an initial password: OpenSSL's HMAC-SHA256 failed");
  }
  DigestNumber number(digest);
  OPENSSL_cleanse(digest.data(), digest.size());
  std::string password;
  password += number.Pick(kUpper);
  password += number.Pick(kLower);
  password += number.Pick(kDigits);
  password += number.Pick(kSymbols);
  while (password.size() < kInitialPasswordLength)
    password += number.Pick(kAll);
  // Fisher-Yates, so the four required classes sit anywhere.
  for (std::size_t i = password.size() - 1; i > 0; --i) {
    std::swap(password[i], password[number.Draw(static_cast<unsigned>(i + 1))]);
  }
  return password;
}

nlohmann::json WithInitialPassword(nlohmann::json user,
                                   const std::string& password) {
  if (user.is_null()) user = nlohmann::json::object();
  if (!user.is_object()) return user;
  nlohmann::json& profile = user["passwordProfile"];
  if (!profile.is_object()) profile = nlohmann::json::object();
  profile["password"] = password;
  return user;
}

}  // namespace bssflow::connectors::partner_center

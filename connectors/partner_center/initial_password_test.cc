#include "connectors/partner_center/initial_password.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

namespace bssflow::connectors::partner_center {
namespace {

constexpr char kKey[] = "0f8fad5b-d9cb-469f-a165-70867728950e";

std::string Derive(std::string_view secret, std::string_view key) {
  Result<std::string> password = DeriveInitialPassword(secret, key);
  EXPECT_TRUE(password.ok()) << password.status().message();
  return password.ok() ? password.value() : "";
}

// The rule, spelled out apart from the code under test: 16 characters, at
// least one of each class, nothing outside the readable, mail-safe set.
std::string RuleBreach(const std::string& password) {
  const std::string_view upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
  const std::string_view lower = "abcdefghijkmnopqrstuvwxyz";
  const std::string_view digits = "23456789";
  const std::string_view symbols = "!@#$%*-_+=?";
  if (password.size() != 16) return "length " + std::to_string(password.size());
  bool has_upper = false, has_lower = false, has_digit = false,
       has_symbol = false;
  for (char c : password) {
    if (upper.find(c) != std::string_view::npos) {
      has_upper = true;
    } else if (lower.find(c) != std::string_view::npos) {
      has_lower = true;
    } else if (digits.find(c) != std::string_view::npos) {
      has_digit = true;
    } else if (symbols.find(c) != std::string_view::npos) {
      has_symbol = true;
    } else {
      return std::string("character '") + c + "'";
    }
  }
  if (!has_upper) return "no upper-case letter";
  if (!has_lower) return "no lower-case letter";
  if (!has_digit) return "no digit";
  if (!has_symbol) return "no symbol";
  return "";
}

TEST(InitialPasswordTest, FixedKeyAndSecretGiveAFixedPassword) {
  // Also computed by an independent Python implementation of the same
  // recipe (hmac, int.from_bytes, divmod).
  EXPECT_EQ(Derive("s3cret", kKey), "Amqj5V!yd%i6UVAK");
  EXPECT_EQ(Derive("s3cret", kKey), "Amqj5V!yd%i6UVAK");
  EXPECT_EQ(Derive("demo-client-secret", "key-admin"), "2pZnYdSR?fM@EN=5");
}

TEST(InitialPasswordTest, KeyAndSecretBothMatter) {
  EXPECT_EQ(Derive("other-secret", kKey), "gHku8NUp9*$NBF#Q");
  EXPECT_EQ(Derive("s3cret", "0f8fad5b-d9cb-469f-a165-70867728950f"),
            "@BAC2p5f!T=MQ*M-");
}

TEST(InitialPasswordTest, EveryPasswordMeetsTheRuleAndKeysDoNotCollide) {
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) {
    std::string key = "key-" + std::to_string(i);
    std::string password = Derive("s3cret", key);
    ASSERT_EQ(RuleBreach(password), "") << key << ": " << password;
    seen.insert(password);
  }
  EXPECT_EQ(seen.size(), 20000u);
}

TEST(InitialPasswordTest, EmptySecretIsRefused) {
  Result<std::string> password = DeriveInitialPassword("", kKey);
  ASSERT_FALSE(password.ok());
  EXPECT_EQ(password.status().message(),
            "cannot derive an initial password: the connector has no "
            "client_secret to key it with; configure client_secret, or give "
            "the 'password' argument");
}

TEST(InitialPasswordTest, ResultAlwaysCarriesTheSetPassword) {
  EXPECT_EQ(WithInitialPassword(
                nlohmann::json::parse(R"({"id": "u1", "state": "active"})"),
                "Amqj5V!yd%i6UVAK"),
            nlohmann::json::parse(R"({"id": "u1", "state": "active",
              "passwordProfile": {"password": "Amqj5V!yd%i6UVAK"}})"));
  EXPECT_EQ(WithInitialPassword(
                nlohmann::json::parse(R"({"id": "u1", "passwordProfile":
                  {"password": "echoed", "forceChangePassword": true}})"),
                "Amqj5V!yd%i6UVAK"),
            nlohmann::json::parse(R"({"id": "u1", "passwordProfile":
              {"password": "Amqj5V!yd%i6UVAK", "forceChangePassword": true}})"));
  EXPECT_EQ(WithInitialPassword(nlohmann::json(), "Amqj5V!yd%i6UVAK"),
            nlohmann::json::parse(
                R"({"passwordProfile": {"password": "Amqj5V!yd%i6UVAK"}})"));
  EXPECT_EQ(WithInitialPassword(
                nlohmann::json::parse(R"({"passwordProfile": null})"), "p"),
            nlohmann::json::parse(R"({"passwordProfile": {"password": "p"}})"));
}

}  // namespace
}  // namespace bssflow::connectors::partner_center

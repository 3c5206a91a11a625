#include "simulators/partner_center/customer_validation.h"

#include <gtest/gtest.h>

namespace bssflow::simulators::partner_center {
namespace {

nlohmann::json Body(const std::string& country, const std::string& state,
                    const std::string& postal_code) {
  return {{"companyProfile", {{"domain", "Fresh.OnMicrosoft.com"}}},
          {"billingProfile",
           {{"email", "a@b.c"},
            {"culture", "de-DE"},
            {"language", "de"},
            {"companyName", "Müller GmbH"},
            {"defaultAddress",
             {{"country", country},
              {"city", "Berlin"},
              {"state", state},
              {"addressLine1", "Straße 1"},
              {"postalCode", postal_code},
              {"firstName", "Jörg"},
              {"lastName", "Müller"}}}}}};
}

std::string ErrorOf(const nlohmann::json& body) {
  auto parsed = ParseNewCustomer(body);
  if (std::holds_alternative<NewCustomer>(parsed)) return "ok";
  return std::get<ApiError>(parsed).description;
}

TEST(CustomerValidationTest, AcceptsAValidBodyAndNormalizes) {
  auto parsed = ParseNewCustomer(Body("de", "", "10115"));
  ASSERT_TRUE(std::holds_alternative<NewCustomer>(parsed))
      << std::get<ApiError>(parsed).description;
  const NewCustomer& customer = std::get<NewCustomer>(parsed);
  EXPECT_EQ(customer.domain, "fresh.onmicrosoft.com");
  EXPECT_EQ(customer.address.country, "DE");
  EXPECT_EQ(customer.company_name, "Müller GmbH");
}

TEST(CustomerValidationTest, LengthsCountCharactersNotBytes) {
  nlohmann::json body = Body("DE", "", "10115");
  // 50 two-byte characters: 100 bytes, but within the 50-character limit.
  std::string name;
  for (int i = 0; i < 50; ++i) name += "ü";
  body["billingProfile"]["defaultAddress"]["firstName"] = name;
  EXPECT_EQ(ErrorOf(body), "ok");
  body["billingProfile"]["defaultAddress"]["firstName"] = name + "ü";
  EXPECT_EQ(ErrorOf(body),
            "defaultAddress.firstName must be 1-50 characters long; got 51.");
}

TEST(CustomerValidationTest, StatesAndPostalCodesFollowTheCountryRules) {
  EXPECT_EQ(ErrorOf(Body("DE", "", "1011")),
            "defaultAddress.postalCode '1011' is not valid for country DE "
            "(expected ^[0-9]{5,5}$).");
  EXPECT_EQ(ErrorOf(Body("CA", "ON", "K1A 0B1")), "ok");
  EXPECT_EQ(ErrorOf(Body("CA", "", "K1A 0B1")),
            "defaultAddress.state '' is not a valid state for country CA.");
  EXPECT_EQ(ErrorOf(Body("MX", "Nuevo León", "64000")), "ok");
  EXPECT_EQ(ErrorOf(Body("GB", "", "SW1A 1AA")), "ok");
  // Countries without a known rule are not checked.
  EXPECT_EQ(ErrorOf(Body("NL", "", "anything")), "ok");
}

TEST(CustomerValidationTest, MissingSectionsAreNamed) {
  nlohmann::json body = Body("DE", "", "10115");
  body["billingProfile"].erase("defaultAddress");
  EXPECT_EQ(ErrorOf(body), "billingProfile.defaultAddress is required.");
  body = Body("DE", "", "10115");
  body["billingProfile"].erase("language");
  EXPECT_EQ(ErrorOf(body), "billingProfile.language is required.");
  body = Body("DE", "", "10115");
  body["companyProfile"]["domain"] = nullptr;
  EXPECT_EQ(ErrorOf(body), "companyProfile.domain is required.");
  EXPECT_EQ(ErrorOf(nlohmann::json::array()),
            "The request body must be a Customer.");
}

TEST(CustomerValidationTest, RegistrationNumberCountryLists) {
  EXPECT_TRUE(RequiresPhoneAndRegistration("UA"));
  EXPECT_FALSE(RequiresPhoneAndRegistration("IN"));
  EXPECT_TRUE(AcceptsRegistrationNumber("IN"));
  EXPECT_FALSE(AcceptsRegistrationNumber("US"));
}

}  // namespace
}  // namespace bssflow::simulators::partner_center

#include "connectors/partner_center/request_bodies.h"

#include <gtest/gtest.h>

namespace bssflow::connectors::partner_center {
namespace {

nlohmann::ordered_json CustomerArguments() {
  return nlohmann::ordered_json::parse(R"({
    "domain_prefix": "NewCo", "company_name": "New Co", "email": "owner@newco.com",
    "first_name": "Jane", "last_name": "Doe", "phone": "4255550101",
    "address": {"line1": "1 Microsoft Way", "city": "Redmond", "state": "WA",
                "postal_code": "98052", "country": "us"}})");
}

TEST(CreateCustomerBodyTest, MapsArgumentsToPartnerCenterFields) {
  ArgumentReader args("partner_center.create_customer", CustomerArguments());
  RequestBody body = BuildCreateCustomerBody(args);
  ASSERT_FALSE(body.error.has_value()) << body.error->message;
  EXPECT_EQ(body.json, nlohmann::json::parse(R"({
    "companyProfile": {"domain": "newco.onmicrosoft.com"},
    "billingProfile": {"email": "owner@newco.com", "culture": "en-US",
      "language": "en", "companyName": "New Co",
      "defaultAddress": {"country": "US", "city": "Redmond",
        "addressLine1": "1 Microsoft Way", "firstName": "Jane",
        "lastName": "Doe", "postalCode": "98052", "state": "WA",
        "phoneNumber": "4255550101"}}})"));
}

TEST(CreateCustomerBodyTest, OptionalFieldsWhenGiven) {
  nlohmann::ordered_json arguments = CustomerArguments();
  arguments["address"]["line2"] = "Building 7";
  arguments["culture"] = "ru-RU";
  arguments["language"] = "RU";
  arguments["organization_registration_number"] = 1234567890;
  arguments["associated_partner_id"] = "a0000000-0000-4000-8000-000000000001";
  ArgumentReader args("partner_center.create_customer", arguments);
  RequestBody body = BuildCreateCustomerBody(args);
  ASSERT_FALSE(body.error.has_value());
  EXPECT_EQ(body.json["companyProfile"]["organizationRegistrationNumber"],
            "1234567890");
  EXPECT_EQ(body.json["associatedPartnerId"],
            "a0000000-0000-4000-8000-000000000001");
  EXPECT_EQ(body.json["billingProfile"]["culture"], "ru-RU");
  EXPECT_EQ(body.json["billingProfile"]["language"], "ru");
  EXPECT_EQ(body.json["billingProfile"]["defaultAddress"]["addressLine2"],
            "Building 7");
}

TEST(CreateCustomerBodyTest, MissingNestedArgumentNamesItsPath) {
  nlohmann::ordered_json arguments = CustomerArguments();
  arguments["address"].erase("city");
  ArgumentReader args("partner_center.create_customer", arguments);
  RequestBody body = BuildCreateCustomerBody(args);
  ASSERT_TRUE(body.error.has_value());
  EXPECT_EQ(body.error->kind, "invalid");
  EXPECT_EQ(body.error->message,
            "partner_center.create_customer: argument 'address.city' is "
            "required");
}

TEST(CreateCustomerBodyTest, WrongTypesAndDomainsAreRefused) {
  nlohmann::ordered_json arguments = CustomerArguments();
  arguments["address"] = "1 Microsoft Way, Redmond";
  ArgumentReader args("partner_center.create_customer", arguments);
  EXPECT_EQ(BuildCreateCustomerBody(args).error->message,
            "partner_center.create_customer: argument 'address' must be a "
            "map");
  arguments = CustomerArguments();
  arguments["domain_prefix"] = "newco.onmicrosoft.com";
  ArgumentReader dotted("partner_center.create_customer", arguments);
  EXPECT_EQ(BuildCreateCustomerBody(dotted).error->message,
            "partner_center.create_customer: argument 'domain_prefix' must be "
            "the bare prefix (\"newco\" for newco.onmicrosoft.com), got "
            "\"newco.onmicrosoft.com\"");
  arguments = CustomerArguments();
  arguments["email"] = nlohmann::ordered_json::array();
  ArgumentReader listed("partner_center.create_customer", arguments);
  EXPECT_EQ(BuildCreateCustomerBody(listed).error->message,
            "partner_center.create_customer: argument 'email' must be a "
            "string, got array");
}

TEST(CreateUserBodyTest, DefaultsDisplayNameAndForceChange) {
  ArgumentReader args("partner_center.create_user",
                      nlohmann::ordered_json::parse(R"({
    "customer_id": "c1", "user_principal_name": "jane@newco.onmicrosoft.com",
    "first_name": "Jane", "last_name": "Doe", "usage_location": "us"})"));
  RequestBody body = BuildCreateUserBody(args, "Secret-123");
  ASSERT_FALSE(body.error.has_value());
  EXPECT_EQ(body.json, nlohmann::json::parse(R"({
    "userPrincipalName": "jane@newco.onmicrosoft.com", "firstName": "Jane",
    "lastName": "Doe", "displayName": "Jane Doe", "usageLocation": "US",
    "passwordProfile": {"password": "Secret-123", "forceChangePassword": true},
    "attributes": {"objectType": "CustomerUser"}})"));
}

TEST(CreateUserBodyTest, MissingArgumentIsReportedWhateverThePassword) {
  ArgumentReader args("partner_center.create_user",
                      nlohmann::ordered_json::parse(R"({
    "customer_id": "c1", "user_principal_name": "jane@newco.onmicrosoft.com",
    "first_name": "Jane", "last_name": "Doe", "force_change_password": false})"));
  RequestBody body = BuildCreateUserBody(args, "Secret-123");
  ASSERT_TRUE(body.error.has_value());
  EXPECT_EQ(body.error->kind, "invalid");
  EXPECT_EQ(body.error->message,
            "partner_center.create_user: argument 'usage_location' is "
            "required");
}

}  // namespace
}  // namespace bssflow::connectors::partner_center

// Domain availability, address validation, country rules, resellers, MPN
// IDs and agreement status.
#include "simulators/partner_center/simulator_test_support.h"

namespace bssflow::simulators::partner_center {
namespace {

using testing::BodyJson;
using testing::ErrorBody;
using testing::SimulatorTest;
namespace http = boost::beast::http;

class LookupsTest : public SimulatorTest {
 protected:
  SimulatedResponse Get(const std::string& target) {
    return Call(http::verb::get, target, token_);
  }
  std::string token_ = AppToken();
};

TEST_F(LookupsTest, DomainIsTakenWhenAnyTenantOwnsIt) {
  for (const char* taken :
       {"contoso.onmicrosoft.com", "contoso.com", "CONTOSO.onmicrosoft.com",
        "tailspin.onmicrosoft.com", "tailspintoys.com"}) {
    const SimulatedResponse answer =
        Call(http::verb::head, std::string("/v1/domains/") + taken, token_);
    EXPECT_EQ(answer.response.result(), http::status::ok) << taken;
    EXPECT_EQ(answer.response.body(), "");
  }
  const SimulatedResponse free =
      Call(http::verb::head, "/v1/domains/newco.onmicrosoft.com", token_);
  EXPECT_EQ(free.response.result(), http::status::not_found);
  EXPECT_EQ(free.response.body(), "");
  EXPECT_EQ(free.response["Content-Length"], "0");
}

TEST_F(LookupsTest, AddressValidationAlwaysAnswers200WithAStatus) {
  auto validate = [this](nlohmann::json address) {
    const SimulatedResponse answer = Call(
        http::verb::post, "/v1/validations/address", token_, address.dump());
    EXPECT_EQ(answer.response.result(), http::status::ok);
    return BodyJson(answer);
  };
  const nlohmann::json good = validate({{"AddressLine1", "1 Microsoft Way"},
                                        {"City", "Redmond"},
                                        {"State", "WA"},
                                        {"PostalCode", "98052"},
                                        {"Country", "US"}});
  EXPECT_EQ(good,
            nlohmann::json({{"originalAddress",
                             {{"addressLine1", "1 Microsoft Way"},
                              {"addressLine2", ""},
                              {"city", "Redmond"},
                              {"state", "WA"},
                              {"postalCode", "98052"},
                              {"country", "US"}}},
                            {"suggestedAddresses", nlohmann::json::array()},
                            {"status", "Verified"},
                            {"validationMessage", "The address is valid."}}));
  const nlohmann::json bad_postal =
      validate({{"AddressLine1", "Unter den Linden 1"},
                {"City", "Berlin"},
                {"PostalCode", "1011"},
                {"Country", "DE"}});
  EXPECT_EQ(bad_postal["status"], "None");
  EXPECT_EQ(bad_postal["validationMessage"],
            "The postal code '1011' is not valid for DE.");
  const nlohmann::json unknown =
      validate({{"AddressLine1", "x"}, {"City", "y"}, {"Country", "ZZ"}});
  EXPECT_EQ(unknown["status"], "NotValidated");
  EXPECT_EQ(unknown["validationMessage"],
            "Addresses in country 'ZZ' are not validated.");
}

TEST_F(LookupsTest, CountryRulesCarryTheRecordedRegexes) {
  const nlohmann::json us = BodyJson(Get("/v1/countryvalidationrules/US"));
  EXPECT_EQ(us["iso2Code"], "US");
  EXPECT_EQ(us["postalCodeRegex"], "^\\d{5}(-\\d{4})?$");
  EXPECT_EQ(us["isStateRequired"], true);
  EXPECT_EQ(us["supportedStatesList"].size(), 51u);
  EXPECT_EQ(us["defaultCulture"], "en-US");
  EXPECT_EQ(BodyJson(Get("/v1/countryvalidationrules/de"))["postalCodeRegex"],
            "^[0-9]{5,5}$");
  EXPECT_EQ(BodyJson(Get("/v1/countryvalidationrules/CN"))["postalCodeRegex"],
            "^[0-9]{6,6}$");
  for (const char* iso2 :
       {"GB", "FR", "GR", "RU", "CA", "MX", "HU", "UA", "IN"}) {
    EXPECT_EQ(Get(std::string("/v1/countryvalidationrules/") + iso2)
                  .response.result(),
              http::status::ok)
        << iso2;
  }
  const SimulatedResponse unknown = Get("/v1/countryvalidationrules/ZZ");
  EXPECT_EQ(unknown.response.result(), http::status::not_found);
  EXPECT_EQ(BodyJson(unknown),
            ErrorBody(2004, "No country validation rules for 'ZZ'."));
}

TEST_F(LookupsTest, RelationshipsListTheIndirectResellers) {
  const nlohmann::json list = BodyJson(Get(
      "/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf"));
  ASSERT_EQ(list["items"].size(), 2u);
  EXPECT_EQ(list["items"][0],
            nlohmann::json(
                {{"id", "a0000000-0000-4000-8000-000000000001"},
                 {"name", "Adatum Reseller"},
                 {"relationshipType", "IsIndirectCloudSolutionProviderOf"},
                 {"state", "Active"},
                 {"mpnId", "1234567"},
                 {"attributes", {{"objectType", "PartnerRelationship"}}}}));
  EXPECT_EQ(list["items"][1]["mpnId"], "7654321");
  EXPECT_EQ(BodyJson(Get("/v1/relationships")),
            ErrorBody(2000,
                      "relationship_type must be "
                      "IsIndirectCloudSolutionProviderOf; got ''."));
}

TEST_F(LookupsTest, DirectPartnersHaveNoResellers) {
  PartnerCenterOptions options;
  options.mode = CspMode::kDirect;
  Restart(options);
  token_ = AppToken();
  EXPECT_EQ(BodyJson(Get("/v1/relationships?relationship_type="
                         "IsIndirectCloudSolutionProviderOf"))["items"],
            nlohmann::json::array());
}

TEST_F(LookupsTest, MpnProfiles) {
  EXPECT_EQ(BodyJson(Get("/v1/profiles/mpn?mpnId=1234567")),
            nlohmann::json({{"partnerName", "Adatum Reseller"},
                            {"mpnId", "1234567"},
                            {"profileType", "MpnProfile"},
                            {"attributes", {{"objectType", "MpnProfile"}}}}));
  EXPECT_EQ(BodyJson(Get("/v1/profiles/mpn"))["mpnId"], "9999999");
  const SimulatedResponse unknown = Get("/v1/profiles/mpn?mpnId=1111111");
  EXPECT_EQ(unknown.response.result(), http::status::not_found);
  EXPECT_EQ(
      BodyJson(unknown),
      ErrorBody(3000, "The partner with MPN ID '1111111' was not found."));
}

TEST_F(LookupsTest, AgreementStatusOfResellers) {
  const auto status = [this](const std::string& mpn_id) {
    return Get("/v1/compliance/csp/agreementstatus?mpnId=" + mpn_id);
  };
  EXPECT_EQ(BodyJson(status("1234567")),
            nlohmann::json({{"isAgreementSigned", true}}));
  EXPECT_EQ(BodyJson(status("7654321")),
            nlohmann::json({{"isAgreementSigned", false}}));
  const SimulatedResponse not_reseller = status("5555555");
  EXPECT_EQ(not_reseller.response.result(), http::status::bad_request);
  EXPECT_EQ(BodyJson(not_reseller),
            ErrorBody(800016,
                      "MPN ID '5555555' is not a valid indirect "
                      "reseller of this partner."));
  const SimulatedResponse unknown = status("1111111");
  EXPECT_EQ(unknown.response.result(), http::status::not_found);
  EXPECT_EQ(BodyJson(unknown),
            ErrorBody(800015, "MPN ID '1111111' was not found."));
  EXPECT_EQ(BodyJson(Get("/v1/compliance/csp/agreementstatus")),
            ErrorBody(2000, "The query parameter 'mpnId' is required."));
}

}  // namespace
}  // namespace bssflow::simulators::partner_center

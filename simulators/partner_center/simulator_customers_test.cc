// Creating, reading and searching customers; users and agreements.
#include <set>

#include "simulators/partner_center/simulator_test_support.h"

namespace bssflow::simulators::partner_center {
namespace {

using testing::BodyJson;
using testing::ErrorBody;
using testing::NewCustomerBody;
using testing::SimulatorTest;
namespace http = boost::beast::http;

constexpr char kContosoId[] = "c0000000-0000-4000-8000-000000000001";
constexpr char kTreyId[] = "c0000000-0000-4000-8000-000000000002";
constexpr char kTailspinId[] = "c0000000-0000-4000-8000-000000000004";
constexpr char kAdatumId[] = "a0000000-0000-4000-8000-000000000001";
constexpr char kLitwareId[] = "a0000000-0000-4000-8000-000000000002";
constexpr char kProsewareId[] = "a0000000-0000-4000-8000-000000000003";
constexpr char kDomainTaken[] =
    "The domain specified during customer creation is already used by "
    "another tenant.";

class CustomersTest : public SimulatorTest {
 protected:
  std::string app_ = AppToken();
  std::string user_ = UserToken();
};

std::vector<std::string> Domains(const nlohmann::json& collection) {
  std::vector<std::string> domains;
  for (const auto& item : collection["items"]) {
    domains.push_back(item["companyProfile"]["domain"]);
  }
  return domains;
}

TEST_F(CustomersTest, CreateAnswers201WithTheCustomerAndAdminCredentials) {
  const SimulatedResponse answer =
      Create(NewCustomerBody("newco.onmicrosoft.com"), app_, "req-1");
  ASSERT_EQ(answer.response.result(), http::status::created)
      << answer.response.body();
  nlohmann::json body = BodyJson(answer);
  const std::string id = body["id"];
  EXPECT_EQ(answer.response["Location"], "/v1/customers/" + id);
  EXPECT_EQ(body["companyProfile"],
            nlohmann::json(
                {{"tenantId", id},
                 {"domain", "newco.onmicrosoft.com"},
                 {"companyName", "New Co"},
                 {"attributes", {{"objectType", "CustomerCompanyProfile"}}}}));
  EXPECT_EQ(body["billingProfile"]["defaultAddress"],
            nlohmann::json({{"country", "US"},
                            {"city", "Redmond"},
                            {"state", "WA"},
                            {"addressLine1", "1 Microsoft Way"},
                            {"postalCode", "98052"},
                            {"firstName", "Jane"},
                            {"lastName", "Doe"},
                            {"phoneNumber", "4255550101"}}));
  EXPECT_EQ(body["billingProfile"]["email"], "owner@example.com");
  EXPECT_EQ(body["userCredentials"]["userName"], "admin");
  const std::string password = body["userCredentials"]["password"];
  EXPECT_EQ(password.size(), 9u);
  EXPECT_EQ(body["relationshipToPartner"], "reseller");
  EXPECT_EQ(body["attributes"]["objectType"], "Customer");
  EXPECT_FALSE(body.contains("associatedPartnerId"));
  // Readable afterwards, without credentials.
  const nlohmann::json read =
      BodyJson(Call(http::verb::get, "/v1/customers/" + id, app_));
  body.erase("userCredentials");
  EXPECT_EQ(read, body);
}

TEST_F(CustomersTest, TenantIdsAreDeterministicFromTheSeed) {
  auto create_id = [this] {
    return BodyJson(Create(NewCustomerBody("newco.onmicrosoft.com"),
                           AppToken()))["id"]
        .get<std::string>();
  };
  const std::string first = create_id();
  Restart(PartnerCenterOptions{});
  EXPECT_EQ(create_id(), first);
  PartnerCenterOptions other;
  other.seed = 2;
  Restart(other);
  EXPECT_NE(create_id(), first);
  EXPECT_EQ(first.size(), 36u);
  EXPECT_EQ(first[14], '4');
}

TEST_F(CustomersTest, TheSameRequestIdReturnsTheSameCustomer) {
  const nlohmann::json body = NewCustomerBody("newco.onmicrosoft.com");
  const SimulatedResponse first = Create(body, app_, "req-1");
  const SimulatedResponse again = Create(body, app_, "req-1");
  EXPECT_EQ(again.response.result(), http::status::created);
  EXPECT_EQ(again.response.body(), first.response.body());
  EXPECT_EQ(sim_->Snapshot().tenants.size(), 6u);
  // A new request id for the same domain is refused.
  const SimulatedResponse fresh = Create(body, app_, "req-2");
  EXPECT_EQ(fresh.response.result(), http::status::conflict);
  EXPECT_EQ(BodyJson(fresh), ErrorBody(2003, kDomainTaken));
}

TEST_F(CustomersTest, TakenDomainsAreRefusedAccessibleOrNot) {
  for (const char* domain :
       {"contoso.onmicrosoft.com", "TAILSPIN.onmicrosoft.com"}) {
    const SimulatedResponse answer = Create(NewCustomerBody(domain), app_);
    EXPECT_EQ(answer.response.result(), http::status::conflict) << domain;
    EXPECT_EQ(BodyJson(answer), ErrorBody(2003, kDomainTaken)) << domain;
  }
}

TEST_F(CustomersTest, FieldNamesAreCaseInsensitive) {
  const nlohmann::json body = nlohmann::json::parse(
      std::string(R"({"companyprofile": {"DOMAIN": "lower.onmicrosoft.com"},
        "billingprofile": {"email": "a@b.c", "culture": "en-US",
          "language": "en", "companyname": "Lower",
          "defaultaddress": {"country": "us", "city": "Austin",
            "state": "tx", "addressline1": "1 Main St",
            "postalcode": "73301", "firstname": "A", "lastname": "B"}}})"));
  const SimulatedResponse answer = Create(body, app_);
  ASSERT_EQ(answer.response.result(), http::status::created)
      << answer.response.body();
  EXPECT_EQ(BodyJson(answer)["billingProfile"]["defaultAddress"]["country"],
            "US");
}

// Sets `path` (a JSON pointer) in a valid body and expects `code`/`text`.
struct Invalid {
  std::string pointer;
  nlohmann::json value;
  int code;
  std::string description;
};

TEST_F(CustomersTest, InvalidBodiesGetTheFirstErrorWithItsCode) {
  const std::string long_name(257, 'x');
  const Invalid cases[] = {
      {"/CompanyProfile/Domain", "newco.com", 2000,
       "companyProfile.domain 'newco.com' is not valid: use "
       "<prefix>.onmicrosoft.com, where the prefix has 1-27 letters or "
       "digits."},
      {"/CompanyProfile/Domain", "new-co.onmicrosoft.com", 2000,
       "companyProfile.domain 'new-co.onmicrosoft.com' is not valid: use "
       "<prefix>.onmicrosoft.com, where the prefix has 1-27 letters or "
       "digits."},
      {"/BillingProfile/Email", "nobody", 2000,
       "billingProfile.email 'nobody' is not a valid email address."},
      {"/BillingProfile/Culture", "english", 2000,
       "billingProfile.culture 'english' is not a culture such as en-US."},
      {"/BillingProfile/CompanyName", long_name, 2000,
       "billingProfile.companyName must be 1-256 characters long; got 257."},
      {"/BillingProfile/DefaultAddress/Country", "USA", 2000,
       "defaultAddress.country 'USA' is not an ISO 3166 alpha-2 country "
       "code."},
      {"/BillingProfile/DefaultAddress/FirstName", std::string(51, 'n'), 2000,
       "defaultAddress.firstName must be 1-50 characters long; got 51."},
      {"/BillingProfile/DefaultAddress/AddressLine1", "", 2000,
       "defaultAddress.addressLine1 must be 1-200 characters long; got 0."},
      {"/BillingProfile/DefaultAddress/State", "XX", 2000,
       "defaultAddress.state 'XX' is not a valid state for country US."},
      {"/BillingProfile/DefaultAddress/PostalCode", "9805", 2000,
       "defaultAddress.postalCode '9805' is not valid for country US "
       "(expected ^\\d{5}(-\\d{4})?$)."},
  };
  for (const Invalid& c : cases) {
    nlohmann::json body = NewCustomerBody("newco.onmicrosoft.com");
    body[nlohmann::json::json_pointer(c.pointer)] = c.value;
    const SimulatedResponse answer = Create(body, app_);
    EXPECT_EQ(answer.response.result(), http::status::bad_request) << c.pointer;
    EXPECT_EQ(BodyJson(answer), ErrorBody(c.code, c.description)) << c.pointer;
  }
  const SimulatedResponse not_json =
      Call(http::verb::post, "/v1/customers", app_, "{oops");
  EXPECT_EQ(BodyJson(not_json),
            ErrorBody(2000, "The request body must be a JSON object."));
  EXPECT_EQ(BodyJson(Create(nlohmann::json::object(), app_)),
            ErrorBody(2000, "companyProfile is required."));
  EXPECT_EQ(sim_->Snapshot().tenants.size(), 5u);
}

nlohmann::json RussianBody() {
  nlohmann::json body = NewCustomerBody("rusco.onmicrosoft.com");
  auto& address = body["BillingProfile"]["DefaultAddress"];
  address["Country"] = "RU";
  address["City"] = "Moscow";
  address.erase("State");
  address["PostalCode"] = "101000";
  body["BillingProfile"]["Culture"] = "ru-RU";
  body["BillingProfile"]["Language"] = "ru";
  return body;
}

TEST_F(CustomersTest, CountryMandatesPhoneAndRegistrationNumber) {
  nlohmann::json body = RussianBody();
  body["BillingProfile"]["DefaultAddress"].erase("PhoneNumber");
  EXPECT_EQ(BodyJson(Create(body, app_)),
            ErrorBody(600051,
                      "defaultAddress.phoneNumber is required for customers "
                      "in RU."));
  body = RussianBody();
  EXPECT_EQ(BodyJson(Create(body, app_)),
            ErrorBody(600049,
                      "companyProfile.organizationRegistrationNumber is "
                      "required for customers in RU."));
  body["CompanyProfile"]["OrganizationRegistrationNumber"] = "1027700132195";
  const SimulatedResponse created = Create(body, app_);
  ASSERT_EQ(created.response.result(), http::status::created);
  EXPECT_EQ(
      BodyJson(created)["companyProfile"]["organizationRegistrationNumber"],
      "1027700132195");
  nlohmann::json us = NewCustomerBody("usco.onmicrosoft.com");
  us["CompanyProfile"]["OrganizationRegistrationNumber"] = "123";
  EXPECT_EQ(BodyJson(Create(us, app_)),
            ErrorBody(600050,
                      "companyProfile.organizationRegistrationNumber must "
                      "not be sent for customers in US."));
}

TEST_F(CustomersTest, IndirectResellerCustomersNeedAppUserAndAValidReseller) {
  nlohmann::json body = NewCustomerBody("resold.onmicrosoft.com");
  body["AssociatedPartnerId"] = kAdatumId;
  const SimulatedResponse app_only = Create(body, app_);
  EXPECT_EQ(app_only.response.result(), http::status::forbidden);
  EXPECT_EQ(BodyJson(app_only),
            ErrorBody(600006,
                      "The requested action is not allowed: creating a "
                      "customer for an indirect reseller (associatedPartnerId) "
                      "needs an App+User token (refresh_token grant), not an "
                      "app-only token."));
  body["AssociatedPartnerId"] = kLitwareId;
  const SimulatedResponse unsigned_agreement = Create(body, user_);
  EXPECT_EQ(unsigned_agreement.response.result(), http::status::forbidden);
  EXPECT_EQ(BodyJson(unsigned_agreement),
            ErrorBody(900123,
                      "The indirect reseller 'Litware Reseller' has not "
                      "accepted the partner agreement."));
  body["AssociatedPartnerId"] = kProsewareId;
  EXPECT_EQ(
      BodyJson(Create(body, user_)),
      ErrorBody(800016, "associatedPartnerId '" + std::string(kProsewareId) +
                            "' is not the tenant id of an indirect "
                            "reseller of this partner."));
  body["AssociatedPartnerId"] = kAdatumId;
  const SimulatedResponse created = Create(body, user_);
  ASSERT_EQ(created.response.result(), http::status::created);
  EXPECT_EQ(BodyJson(created)["associatedPartnerId"], kAdatumId);
}

TEST_F(CustomersTest, DirectPartnersCannotNameAReseller) {
  PartnerCenterOptions options;
  options.mode = CspMode::kDirect;
  Restart(options);
  nlohmann::json body = NewCustomerBody("resold.onmicrosoft.com");
  body["AssociatedPartnerId"] = kAdatumId;
  const SimulatedResponse answer = Create(body, UserToken());
  EXPECT_EQ(answer.response.result(), http::status::bad_request);
  EXPECT_EQ(BodyJson(answer),
            ErrorBody(800016,
                      "associatedPartnerId is only for indirect providers; "
                      "this partner is a direct CSP."));
}

TEST_F(CustomersTest, InaccessibleAndUnknownCustomersAre404) {
  for (const std::string& id :
       {std::string(kTailspinId), std::string("nope")}) {
    const SimulatedResponse answer =
        Call(http::verb::get, "/v1/customers/" + id, app_);
    EXPECT_EQ(answer.response.result(), http::status::not_found);
    EXPECT_EQ(BodyJson(answer),
              ErrorBody(60003, "The customer '" + id +
                                   "' was not found, or this partner has no "
                                   "relationship with it."));
  }
  const nlohmann::json contoso = BodyJson(
      Call(http::verb::get, std::string("/v1/customers/") + kContosoId, app_));
  EXPECT_EQ(contoso["companyProfile"]["domain"], "contoso.com");
  EXPECT_EQ(contoso["companyProfile"]["companyName"], "Contoso Ltd");
}

TEST_F(CustomersTest, ListShowsOnlyAccessibleCustomers) {
  const nlohmann::json all =
      BodyJson(Call(http::verb::get, "/v1/customers", app_));
  EXPECT_EQ(Domains(all), (std::vector<std::string>{
                              "contoso.com", "treyresearch.onmicrosoft.com",
                              "contosobikes.onmicrosoft.com"}));
  EXPECT_EQ(all["totalCount"], 3);
  EXPECT_EQ(all["attributes"]["objectType"], "Collection");
  EXPECT_FALSE(all.contains("continuationToken"));
}

std::string Filter(const std::string& field, const std::string& value,
                   const std::string& op = "starts_with") {
  return "/v1/customers?size=100&filter=" +
         PercentEncode(
             nlohmann::json(
                 {{"Field", field}, {"Value", value}, {"Operator", op}})
                 .dump());
}

TEST_F(CustomersTest, FiltersMatchPrefixesIgnoringCase) {
  auto domains = [this](const std::string& target) {
    return Domains(BodyJson(Call(http::verb::get, target, app_)));
  };
  EXPECT_EQ(domains(Filter("Domain", "CONTOSO")),
            (std::vector<std::string>{"contoso.com",
                                      "contosobikes.onmicrosoft.com"}));
  EXPECT_EQ(domains(Filter("Domain", "contoso.com")),
            (std::vector<std::string>{"contoso.com"}));
  // Tailspin's domain is taken, but no search finds it.
  EXPECT_EQ(domains(Filter("Domain", "tailspin")), std::vector<std::string>{});
  EXPECT_EQ(domains(Filter("CompanyName", "trey")),
            (std::vector<std::string>{"treyresearch.onmicrosoft.com"}));
  EXPECT_EQ(domains(Filter("IndirectReseller", kAdatumId)),
            (std::vector<std::string>{"treyresearch.onmicrosoft.com"}));
  // Names are read case-insensitively, the filter travels url-encoded.
  EXPECT_EQ(
      domains(
          "/v1/customers?filter=" +
          PercentEncode(
              R"({"field":"domain","value":"TREY","operator":"STARTS_WITH"})")),
      (std::vector<std::string>{"treyresearch.onmicrosoft.com"}));
}

TEST_F(CustomersTest, BadSearchParametersAre400) {
  const std::pair<std::string, std::string> cases[] = {
      {Filter("Domain", "c", "equals"),
       "filter Operator 'equals' is not supported: use starts_with."},
      {Filter("Country", "c"),
       "filter Field 'Country' is not supported: use Domain, CompanyName or "
       "IndirectReseller."},
      {"/v1/customers?filter=%7Bnot",
       "filter must be JSON such as {\"Field\": \"Domain\", \"Value\": "
       "\"contoso\", \"Operator\": \"starts_with\"}."},
      {"/v1/customers?size=0",
       "size must be an integer from 1 to 500; got '0'."},
      {"/v1/customers?size=501",
       "size must be an integer from 1 to 500; got '501'."},
      {"/v1/customers?seekOperation=Next",
       "MS-ContinuationToken is missing or unknown: send the "
       "continuationToken of the previous page."},
  };
  for (const auto& [target, description] : cases) {
    const SimulatedResponse answer = Call(http::verb::get, target, app_);
    EXPECT_EQ(answer.response.result(), http::status::bad_request) << target;
    EXPECT_EQ(BodyJson(answer), ErrorBody(2000, description)) << target;
  }
}

TEST_F(CustomersTest, PagesFollowTheContinuationToken) {
  const nlohmann::json first =
      BodyJson(Call(http::verb::get, "/v1/customers?size=2", app_));
  EXPECT_EQ(Domains(first), (std::vector<std::string>{
                                "contoso.com", "treyresearch.onmicrosoft.com"}));
  EXPECT_EQ(first["totalCount"], 2);
  const std::string token = first["continuationToken"];
  EXPECT_EQ(first["links"]["next"],
            nlohmann::json({{"uri", "/customers?seekOperation=Next"},
                            {"method", "GET"},
                            {"headers", nlohmann::json::array({nlohmann::json{
                                            {"key", "MS-ContinuationToken"},
                                            {"value", token}}})}}));
  HttpRequest next = testing::MakeRequest(
      http::verb::get, "/v1/customers?seekOperation=Next", "",
      {{"Authorization", "Bearer " + app_}, {"MS-ContinuationToken", token}});
  const nlohmann::json second = BodyJson(Send(next));
  EXPECT_EQ(Domains(second),
            (std::vector<std::string>{"contosobikes.onmicrosoft.com"}));
  EXPECT_FALSE(second.contains("continuationToken"));
  EXPECT_FALSE(second["links"].contains("next"));
}

TEST_F(CustomersTest, UsersOfACustomer) {
  const std::string users =
      std::string("/v1/customers/") + kContosoId + "/users";
  const nlohmann::json listed = BodyJson(Call(http::verb::get, users, app_));
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(listed["items"][0]["userPrincipalName"],
            "admin@contoso.onmicrosoft.com");
  const nlohmann::json user = {
      {"UsageLocation", "GB"},
      {"UserPrincipalName", "Jane@Contoso.com"},
      {"FirstName", "Jane"},
      {"LastName", "Doe"},
      {"DisplayName", "Jane Doe"},
      {"PasswordProfile",
       {{"Password", "Str0ngPass!"}, {"ForceChangePassword", true}}},
      {"Attributes", {{"ObjectType", "CustomerUser"}}}};
  const SimulatedResponse app_only =
      Call(http::verb::post, users, app_, user.dump());
  EXPECT_EQ(app_only.response.result(), http::status::forbidden);
  EXPECT_EQ(BodyJson(app_only),
            ErrorBody(600006,
                      "The requested action is not allowed: creating users "
                      "needs an App+User token (refresh_token grant), not an "
                      "app-only token."));
  const SimulatedResponse created =
      Call(http::verb::post, users, user_, user.dump(), "user-req-1");
  ASSERT_EQ(created.response.result(), http::status::ok)
      << created.response.body();
  nlohmann::json body = BodyJson(created);
  body.erase("id");
  EXPECT_EQ(body,
            nlohmann::json({{"userPrincipalName", "jane@contoso.com"},
                            {"firstName", "Jane"},
                            {"lastName", "Doe"},
                            {"displayName", "Jane Doe"},
                            {"usageLocation", "GB"},
                            {"state", "active"},
                            {"userDomainType", "none"},
                            {"attributes", {{"objectType", "CustomerUser"}}}}));
  // Same request id: the same user again; new request id: a conflict.
  EXPECT_EQ(Call(http::verb::post, users, user_, user.dump(), "user-req-1")
                .response.body(),
            created.response.body());
  const SimulatedResponse duplicate =
      Call(http::verb::post, users, user_, user.dump(), "user-req-2");
  EXPECT_EQ(BodyJson(duplicate),
            ErrorBody(2003,
                      "A user with userPrincipalName 'jane@contoso.com' "
                      "already exists in this customer."));
  EXPECT_EQ(BodyJson(Call(http::verb::get, users, app_))["totalCount"], 2);
}

TEST_F(CustomersTest, UserChecks) {
  const std::string users =
      std::string("/v1/customers/") + kTreyId + "/users";
  nlohmann::json user = {{"userPrincipalName", "bob@elsewhere.com"},
                         {"displayName", "Bob"},
                         {"usageLocation", "US"},
                         {"passwordProfile", {{"password", "Str0ngPass!"}}}};
  EXPECT_EQ(BodyJson(Call(http::verb::post, users, user_, user.dump())),
            ErrorBody(2000,
                      "userPrincipalName 'bob@elsewhere.com' must be "
                      "name@domain with one of the customer's "
                      "domains."));
  user["userPrincipalName"] = "bob@treyresearch.onmicrosoft.com";
  user["passwordProfile"]["password"] = "short";
  EXPECT_EQ(BodyJson(Call(http::verb::post, users, user_, user.dump())),
            ErrorBody(2000,
                      "passwordProfile.password must have at least 8 "
                      "characters."));
  EXPECT_EQ(Call(http::verb::get,
                 std::string("/v1/customers/") + kTailspinId + "/users", app_)
                .response.result(),
            http::status::not_found);
}

TEST_F(CustomersTest, MicrosoftCustomerAgreement) {
  const nlohmann::json templates = BodyJson(
      Call(http::verb::get,
           "/v1/agreements?agreementType=MicrosoftCustomerAgreement", app_));
  ASSERT_EQ(templates["items"].size(), 1u);
  const std::string template_id = templates["items"][0]["templateId"];
  nlohmann::json agreement = {{"primaryContact",
                               {{"firstName", "Jane"},
                                {"lastName", "Doe"},
                                {"email", "jane@contoso.com"}}},
                              {"dateAgreed", "2024-01-01T00:00:00Z"},
                              {"templateId", template_id},
                              {"type", "MicrosoftCustomerAgreement"}};
  const std::string path =
      std::string("/v1/customers/") + kContosoId + "/agreements";
  const SimulatedResponse created =
      Call(http::verb::post, path, app_, agreement.dump());
  EXPECT_EQ(created.response.result(), http::status::created);
  agreement["attributes"] = {{"objectType", "Agreement"}};
  EXPECT_EQ(BodyJson(created), agreement);
  EXPECT_EQ(sim_->Snapshot().FindTenant(kContosoId)->agreements.size(), 1u);
  agreement["templateId"] = "other";
  EXPECT_EQ(
      BodyJson(Call(http::verb::post, path, app_, agreement.dump())),
      ErrorBody(2000,
                "templateId 'other' is not the current Microsoft "
                "Customer Agreement template: get it from GET "
                "/v1/agreements?agreementType=MicrosoftCustomerAgreement."));
}

}  // namespace
}  // namespace bssflow::simulators::partner_center

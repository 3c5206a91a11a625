#include "connectors/partner_center/request_bodies.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "connectors/partner_center/error_mapping.h"

namespace bssflow::connectors::partner_center {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
    return static_cast<char>(std::tolower(c));
  });
  return text;
}

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
    return static_cast<char>(std::toupper(c));
  });
  return text;
}

// Sets `name` only when `value` is not empty.
void SetIfGiven(nlohmann::json& object, const char* name, std::string value) {
  if (!value.empty()) object[name] = std::move(value);
}

RequestBody Finish(ArgumentReader& args, nlohmann::json json) {
  if (args.error().has_value()) return {nlohmann::json(), args.error()};
  return {std::move(json), std::nullopt};
}

// billingProfile.defaultAddress: the address argument plus the contact.
nlohmann::json DefaultAddress(ArgumentReader& args) {
  nlohmann::json address = {
      {"country", Upper(args.Required("address.country"))},
      {"city", args.Required("address.city")},
      {"addressLine1", args.Required("address.line1")},
      {"firstName", args.Required("first_name")},
      {"lastName", args.Required("last_name")},
  };
  SetIfGiven(address, "postalCode", args.Optional("address.postal_code"));
  SetIfGiven(address, "state", args.Optional("address.state"));
  SetIfGiven(address, "addressLine2", args.Optional("address.line2"));
  SetIfGiven(address, "phoneNumber", args.Optional("phone"));
  return address;
}

}  // namespace

RequestBody BuildCreateCustomerBody(ArgumentReader& args) {
  std::string prefix = Lower(args.Required("domain_prefix"));
  if (prefix.find('.') != std::string::npos) {
    return {nlohmann::json(),
            InvalidArgument("partner_center.create_customer: argument "
                            "'domain_prefix' must be the bare prefix "
                            "(\"newco\" for newco.onmicrosoft.com), got \"" +
                            prefix + "\"")};
  }
  nlohmann::json company = {{"domain", prefix + ".onmicrosoft.com"}};
  SetIfGiven(company, "organizationRegistrationNumber",
             args.Optional("organization_registration_number"));
  nlohmann::json billing = {
      {"email", args.Required("email")},
      {"culture", args.Optional("culture", "en-US")},
      {"language", Lower(args.Optional("language", "en"))},
      {"companyName", args.Required("company_name")},
  };
  billing["defaultAddress"] = DefaultAddress(args);
  nlohmann::json body = {{"companyProfile", std::move(company)},
                         {"billingProfile", std::move(billing)}};
  SetIfGiven(body, "associatedPartnerId",
             args.Optional("associated_partner_id"));
  return Finish(args, std::move(body));
}

RequestBody BuildCreateUserBody(ArgumentReader& args,
                                const std::string& password) {
  std::string first = args.Required("first_name");
  std::string last = args.Required("last_name");
  nlohmann::json body = {
      {"userPrincipalName", args.Required("user_principal_name")},
      {"firstName", first},
      {"lastName", last},
      {"displayName", args.Optional("display_name", first + " " + last)},
      {"usageLocation", Upper(args.Required("usage_location"))},
      {"passwordProfile",
       {{"password", password},
        {"forceChangePassword",
         args.OptionalBool("force_change_password", true)}}},
      {"attributes", {{"objectType", "CustomerUser"}}},
  };
  return Finish(args, std::move(body));
}

RequestBody BuildAddressBody(ArgumentReader& args) {
  nlohmann::json body = {
      {"addressLine1", args.Optional("address.line1")},
      {"addressLine2", args.Optional("address.line2")},
      {"city", args.Optional("address.city")},
      {"state", args.Optional("address.state")},
      {"postalCode", args.Optional("address.postal_code")},
      {"country", Upper(args.Required("address.country"))},
  };
  return Finish(args, std::move(body));
}

RequestBody BuildAgreementBody(ArgumentReader& args,
                               const std::string& template_id,
                               const std::string& date_agreed) {
  nlohmann::json contact = {
      {"firstName", args.Required("first_name")},
      {"lastName", args.Required("last_name")},
      {"email", args.Required("email")},
  };
  SetIfGiven(contact, "phoneNumber", args.Optional("phone"));
  nlohmann::json body = {
      {"primaryContact", std::move(contact)},
      {"dateAgreed", args.Optional("date_agreed", date_agreed)},
      {"templateId", template_id},
      {"type", "MicrosoftCustomerAgreement"},
  };
  return Finish(args, std::move(body));
}

}  // namespace bssflow::connectors::partner_center

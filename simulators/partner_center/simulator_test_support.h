// Test helpers for the Partner Center simulator: building requests, a fake
// clock, signing in, and reading JSON answers. Tests only.
#ifndef BSSFLOW_SIMULATORS_PARTNER_CENTER_SIMULATOR_TEST_SUPPORT_H_
#define BSSFLOW_SIMULATORS_PARTNER_CENTER_SIMULATOR_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "simulators/partner_center/partner_center_simulator.h"
#include "simulators/partner_center/request_target.h"

namespace bssflow::simulators::partner_center::testing {

namespace http = boost::beast::http;

/// A request with the given method, target, body and headers.
inline HttpRequest MakeRequest(
    http::verb method, const std::string& target, const std::string& body = "",
    std::initializer_list<std::pair<std::string, std::string>> headers = {}) {
  HttpRequest request{method, target, 11};
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = body;
  request.prepare_payload();
  return request;
}

/// The body of `response` as JSON (null when empty or not JSON).
inline nlohmann::json BodyJson(const SimulatedResponse& response) {
  return nlohmann::json::parse(response.response.body(), nullptr, false);
}

/// A valid create-customer body for `domain` (US address).
inline nlohmann::json NewCustomerBody(const std::string& domain) {
  return {{"CompanyProfile", {{"Domain", domain}}},
          {"BillingProfile",
           {{"Email", "owner@example.com"},
            {"Culture", "en-US"},
            {"Language", "en"},
            {"CompanyName", "New Co"},
            {"DefaultAddress",
             {{"Country", "US"},
              {"City", "Redmond"},
              {"State", "WA"},
              {"AddressLine1", "1 Microsoft Way"},
              {"PostalCode", "98052"},
              {"FirstName", "Jane"},
              {"LastName", "Doe"},
              {"PhoneNumber", "4255550101"}}}}}};
}

/// A fixture with a simulator on a fake clock, starting at 2024-01-01.
class SimulatorTest : public ::testing::Test {
 protected:
  SimulatorTest() { Restart(PartnerCenterOptions{}); }

  /// Replaces the simulator by a fresh one with `options` (clock set to the
  /// fixture's fake clock).
  void Restart(PartnerCenterOptions options) {
    options.clock = [this] { return now_; };
    sim_ = std::make_unique<PartnerCenterSimulator>(std::move(options));
  }

  SimulatedResponse Send(const HttpRequest& request) {
    return sim_->Handle(request);
  }

  /// Signs in with the given form body; returns the access token ("" when
  /// the answer is not 200).
  std::string SignIn(const std::string& form) {
    const SimulatedResponse answer = Send(
        MakeRequest(http::verb::post, "/common/oauth2/token", form,
                    {{"Content-Type", "application/x-www-form-urlencoded"}}));
    if (answer.response.result() != http::status::ok) return "";
    return BodyJson(answer).value("access_token", "");
  }

  /// An app-only token (client_credentials).
  std::string AppToken() {
    return SignIn("grant_type=client_credentials&client_id=" +
                  std::string(kDemoClientId) +
                  "&client_secret=" + std::string(kDemoClientSecret) +
                  "&resource=" + PercentEncode(kPartnerCenterResource));
  }

  /// An App+User token (refresh_token grant).
  std::string UserToken() {
    return SignIn(
        "grant_type=refresh_token&client_id=" + std::string(kDemoClientId) +
        "&refresh_token=" + std::string(kDemoRefreshToken) +
        "&resource=" + PercentEncode(kPartnerCenterResource));
  }

  /// A Partner Center call with a bearer token and an MS-RequestId.
  SimulatedResponse Call(http::verb method, const std::string& target,
                         const std::string& token, const std::string& body = "",
                         const std::string& request_id = "") {
    HttpRequest request = MakeRequest(
        method, target, body,
        {{"Authorization", "Bearer " + token}, {"Accept", "application/json"}});
    if (!request_id.empty()) request.set("MS-RequestId", request_id);
    return Send(request);
  }

  /// Creates a customer with `body`.
  SimulatedResponse Create(const nlohmann::json& body, const std::string& token,
                           const std::string& request_id = "") {
    return Call(http::verb::post, "/v1/customers", token, body.dump(),
                request_id);
  }

  std::chrono::system_clock::time_point now_ =
      std::chrono::system_clock::time_point(std::chrono::seconds(1704067200));
  std::unique_ptr<PartnerCenterSimulator> sim_;
};

/// The Partner Center error body {code, description, data: [], source}.
inline nlohmann::json ErrorBody(int code, const std::string& description) {
  return {{"code", code},
          {"description", description},
          {"data", nlohmann::json::array()},
          {"source", "PartnerFD"}};
}

}  // namespace bssflow::simulators::partner_center::testing

#endif  // BSSFLOW_SIMULATORS_PARTNER_CENTER_SIMULATOR_TEST_SUPPORT_H_

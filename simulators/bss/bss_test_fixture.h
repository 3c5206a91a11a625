// Test fixture for the BSS simulator tests: a simulator over the demo data
// with a fake clock (starting 2024-05-01T12:00:00Z), and helpers that build
// requests, obtain a token and read JSON bodies. Tests call Handle() directly.
#ifndef BSSFLOW_SIMULATORS_BSS_BSS_TEST_FIXTURE_H_
#define BSSFLOW_SIMULATORS_BSS_BSS_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "simulators/bss/bss_simulator.h"

namespace bssflow::simulators::bss {

namespace http = boost::beast::http;

class BssSimulatorTest : public ::testing::Test {
 protected:
  BssSimulatorTest() { Restart(DemoSeed()); }

  /// A fresh simulator over `state` on the fake clock.
  void Restart(BssState state) {
    BssSimulatorOptions options;
    options.clock = [this] { return now_; };
    sim_ = std::make_unique<BssSimulator>(std::move(state), options);
    token_.clear();
  }

  /// A request with a bearer token (obtained on first use) unless
  /// `with_token` is false.
  HttpRequest Request(http::verb method, const std::string& target,
                      const std::string& body = "", bool with_token = true) {
    HttpRequest request{method, target, 11};
    if (with_token)
      request.set(http::field::authorization, "Bearer " + Token());
    if (!body.empty())
      request.set(http::field::content_type, "application/json");
    request.body() = body;
    request.prepare_payload();
    return request;
  }

  SimulatedResponse Send(http::verb method, const std::string& target,
                         const std::string& body = "") {
    return sim_->Handle(Request(method, target, body));
  }

  /// The password-grant token request with the demo credentials.
  HttpRequest TokenRequest(const std::string& basic, const std::string& form) {
    HttpRequest request{http::verb::post, "/oauth/token", 11};
    request.set(http::field::authorization, "Basic " + basic);
    request.set(http::field::content_type, "application/x-www-form-urlencoded");
    request.body() = form;
    request.prepare_payload();
    return request;
  }

  /// base64("bssflow-demo-client:bssflow-demo-secret").
  static constexpr const char* kDemoBasic =
      "YnNzZmxvdy1kZW1vLWNsaWVudDpic3NmbG93LWRlbW8tc2VjcmV0";
  static constexpr const char* kDemoForm =
      "grant_type=password&username=integration%40bss.example&password=demo-"
      "password";

  const std::string& Token() {
    if (token_.empty()) {
      SimulatedResponse response =
          sim_->Handle(TokenRequest(kDemoBasic, kDemoForm));
      token_ = Body(response)["access_token"].get<std::string>();
    }
    return token_;
  }

  static nlohmann::json Body(const SimulatedResponse& response) {
    return nlohmann::json::parse(response.response.body());
  }

  static int Status(const SimulatedResponse& response) {
    return static_cast<int>(response.response.result_int());
  }

  static std::string Header(const SimulatedResponse& response,
                            http::field field) {
    return std::string(response.response[field]);
  }

  /// The RFC 7807 body the simulator sends for `slug`.
  static nlohmann::json Problem(const std::string& slug,
                                const std::string& title, int status,
                                const std::string& detail,
                                const std::string& instance) {
    return {{"type", "urn:bss:problem:" + slug},
            {"title", title},
            {"status", status},
            {"detail", detail},
            {"instance", instance}};
  }

  /// 2024-05-01T12:00:00Z, moved by tests to expire tokens.
  TimePoint now_ = TimePoint(std::chrono::seconds(1714564800));
  std::unique_ptr<BssSimulator> sim_;
  std::string token_;
};

}  // namespace bssflow::simulators::bss

#endif  // BSSFLOW_SIMULATORS_BSS_BSS_TEST_FIXTURE_H_

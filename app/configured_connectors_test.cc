#include "app/configured_connectors.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace bssflow::app {
namespace {

ConnectorsConfig BothServices() {
  ConnectorsConfig config;
  auto& pc = config.partner_center.emplace();
  pc.api_base_url = "http://127.0.0.1:9";
  pc.login_base_url = "http://127.0.0.1:9";
  pc.client_id = "app";
  pc.client_secret = "secret";
  auto& bss = config.bss.emplace();
  bss.base_url = "http://127.0.0.1:9";
  bss.client_key = "key";
  bss.client_secret = "secret";
  bss.username = "user";
  bss.password = "password";
  return config;
}

// Making connectors connects nowhere: the io_context is never run.
class ConfiguredConnectorsTest : public ::testing::Test {
 protected:
  Status Make(const ConnectorsConfig& config) {
    return MakeConfiguredConnectors(config, io_.get_executor(), set_, actions_);
  }

  boost::asio::io_context io_;  // first, so that it goes last
  engine::ConnectorSet set_;
  engine::ActionCatalog actions_;
};

TEST_F(ConfiguredConnectorsTest, MakesTheConfiguredConnectorsAndManifests) {
  ConnectorsConfig config = BothServices();
  auto& notify = config.notify.emplace();
  notify.transport = connectors::notify::NotifyConfig::Transport::kSmtp;
  notify.smtp.host = "127.0.0.1";
  notify.smtp.from = "noreply@cloud.example";
  ASSERT_TRUE(Make(config).ok());
  EXPECT_NE(set_.Find("partner_center.create_customer"), nullptr);
  EXPECT_NE(set_.Find("bss.get_account"), nullptr);
  EXPECT_NE(set_.Find("notify.send"), nullptr);
  EXPECT_NE(actions_.Find("partner_center.create_customer"), nullptr);
  EXPECT_NE(actions_.Find("bss.get_account"), nullptr);
  EXPECT_NE(actions_.Find("notify.send"), nullptr);
}

TEST_F(ConfiguredConnectorsTest, ABssWithoutNotifySectionStillNotifies) {
  ConnectorsConfig config = BothServices();
  config.partner_center.reset();
  ASSERT_TRUE(Make(config).ok());
  EXPECT_NE(set_.Find("notify.send"), nullptr);
  EXPECT_NE(actions_.Find("notify.send"), nullptr);
}

TEST_F(ConfiguredConnectorsTest, MakesOnlyWhatIsConfigured) {
  ConnectorsConfig config = BothServices();
  config.bss.reset();
  ASSERT_TRUE(Make(config).ok());
  EXPECT_NE(set_.Find("partner_center.create_customer"), nullptr);
  EXPECT_EQ(set_.Find("bss.get_account"), nullptr);
  EXPECT_EQ(set_.Find("notify.send"), nullptr);
  EXPECT_EQ(actions_.Find("bss.get_account"), nullptr);
}

TEST_F(ConfiguredConnectorsTest, PassesOnAConnectorsOwnError) {
  ConnectorsConfig config = BothServices();
  config.bss->base_url = "";
  Status made = Make(config);
  EXPECT_EQ(made.message(),
            "bss connector: base_url is empty; set the BSS's URL");
}

TEST_F(ConfiguredConnectorsTest, MakesTheHttpConnectorWithAnActionPerEndpoint) {
  ConnectorsConfig config;
  auto& http = config.http.emplace();
  for (const char* name : {"crm_account", "crm_owner"}) {
    connectors::http::HttpEndpoint endpoint;
    endpoint.name = name;
    endpoint.url =
        connectors::http::ParseTextTemplate("http://127.0.0.1:9/a/{id}").text;
    endpoint.secret = {"token"};
    http.endpoints.push_back(endpoint);
  }
  ASSERT_TRUE(Make(config).ok());
  EXPECT_NE(set_.Find("http.crm_account"), nullptr);
  const engine::ActionSpec* spec = actions_.Find("http.crm_owner");
  ASSERT_NE(spec, nullptr);
  ASSERT_EQ(spec->arguments.size(), 1u);
  EXPECT_EQ(spec->arguments[0].name, "id");
  EXPECT_TRUE(spec->arguments[0].required);
  EXPECT_EQ(spec->secret_fields, std::vector<std::string>{"token"});
  // Nothing else is configured, so nothing else is made.
  EXPECT_EQ(set_.Find("notify.send"), nullptr);
  EXPECT_EQ(actions_.Find("bss.get_account"), nullptr);
}

TEST_F(ConfiguredConnectorsTest, PassesOnTheHttpConnectorsError) {
  ConnectorsConfig config;
  config.http.emplace().ca_file = "/nonexistent/crm-ca.pem";
  Status made = Make(config);
  EXPECT_FALSE(made.ok());
  // The rest is OpenSSL's reason, which varies with its version.
  const std::string prefix =
      "http connector: cannot load the CA file \"/nonexistent/crm-ca.pem\"";
  EXPECT_EQ(made.message().substr(0, prefix.size()), prefix);
}

std::string WriteFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

TEST(WithConnectorsFromTest, ABadFileGivesItsDiagnosticsAndNoEngine) {
  std::string path = WriteFile("bad-connectors.yaml",
                               "bss:\n"
                               "  base_url: http://bss.example.com\n"
                               "  client_key: k\n"
                               "  username: u\n"
                               "  password: p\n");
  std::ostringstream err;
  EXPECT_FALSE(WithConnectorsFrom({}, path, err).has_value());
  EXPECT_EQ(err.str(),
            path +
                ":1:1: connector 'bss' needs 'client_secret'\n"
                "    bss:\n"
                "    ^\n" +
                path +
                ":2:13: 'base_url' uses plain http:// to bss.example.com: "
                "only loopback hosts (localhost, 127.0.0.0/8, ::1) may be "
                "reached without TLS, since the credentials would cross the "
                "network unencrypted; use https://\n"
                "      base_url: http://bss.example.com\n"
                "                ^\n");
}

TEST(WithConnectorsFromTest, AGoodFileMakesItsConnectors) {
  std::string path = WriteFile("good-connectors.yaml",
                               "bss:\n"
                               "  base_url: http://127.0.0.1:9\n"
                               "  client_key: k\n"
                               "  client_secret: s\n"
                               "  username: u\n"
                               "  password: p\n");
  std::ostringstream err;
  std::optional<EngineOptions> options = WithConnectorsFrom({}, path, err);
  EXPECT_EQ(err.str(), "");
  ASSERT_TRUE(options.has_value());
  ASSERT_TRUE(options->make_connectors != nullptr);
  boost::asio::io_context io;
  engine::ConnectorSet set;
  engine::ActionCatalog actions;
  ASSERT_TRUE(options->make_connectors(io.get_executor(), set, actions).ok());
  EXPECT_NE(set.Find("bss.get_account"), nullptr);
  EXPECT_NE(set.Find("notify.send"), nullptr);
  EXPECT_EQ(set.Find("partner_center.create_customer"), nullptr);
}

TEST(WithConnectorsFromTest, AFileWithHttpEndpointsMakesTheirActions) {
  std::string path = WriteFile("http-connectors.yaml",
                               "http:\n"
                               "  endpoints:\n"
                               "    crm_account:\n"
                               "      method: GET\n"
                               "      url: http://127.0.0.1:9/accounts/{id}\n");
  std::ostringstream err;
  std::optional<EngineOptions> options = WithConnectorsFrom({}, path, err);
  EXPECT_EQ(err.str(), "");
  ASSERT_TRUE(options.has_value());
  boost::asio::io_context io;
  engine::ConnectorSet set;
  engine::ActionCatalog actions;
  ASSERT_TRUE(options->make_connectors(io.get_executor(), set, actions).ok());
  EXPECT_NE(set.Find("http.crm_account"), nullptr);
  EXPECT_NE(actions.Find("http.crm_account"), nullptr);
}

TEST(WithConnectorsFromTest, NoFileMeansTheEmbeddedSimulators) {
  std::ostringstream err;
  std::optional<EngineOptions> options = WithConnectorsFrom({}, "", err);
  ASSERT_TRUE(options.has_value());
  // Not called: it would start the simulators on loopback ports.
  EXPECT_TRUE(options->make_connectors != nullptr);
  EXPECT_EQ(err.str(), "");
}

}  // namespace
}  // namespace bssflow::app

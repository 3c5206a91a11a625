#include "app/connector_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace bssflow::app {
namespace {

using connectors::notify::NotifyConfig;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Environment variables and files that exist only for the test; records
// which files were asked for.
class FakeSecrets {
 public:
  SecretSources Sources() {
    SecretSources sources;
    sources.env =
        [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
    sources.read_file = [this](const std::string& path) -> Result<std::string> {
      files_read_.push_back(path);
      auto it = files_.find(path);
      if (it == files_.end()) return Status::Error("No such file or directory");
      return it->second;
    };
    return sources;
  }

  std::map<std::string, std::string> env_;
  std::map<std::string, std::string> files_;
  std::vector<std::string> files_read_;
};

class ConnectorConfigTest : public ::testing::Test {
 protected:
  ConnectorsConfigResult Parse(const std::string& yaml) {
    return ParseConnectorsConfig("connectors.yaml", yaml, secrets_.Sources());
  }

  // Every diagnostic, rendered as the CLI prints them; "" when the file is
  // valid.
  std::string Problems(const std::string& yaml) {
    ConnectorsConfigResult result = Parse(yaml);
    EXPECT_EQ(result.ok(), result.diagnostics.empty());
    return dsl::RenderAll(result.source, result.diagnostics);
  }

  FakeSecrets secrets_;
};

constexpr const char* kComplete = R"(partner_center:
  api_base_url: http://127.0.0.1:4100/
  login_base_url: http://localhost:4100
  partner_tenant: contoso.onmicrosoft.com
  client_id: 0b5f1c0e-5ca1-4e55-9b1e-000000000001
  client_secret: {env: PC_CLIENT_SECRET}
  refresh_token: {env: PC_REFRESH_TOKEN}
  resource: https://api.partnercenter.microsoft.com
  call_timeout: 45s
  token_refresh_margin: 2m
  locale: el-GR
  search_page_size: 250
  ca_file: certs/ca.pem
bss:
  base_url: https://bss.example.com/v2
  client_key: bssflow-client
  client_secret: literal-client-secret
  username: integration@bss.example
  password: {file: /run/secrets/bss-password}
  system_code: MSCSP2
  call_timeout: 1500ms
  token_refresh_margin: 30s
notify:
  transport: smtp
  smtp: {host: 127.0.0.1, port: 2525, from: noreply@cloud.example,
         helo_name: bssflow.example, starttls: false, username: mailer,
         password: {env: SMTP_PASSWORD}, timeout: 10s}
)";

TEST_F(ConnectorConfigTest, ReadsEveryField) {
  secrets_.env_ = {{"PC_CLIENT_SECRET", "pc-secret"},
                   {"PC_REFRESH_TOKEN", "pc-refresh"},
                   {"SMTP_PASSWORD", "smtp-secret"}};
  secrets_.files_ = {{"/run/secrets/bss-password", "bss-password\n"}};
  ConnectorsConfigResult result = ParseConnectorsConfig(
      "/etc/bssflow/connectors.yaml", kComplete, secrets_.Sources());
  ASSERT_TRUE(result.ok()) << dsl::RenderAll(result.source, result.diagnostics);
  const ConnectorsConfig& config = *result.config;

  ASSERT_TRUE(config.partner_center.has_value());
  const auto& pc = *config.partner_center;
  EXPECT_EQ(pc.api_base_url, "http://127.0.0.1:4100");  // no trailing slash
  EXPECT_EQ(pc.login_base_url, "http://localhost:4100");
  EXPECT_EQ(pc.partner_tenant, "contoso.onmicrosoft.com");
  EXPECT_EQ(pc.client_id, "0b5f1c0e-5ca1-4e55-9b1e-000000000001");
  EXPECT_EQ(pc.client_secret, "pc-secret");
  EXPECT_EQ(pc.refresh_token, "pc-refresh");
  EXPECT_EQ(pc.resource, "https://api.partnercenter.microsoft.com");
  EXPECT_EQ(pc.call_timeout, seconds(45));
  EXPECT_EQ(pc.token_refresh_margin, seconds(120));
  EXPECT_EQ(pc.locale, "el-GR");
  EXPECT_EQ(pc.search_page_size, 250);
  EXPECT_EQ(pc.ca_file, "/etc/bssflow/certs/ca.pem");  // the file's directory

  ASSERT_TRUE(config.bss.has_value());
  const auto& bss = *config.bss;
  EXPECT_EQ(bss.base_url, "https://bss.example.com/v2");
  EXPECT_EQ(bss.client_key, "bssflow-client");
  EXPECT_EQ(bss.client_secret, "literal-client-secret");
  EXPECT_EQ(bss.username, "integration@bss.example");
  EXPECT_EQ(bss.password, "bss-password");  // without the file's newline
  EXPECT_EQ(bss.system_code, "MSCSP2");
  EXPECT_EQ(bss.call_timeout, milliseconds(1500));
  EXPECT_EQ(bss.token_refresh_margin, seconds(30));
  EXPECT_EQ(bss.ca_file, "");

  ASSERT_TRUE(config.notify.has_value());
  EXPECT_EQ(config.notify->transport, NotifyConfig::Transport::kSmtp);
  const auto& smtp = config.notify->smtp;
  EXPECT_EQ(smtp.host, "127.0.0.1");
  EXPECT_EQ(smtp.port, 2525);
  EXPECT_EQ(smtp.from, "noreply@cloud.example");
  EXPECT_EQ(smtp.helo_name, "bssflow.example");
  EXPECT_FALSE(smtp.starttls);
  EXPECT_EQ(smtp.username, "mailer");
  EXPECT_EQ(smtp.password, "smtp-secret");
  EXPECT_EQ(smtp.timeout, seconds(10));
}

// Text and duration fields may come from the environment, so that one
// file serves several environments; an unset variable is named.
TEST_F(ConnectorConfigTest, TextAndDurationsMayComeFromTheEnvironment) {
  secrets_.env_ = {{"BSS_URL", "https://bss.example.com/"},
                   {"BSS_TIMEOUT", "45s"},
                   {"BSS_SECRET", "s"}};
  ConnectorsConfigResult result = Parse(R"(bss:
  base_url: {env: BSS_URL}
  client_key: {env: BSS_KEY}
  client_secret: {env: BSS_SECRET}
  username: u
  password: p
  call_timeout: {env: BSS_TIMEOUT}
)");
  EXPECT_EQ(dsl::RenderAll(result.source, result.diagnostics),
            "connectors.yaml:3:21: 'client_key': environment variable BSS_KEY "
            "is not set\n"
            "      client_key: {env: BSS_KEY}\n"
            "                        ^\n");
  secrets_.env_["BSS_KEY"] = "key";
  secrets_.env_["BSS_TIMEOUT"] = "soon";
  EXPECT_EQ(Problems("bss: {base_url: {env: BSS_URL}, client_key: k, "
                     "client_secret: s, username: u, password: p, "
                     "call_timeout: {env: BSS_TIMEOUT}}\n"),
            "connectors.yaml:1:106: 'call_timeout' must be a duration such as "
            "500ms, 30s, 5m or 1h, got 'soon' from environment variable "
            "BSS_TIMEOUT\n"
            "    bss: {base_url: {env: BSS_URL}, client_key: k, client_secret: "
            "*, username: u, password: *, call_timeout: {env: BSS_TIMEOUT}}\n" +
                std::string(4 + 105, ' ') + "^\n");
  secrets_.env_["BSS_TIMEOUT"] = "45s";
  ConnectorsConfigResult fixed = Parse(R"(bss:
  base_url: {env: BSS_URL}
  client_key: {env: BSS_KEY}
  client_secret: {env: BSS_SECRET}
  username: u
  password: p
  call_timeout: {env: BSS_TIMEOUT}
)");
  ASSERT_TRUE(fixed.ok()) << dsl::RenderAll(fixed.source, fixed.diagnostics);
  EXPECT_EQ(fixed.config->bss->base_url, "https://bss.example.com");
  EXPECT_EQ(fixed.config->bss->client_key, "key");
  EXPECT_EQ(fixed.config->bss->call_timeout, seconds(45));
}

TEST_F(ConnectorConfigTest, LeavesOutWhatTheFileLeavesOutAndKeepsDefaults) {
  ConnectorsConfigResult result = Parse(
      "bss:\n"
      "  base_url: http://127.0.0.1:8082\n"
      "  client_key: k\n"
      "  client_secret: s\n"
      "  username: u\n"
      "  password: p\n");
  ASSERT_TRUE(result.ok()) << dsl::RenderAll(result.source, result.diagnostics);
  EXPECT_FALSE(result.config->partner_center.has_value());
  EXPECT_FALSE(result.config->notify.has_value());
  ASSERT_TRUE(result.config->bss.has_value());
  connectors::bss::BssConfig defaults;
  EXPECT_EQ(result.config->bss->system_code, defaults.system_code);
  EXPECT_EQ(result.config->bss->call_timeout, defaults.call_timeout);
  EXPECT_EQ(result.config->bss->token_refresh_margin,
            defaults.token_refresh_margin);
}

TEST_F(ConnectorConfigTest, PartnerCenterNeedsOnlyItsApplication) {
  ConnectorsConfigResult result = Parse(
      "partner_center:\n"
      "  client_id: app\n"
      "  client_secret: s\n");
  ASSERT_TRUE(result.ok());
  connectors::partner_center::PartnerCenterConfig defaults;
  EXPECT_EQ(result.config->partner_center->api_base_url, defaults.api_base_url);
  EXPECT_EQ(result.config->partner_center->login_base_url,
            defaults.login_base_url);
  EXPECT_EQ(result.config->partner_center->partner_tenant, "common");
  EXPECT_FALSE(result.config->partner_center->refresh_token.has_value());
}

TEST_F(ConnectorConfigTest, NotifyAloneTakesTheBssTransport) {
  ConnectorsConfigResult result = Parse(
      "bss: {base_url: 'http://[::1]:8082', client_key: k, client_secret: s,\n"
      "      username: u, password: p}\n"
      "notify:\n");
  ASSERT_TRUE(result.ok()) << dsl::RenderAll(result.source, result.diagnostics);
  ASSERT_TRUE(result.config->notify.has_value());
  EXPECT_EQ(result.config->notify->transport, NotifyConfig::Transport::kBss);
}

TEST_F(ConnectorConfigTest, ReportsUnknownNamesWithSuggestions) {
  EXPECT_EQ(Problems("partner_centre:\n"
                     "  client_id: app\n"
                     "bss:\n"
                     "  base_url: http://127.0.0.1:8082\n"
                     "  client_id: k\n"
                     "  client_secret: s\n"
                     "  username: u\n"
                     "  pasword: p\n"
                     "  password: p\n"
                     "  proxy: none\n"),
            "connectors.yaml:1:1: unknown connector 'partner_centre'; did you "
            "mean 'partner_center'?\n"
            "    partner_centre:\n"
            "    ^\n"
            "connectors.yaml:3:1: connector 'bss' needs 'client_key'\n"
            "    bss:\n"
            "    ^\n"
            "connectors.yaml:5:3: unknown field 'client_id' in 'bss'; did you "
            "mean 'client_key'?\n"
            "      client_id: k\n"
            "      ^\n"
            "connectors.yaml:8:3: unknown field 'pasword' in 'bss'; did you "
            "mean 'password'?\n"
            "      pasword: p\n"
            "      ^\n"
            "connectors.yaml:10:3: unknown field 'proxy' in 'bss'\n"
            "      proxy: none\n"
            "      ^\n");
}

TEST_F(ConnectorConfigTest, ReportsEveryMissingRequiredField) {
  EXPECT_EQ(Problems("partner_center:\n"
                     "  api_base_url: https://api.partnercenter.microsoft.com\n"
                     "bss:\n"
                     "  base_url: https://bss.example.com\n"
                     "  username: u\n"),
            "connectors.yaml:1:1: connector 'partner_center' needs "
            "'client_id'\n"
            "    partner_center:\n"
            "    ^\n"
            "connectors.yaml:1:1: connector 'partner_center' needs "
            "'client_secret'\n"
            "    partner_center:\n"
            "    ^\n"
            "connectors.yaml:3:1: connector 'bss' needs 'client_key'\n"
            "    bss:\n"
            "    ^\n"
            "connectors.yaml:3:1: connector 'bss' needs 'client_secret'\n"
            "    bss:\n"
            "    ^\n"
            "connectors.yaml:3:1: connector 'bss' needs 'password'\n"
            "    bss:\n"
            "    ^\n");
}

TEST_F(ConnectorConfigTest, ReportsWrongTypes) {
  EXPECT_EQ(Problems("partner_center:\n"
                     "  client_id: [a, b]\n"
                     "  client_secret: {file: [x]}\n"
                     "  search_page_size: 501\n"
                     "  locale: ''\n"
                     "bss: https://bss.example.com\n"),
            "connectors.yaml:2:14: 'client_id' must be a single value or "
            "{env: NAME}, got a list\n"
            "      client_id: [a, b]\n"
            "                 ^\n"
            "connectors.yaml:3:25: 'file' must be a single value, got a list\n"
            "      client_secret: {file: [x]}\n"
            "                            ^\n"
            "connectors.yaml:4:21: 'search_page_size' must be a whole number "
            "from 1 to 500, got '501'\n"
            "      search_page_size: 501\n"
            "                        ^\n"
            "connectors.yaml:5:11: 'locale' must not be empty\n"
            "      locale: ''\n"
            "              ^\n"
            "connectors.yaml:6:6: 'bss' must be a map, got "
            "'https://bss.example.com'\n"
            "    bss: https://bss.example.com\n"
            "         ^\n");
}

TEST_F(ConnectorConfigTest, ReportsBadDurations) {
  EXPECT_EQ(Problems("partner_center:\n"
                     "  client_id: app\n"
                     "  client_secret: s\n"
                     "  call_timeout: 30\n"
                     "  token_refresh_margin: 1500ms\n"
                     "bss:\n"
                     "  base_url: https://bss.example.com\n"
                     "  client_key: k\n"
                     "  client_secret: s\n"
                     "  username: u\n"
                     "  password: p\n"
                     "  call_timeout: 0s\n"
                     "  token_refresh_margin: -5s\n"),
            "connectors.yaml:4:17: 'call_timeout' must be a duration such as "
            "500ms, 30s, 5m or 1h, got '30'\n"
            "      call_timeout: 30\n"
            "                    ^\n"
            "connectors.yaml:5:25: 'token_refresh_margin' must be whole "
            "seconds, got '1500ms'\n"
            "      token_refresh_margin: 1500ms\n"
            "                            ^\n"
            "connectors.yaml:12:17: 'call_timeout' must be longer than 0\n"
            "      call_timeout: 0s\n"
            "                    ^\n"
            "connectors.yaml:13:25: 'token_refresh_margin' must be a duration "
            "such as 500ms, 30s, 5m or 1h, got '-5s'\n"
            "      token_refresh_margin: -5s\n"
            "                            ^\n");
}

TEST_F(ConnectorConfigTest, RefusesPlainHttpToAnythingButLoopback) {
  EXPECT_EQ(Problems("partner_center:\n"
                     "  api_base_url: http://api.partnercenter.example\n"
                     "  login_base_url: ftp://login.example\n"
                     "  client_id: app\n"
                     "  client_secret: s\n"),
            "connectors.yaml:2:17: 'api_base_url' uses plain http:// to "
            "api.partnercenter.example: only loopback hosts (localhost, "
            "127.0.0.0/8, ::1) may be reached without TLS, since the "
            "credentials would cross the network unencrypted; use https://\n"
            "      api_base_url: http://api.partnercenter.example\n"
            "                    ^\n"
            "connectors.yaml:3:19: 'login_base_url': invalid URL "
            "\"ftp://login.example\": unsupported scheme \"ftp\" (expected "
            "http or https)\n"
            "      login_base_url: ftp://login.example\n"
            "                      ^\n");
}

TEST_F(ConnectorConfigTest, NamesAMissingSecretButNeverShowsOne) {
  secrets_.env_ = {{"EMPTY", ""}};
  secrets_.files_ = {{"/run/secrets/blank", "\n"}};
  EXPECT_EQ(Problems("partner_center:\n"
                     "  client_id: app\n"
                     "  client_secret: {env: PC_CLIENT_SECRET}\n"
                     "  refresh_token: {env: EMPTY}\n"
                     "bss:\n"
                     "  base_url: https://bss.example.com\n"
                     "  client_key: k\n"
                     "  client_secret: {file: /run/secrets/none}\n"
                     "  username: u\n"
                     "  password: {file: /run/secrets/blank}\n"),
            "connectors.yaml:3:24: 'client_secret': environment variable "
            "PC_CLIENT_SECRET is not set\n"
            "      client_secret: {env: PC_CLIENT_SECRET}\n"
            "                           ^\n"
            "connectors.yaml:4:24: 'refresh_token': environment variable "
            "EMPTY is empty\n"
            "      refresh_token: {env: EMPTY}\n"
            "                           ^\n"
            "connectors.yaml:8:25: 'client_secret': cannot read secret file "
            "/run/secrets/none: No such file or directory\n"
            "      client_secret: {file: /run/secrets/none}\n"
            "                            ^\n"
            "connectors.yaml:10:20: 'password': secret file "
            "/run/secrets/blank is empty\n"
            "      password: {file: /run/secrets/blank}\n"
            "                       ^\n");
}

TEST_F(ConnectorConfigTest, ReportsMalformedSecretSources) {
  EXPECT_EQ(Problems("partner_center:\n"
                     "  client_id: app\n"
                     "  client_secret: {enf: PC_SECRET}\n"
                     "  refresh_token: {env: A, file: b}\n"
                     "bss:\n"
                     "  base_url: https://bss.example.com\n"
                     "  client_key: k\n"
                     "  client_secret: [s]\n"
                     "  username: u\n"
                     "  password: ''\n"),
            "connectors.yaml:3:19: unknown field 'enf' in 'client_secret'; "
            "did you mean 'env'?\n"
            "      client_secret: {enf: PC_SECRET}\n"
            "                      ^\n"
            "connectors.yaml:4:18: 'refresh_token' must name one source, env "
            "or file, not both\n"
            "      refresh_token: {env: A, file: b}\n"
            "                     ^\n"
            "connectors.yaml:8:18: 'client_secret' must be a text, {env: "
            "NAME} or {file: PATH}, got a list\n"
            "      client_secret: [s]\n"
            "                     ^\n"
            "connectors.yaml:10:13: 'password' must not be empty\n"
            "      password: ''\n"
            "                ^\n");
}

TEST_F(ConnectorConfigTest, MasksSecretsWrittenAsTextInRenderedLines) {
  std::string problems = Problems(
      "notify:\n"
      "  transport: smtp\n"
      "  smtp: {host: 127.0.0.1, from: a@b.example, username: mailer, "
      "password: hunter2, tls: true}\n");
  EXPECT_EQ(problems,
            "connectors.yaml:3:83: unknown field 'tls' in 'smtp'\n"
            "      smtp: {host: 127.0.0.1, from: a@b.example, username: "
            "mailer, password: *******, tls: true}\n" +
                std::string(4 + 82, ' ') + "^\n");
  EXPECT_EQ(problems.find("hunter2"), std::string::npos);
}

TEST_F(ConnectorConfigTest, ReadsRelativeSecretFilesFromTheFilesDirectory) {
  secrets_.files_ = {{"/etc/bssflow/secrets/password", "p"}};
  ConnectorsConfigResult result =
      ParseConnectorsConfig("/etc/bssflow/connectors.yaml",
                            "bss:\n"
                            "  base_url: https://bss.example.com\n"
                            "  client_key: k\n"
                            "  client_secret: s\n"
                            "  username: u\n"
                            "  password: {file: secrets/password}\n",
                            secrets_.Sources());
  ASSERT_TRUE(result.ok()) << dsl::RenderAll(result.source, result.diagnostics);
  EXPECT_EQ(result.config->bss->password, "p");
  EXPECT_EQ(secrets_.files_read_,
            std::vector<std::string>{"/etc/bssflow/secrets/password"});
}

TEST_F(ConnectorConfigTest, ChecksTheNotifyTransport) {
  EXPECT_EQ(Problems("notify:\n"
                     "  transport: smpt\n"),
            "connectors.yaml:2:14: 'transport' must be bss or smtp, got "
            "'smpt'; did you mean 'smtp'?\n"
            "      transport: smpt\n"
            "                 ^\n");
  EXPECT_EQ(Problems("notify:\n"
                     "  transport: smtp\n"),
            "connectors.yaml:2:14: 'transport: smtp' needs an 'smtp' section "
            "(host, from, ...)\n"
            "      transport: smtp\n"
            "                 ^\n");
  EXPECT_EQ(Problems("notify:\n"
                     "  smtp: {host: 127.0.0.1, from: a@b.example}\n"),
            "connectors.yaml:1:1: the bss transport (the default) sends "
            "notifications through the bss connector, which this file does "
            "not configure; add a 'bss' section or use 'transport: smtp'\n"
            "    notify:\n"
            "    ^\n"
            "connectors.yaml:2:3: 'smtp' is used only with 'transport: "
            "smtp'; set the transport or remove the section\n"
            "      smtp: {host: 127.0.0.1, from: a@b.example}\n"
            "      ^\n");
}

TEST_F(ConnectorConfigTest, ChecksTheSmtpRelay) {
  EXPECT_EQ(Problems("notify:\n"
                     "  transport: smtp\n"
                     "  smtp:\n"
                     "    host: mail.example.com\n"
                     "    port: 0\n"
                     "    starttls: yes\n"
                     "    username: mailer\n"
                     "    timeout: 30\n"),
            "connectors.yaml:3:3: 'smtp' needs 'from'\n"
            "      smtp:\n"
            "      ^\n"
            "connectors.yaml:5:11: 'port' must be a whole number from 1 to "
            "65535, got '0'\n"
            "        port: 0\n"
            "              ^\n"
            "connectors.yaml:6:15: 'starttls' must be true or false, got "
            "'yes'\n"
            "        starttls: yes\n"
            "                  ^\n"
            "connectors.yaml:7:5: 'username' needs a 'password' (AUTH PLAIN "
            "sends both)\n"
            "        username: mailer\n"
            "        ^\n"
            "connectors.yaml:8:14: 'timeout' must be a duration such as "
            "500ms, 30s, 5m or 1h, got '30'\n"
            "        timeout: 30\n"
            "                 ^\n");
  EXPECT_EQ(Problems("notify:\n"
                     "  transport: smtp\n"
                     "  smtp: {host: mail.example.com, from: a@b.example}\n"),
            "connectors.yaml:3:16: SMTP to mail.example.com needs 'starttls: "
            "true': only loopback hosts may be reached without TLS, since the "
            "password and the messages would cross the network unencrypted\n"
            "      smtp: {host: mail.example.com, from: a@b.example}\n"
            "                   ^\n");
  EXPECT_EQ(Problems("notify:\n"
                     "  transport: smtp\n"
                     "  smtp: {host: mail.example.com, from: a@b.example, "
                     "starttls: true}\n"),
            "");
}

TEST_F(ConnectorConfigTest, ReportsAnEmptyFileAndYamlSyntax) {
  EXPECT_EQ(Problems("# nothing yet\n"),
            "connectors.yaml:1:1: the file configures no connector; expected "
            "a map with partner_center, bss, notify or http\n"
            "    # nothing yet\n"
            "    ^\n");
  EXPECT_EQ(Problems("- bss\n"),
            "connectors.yaml:1:1: the file must be a map of connectors "
            "(partner_center, bss, notify, http), got a list\n"
            "    - bss\n"
            "    ^\n");
  EXPECT_EQ(Problems("bss: {base_url: x\n"),
            "connectors.yaml:2:1: YAML syntax error: end of map flow not "
            "found\n"
            "    \n"
            "    ^\n");
}

TEST_F(ConnectorConfigTest, ReportsAnUnreadableFile) {
  std::string path = ::testing::TempDir() + "no-such-connectors.yaml";
  std::filesystem::remove(path);
  ConnectorsConfigResult result = LoadConnectorsConfigFile(path);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(dsl::RenderAll(result.source, result.diagnostics),
            path + ": cannot read the file: No such file or directory\n");
}

TEST_F(ConnectorConfigTest, ReportsADirectoryGivenForTheFile) {
  std::string path = ::testing::TempDir() + "connectors-dir.yaml";
  std::filesystem::create_directories(path);
  ConnectorsConfigResult result = LoadConnectorsConfigFile(path);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(dsl::RenderAll(result.source, result.diagnostics),
            path + ": cannot read the file: Is a directory\n");
}

TEST_F(ConnectorConfigTest, LoadsAFileWithSecretsFromTheRealEnvironment) {
  std::string dir = ::testing::TempDir() + "connector_config_real/";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "bss-password") << "from-a-file\n";
  std::ofstream(dir + "connectors.yaml")
      << "bss:\n"
         "  base_url: http://127.0.0.1:8082\n"
         "  client_key: k\n"
         "  client_secret: {env: BSSFLOW_CONNECTOR_CONFIG_TEST_SECRET}\n"
         "  username: u\n"
         "  password: {file: bss-password}\n";
  ::setenv("BSSFLOW_CONNECTOR_CONFIG_TEST_SECRET", "from-the-env", 1);
  ConnectorsConfigResult result =
      LoadConnectorsConfigFile(dir + "connectors.yaml");
  ::unsetenv("BSSFLOW_CONNECTOR_CONFIG_TEST_SECRET");
  ASSERT_TRUE(result.ok()) << dsl::RenderAll(result.source, result.diagnostics);
  EXPECT_EQ(result.config->bss->client_secret, "from-the-env");
  EXPECT_EQ(result.config->bss->password, "from-a-file");
}

namespace http = connectors::http;

constexpr const char* kHttp = R"(http:
  ca_file: certs/crm-ca.pem
  endpoints:
    crm_account:
      method: GET
      url: https://crm.example/api/accounts/{account_id}
      query: {expand: "{expand}", api_key: {env: CRM_KEY}}
      headers: {Authorization: {env: CRM_AUTH}, X-Source: bssflow}
      result: {id: /id, owner: /owner/email, token: /auth/token}
      secret: [token]
      optional: [expand]
      timeout: 10s
    create_account:
      method: POST
      url: http://127.0.0.1:8090/api/accounts?v=2
      headers:
        X-Api-Key: literal-key
      body:
        name: "{name}"
        seats: "{seats}"
        note: "for {name}"
        active: true
        limit: 5
        octal_looking: 010
        mask: 0x1F
        ratio: 1.5
        quoted: "5"
        nothing: ~
        tags: ["{tag}", fixed]
      optional: [tag]
      accept: [201]
      idempotency_header: Idempotency-Key
)";

TEST_F(ConnectorConfigTest, ReadsTheHttpEndpoints) {
  secrets_.env_ = {{"CRM_KEY", "k-123"}, {"CRM_AUTH", "Bearer t0k3n"}};
  ConnectorsConfigResult result = ParseConnectorsConfig(
      "/etc/bssflow/connectors.yaml", kHttp, secrets_.Sources());
  ASSERT_TRUE(result.ok()) << dsl::RenderAll(result.source, result.diagnostics);
  ASSERT_TRUE(result.config->http.has_value());
  const http::HttpConfig& config = *result.config->http;
  EXPECT_EQ(config.ca_file, "/etc/bssflow/certs/crm-ca.pem");
  ASSERT_EQ(config.endpoints.size(), 2u);

  const http::HttpEndpoint& get = config.endpoints[0];
  EXPECT_EQ(get.name, "crm_account");
  EXPECT_EQ(get.method, "GET");
  EXPECT_EQ(http::TemplateSource(get.url),
            "https://crm.example/api/accounts/{account_id}");
  ASSERT_EQ(get.query.size(), 2u);
  EXPECT_EQ(get.query[0].name, "expand");
  EXPECT_EQ(http::TemplateSource(get.query[0].value), "{expand}");
  EXPECT_FALSE(get.query[0].secret);
  EXPECT_EQ(get.query[1].name, "api_key");
  EXPECT_EQ(http::TemplateSource(get.query[1].value), "k-123");
  EXPECT_TRUE(get.query[1].secret);
  ASSERT_EQ(get.headers.size(), 2u);
  EXPECT_EQ(get.headers[0].name, "Authorization");
  EXPECT_EQ(get.headers[0].value, "Bearer t0k3n");
  EXPECT_TRUE(get.headers[0].secret);
  EXPECT_EQ(get.headers[1].value, "bssflow");
  EXPECT_FALSE(get.headers[1].secret);
  EXPECT_FALSE(get.body.has_value());
  EXPECT_EQ(get.accept, http::kDefaultAccept);
  ASSERT_TRUE(get.result.has_value());
  ASSERT_EQ(get.result->size(), 3u);
  EXPECT_EQ((*get.result)[1].name, "owner");
  EXPECT_EQ((*get.result)[1].pointer, "/owner/email");
  EXPECT_EQ(get.secret, std::vector<std::string>{"token"});
  EXPECT_EQ(get.optional, std::vector<std::string>{"expand"});
  EXPECT_EQ(get.timeout, seconds(10));
  EXPECT_EQ(get.idempotency_header, "");

  const http::HttpEndpoint& post = config.endpoints[1];
  EXPECT_EQ(post.method, "POST");
  EXPECT_EQ(http::TemplateSource(post.url),
            "http://127.0.0.1:8090/api/accounts?v=2");
  ASSERT_EQ(post.headers.size(), 1u);
  EXPECT_FALSE(post.headers[0].secret);
  ASSERT_TRUE(post.body.has_value());
  const http::BodyTemplate& body = *post.body;
  ASSERT_EQ(body.kind, http::BodyTemplate::Kind::kObject);
  EXPECT_EQ(body.keys,
            (std::vector<std::string>{"name", "seats", "note", "active",
                                      "limit", "octal_looking", "mask",
                                      "ratio", "quoted", "nothing", "tags"}));
  using Kind = http::BodyTemplate::Kind;
  EXPECT_EQ(body.children[0].kind, Kind::kArgument);
  EXPECT_EQ(body.children[2].kind, Kind::kText);
  EXPECT_EQ(body.children[3].literal, true);
  EXPECT_EQ(body.children[4].literal, 5);
  EXPECT_EQ(body.children[5].literal, 10);
  EXPECT_EQ(body.children[6].literal, 31);
  EXPECT_EQ(body.children[7].literal, 1.5);
  EXPECT_EQ(body.children[8].literal, "5");
  EXPECT_TRUE(body.children[9].literal.is_null());
  ASSERT_EQ(body.children[10].kind, Kind::kArray);
  EXPECT_EQ(body.children[10].children[0].kind, Kind::kArgument);
  EXPECT_EQ(body.children[10].children[1].literal, "fixed");
  EXPECT_EQ(post.accept, std::vector<unsigned>{201});
  EXPECT_FALSE(post.result.has_value());
  EXPECT_EQ(post.optional, std::vector<std::string>{"tag"});
  EXPECT_EQ(post.timeout, seconds(30));
  EXPECT_EQ(post.idempotency_header, "Idempotency-Key");
}

TEST_F(ConnectorConfigTest, ChecksTheHttpSection) {
  EXPECT_EQ(Problems("http:\n"
                     "  endpoint: {}\n"),
            "connectors.yaml:1:1: connector 'http' needs 'endpoints'\n"
            "    http:\n"
            "    ^\n"
            "connectors.yaml:2:3: unknown field 'endpoint' in 'http'; did you "
            "mean 'endpoints'?\n"
            "      endpoint: {}\n"
            "      ^\n");
  EXPECT_EQ(Problems("http:\n"
                     "  endpoints: {}\n"),
            "connectors.yaml:2:14: 'endpoints' must declare at least one "
            "endpoint\n"
            "      endpoints: {}\n"
            "                 ^\n");
}

TEST_F(ConnectorConfigTest, ChecksEndpointNamesAndMethods) {
  EXPECT_EQ(
      Problems("http:\n"
               "  endpoints:\n"
               "    crm-account: {method: GET, url: 'https://crm.example/x'}\n"
               "    get_account:\n"
               "      method: get\n"
               "      url: https://crm.example/a\n"
               "      timout: 5s\n"
               "    get_account: {method: PUST, url: 'https://crm.example/b'}\n"
               "    post: {method: PUST, url: 'https://crm.example/b'}\n"),
      "connectors.yaml:3:5: endpoint name 'crm-account' must be an "
      "identifier: letters, digits and '_', not starting with a "
      "digit\n"
      "        crm-account: {method: GET, url: "
      "'https://crm.example/x'}\n"
      "        ^\n"
      "connectors.yaml:5:15: 'method' must be GET, POST, PUT, PATCH "
      "or DELETE, got 'get'; did you mean 'GET'?\n"
      "          method: get\n"
      "                  ^\n"
      "connectors.yaml:7:7: unknown field 'timout' in endpoint "
      "'get_account'; did you mean 'timeout'?\n"
      "          timout: 5s\n"
      "          ^\n"
      "connectors.yaml:8:5: duplicate key 'get_account': it is already on "
      "line 4, and a key may appear only once in a map\n"
      "        get_account: {method: PUST, url: "
      "'https://crm.example/b'}\n"
      "        ^\n"
      "connectors.yaml:9:20: 'method' must be GET, POST, PUT, PATCH "
      "or DELETE, got 'PUST'; did you mean 'POST'?\n"
      "        post: {method: PUST, url: 'https://crm.example/b'}\n"
      "                       ^\n");
}

TEST_F(ConnectorConfigTest, ChecksEndpointUrls) {
  EXPECT_EQ(
      Problems(
          "http:\n"
          "  endpoints:\n"
          "    a: {method: GET, url: 'https://{tenant}.crm.example/x'}\n"
          "    b: {method: GET, url: 'https://crm.example/x/{account id}'}\n"
          "    c: {method: GET, url: 'http://crm.example/x/{id}'}\n"
          "    d: {method: GET, url: 'ftp://crm.example/x'}\n"
          "    e: {method: GET, url: 'http://localhost:8090/x/{id}'}\n"),
      "connectors.yaml:3:36: placeholders may appear in the URL's "
      "path and query only, not in its scheme, host or port\n"
      "        a: {method: GET, url: "
      "'https://{tenant}.crm.example/x'}\n"
      "                                       ^\n"
      "connectors.yaml:4:50: placeholder '{account id}' must be an "
      "identifier: letters, digits and '_', not starting with a "
      "digit\n"
      "        b: {method: GET, url: 'https://crm.example/x/{account "
      "id}'}\n"
      "                                                     ^\n"
      "connectors.yaml:5:27: 'url' uses plain http:// to "
      "crm.example: only loopback hosts (localhost, 127.0.0.0/8, "
      "::1) may be reached without TLS, since the credentials would "
      "cross the network unencrypted; use https://\n"
      "        c: {method: GET, url: 'http://crm.example/x/{id}'}\n"
      "                              ^\n"
      "connectors.yaml:6:27: 'url': invalid URL "
      "\"ftp://crm.example\": unsupported scheme \"ftp\" (expected "
      "http or https)\n"
      "        d: {method: GET, url: 'ftp://crm.example/x'}\n"
      "                              ^\n");
}

TEST_F(ConnectorConfigTest, ChecksQueryHeadersAndBody) {
  EXPECT_EQ(
      Problems(
          "http:\n"
          "  endpoints:\n"
          "    create:\n"
          "      method: POST\n"
          "      url: https://crm.example/accounts\n"
          "      query: {expand: {expand}}\n"
          "      headers: {Host: h, X-Source: a, x-source: b, 'X Bad': c}\n"
          "      body:\n"
          "        name: {name}\n"
          "        note: 'for {name'\n"
          "    list:\n"
          "      method: GET\n"
          "      url: https://crm.example/accounts\n"
          "      headers: {X-Source: a}\n"
          "      body: {a: 1}\n"
          "      idempotency_header: x-source\n"),
      "connectors.yaml:6:23: '{expand}' is read by YAML as a map; "
      "quote it to make it a placeholder: \"{expand}\"\n"
      "          query: {expand: {expand}}\n"
      "                          ^\n"
      "connectors.yaml:7:17: header 'Host' is set by the HTTP "
      "client; leave it out\n"
      "          headers: {Host: h, X-Source: a, x-source: b, 'X "
      "Bad': c}\n"
      "                    ^\n"
      "connectors.yaml:7:39: header 'x-source' is given twice (first "
      "at 7:26)\n"
      "          headers: {Host: h, X-Source: a, x-source: b, 'X "
      "Bad': c}\n"
      "                                          ^\n"
      "connectors.yaml:7:52: header name 'X Bad' must be a token: "
      "letters, digits and !#$%&'*+-.^_`|~\n"
      "          headers: {Host: h, X-Source: a, x-source: b, 'X "
      "Bad': c}\n"
      "                                                       ^\n"
      "connectors.yaml:9:15: '{name}' is read by YAML as a map; "
      "quote it to make it a placeholder: \"{name}\"\n"
      "            name: {name}\n"
      "                  ^\n"
      "connectors.yaml:10:20: '{' opens a placeholder that is not "
      "closed; write '{{' for a literal '{'\n"
      "            note: 'for {name'\n"
      "                       ^\n"
      "connectors.yaml:15:7: 'body' is not sent with GET; pass "
      "values in 'query'\n"
      "          body: {a: 1}\n"
      "          ^\n"
      "connectors.yaml:16:27: 'idempotency_header' names 'x-source', "
      "which 'headers' sets too; keep one\n"
      "          idempotency_header: x-source\n"
      "                              ^\n");
}

TEST_F(ConnectorConfigTest, ChecksAcceptResultSecretAndOptional) {
  EXPECT_EQ(Problems("http:\n"
                     "  endpoints:\n"
                     "    create:\n"
                     "      method: POST\n"
                     "      url: https://crm.example/accounts/{id}\n"
                     "      query: {q: '{q}'}\n"
                     "      body: {note: 'for {name}', seats: '{seats}'}\n"
                     "      accept: [200, 99, abc]\n"
                     "      result: {id: id, key: '/k~2', first: /items/0}\n"
                     "      secret: [first, tokn]\n"
                     "      optional: [id, name, seats, q, nme]\n"),
            "connectors.yaml:8:21: 'accept' lists statuses from 200 to "
            "599, got '99'\n"
            "          accept: [200, 99, abc]\n"
            "                        ^\n"
            "connectors.yaml:8:25: 'accept' lists statuses from 200 to "
            "599, got 'abc'\n"
            "          accept: [200, 99, abc]\n"
            "                            ^\n"
            "connectors.yaml:9:20: 'id' is not a JSON pointer: a JSON "
            "pointer starts with '/' (or is empty, for the whole body), "
            "e.g. /owner/email\n"
            "          result: {id: id, key: '/k~2', first: /items/0}\n"
            "                       ^\n"
            "connectors.yaml:9:29: '/k~2' is not a JSON pointer: '~' must "
            "be followed by 0 (for '~') or 1 (for '/')\n"
            "          result: {id: id, key: '/k~2', first: /items/0}\n"
            "                                ^\n"
            "connectors.yaml:10:16: secret field 'first' is the whole body "
            "or an array element, which the HTTP client's log cannot hide; "
            "point its 'result' pointer at an object member\n"
            "          secret: [first, tokn]\n"
            "                   ^\n"
            "connectors.yaml:10:23: 'secret' lists 'tokn', which is not a "
            "field of 'result'\n"
            "          secret: [first, tokn]\n"
            "                          ^\n"
            "connectors.yaml:11:18: 'id' cannot be optional: the URL needs "
            "it\n"
            "          optional: [id, name, seats, q, nme]\n"
            "                     ^\n"
            "connectors.yaml:11:22: 'name' cannot be optional: text in "
            "body 'note' needs it\n"
            "          optional: [id, name, seats, q, nme]\n"
            "                         ^\n"
            "connectors.yaml:11:38: 'optional' lists 'nme', which no "
            "placeholder of this endpoint uses; did you mean 'name'?\n"
            "          optional: [id, name, seats, q, nme]\n"
            "                                         ^\n");
}

TEST_F(ConnectorConfigTest, ChecksTheShapeOfEndpointFields) {
  EXPECT_EQ(Problems("http:\n"
                     "  endpoints:\n"
                     "    a:\n"
                     "      method: POST\n"
                     "      url: https://crm.example/a\n"
                     "      body:\n"
                     "      accept: 200\n"
                     "      result: {}\n"
                     "      secret: token\n"
                     "      optional: expand\n"
                     "      timeout: 0s\n"),
            "connectors.yaml:6:7: 'body' is empty; leave it out to send no "
            "body\n"
            "          body:\n"
            "          ^\n"
            "connectors.yaml:7:15: 'accept' must be a list of statuses, "
            "e.g. [200, 201], got '200'\n"
            "          accept: 200\n"
            "                  ^\n"
            "connectors.yaml:8:15: 'result' must map at least one field; "
            "leave it out for the whole body\n"
            "          result: {}\n"
            "                  ^\n"
            "connectors.yaml:9:15: 'secret' must be a list of result "
            "fields, e.g. [token], got 'token'\n"
            "          secret: token\n"
            "                  ^\n"
            "connectors.yaml:10:17: 'optional' must be a list of "
            "arguments, e.g. [expand], got 'expand'\n"
            "          optional: expand\n"
            "                    ^\n"
            "connectors.yaml:11:16: 'timeout' must be longer than 0\n"
            "          timeout: 0s\n"
            "                   ^\n");
}

TEST_F(ConnectorConfigTest, HidesHttpSecretsInRenderedLines) {
  std::string problems = Problems(
      "http:\n"
      "  endpoints:\n"
      "    a:\n"
      "      method: GET\n"
      "      url: https://crm.example/a\n"
      "      headers: {Authorization: Bearer hunter2, X-Key: {env: "
      "CRM_KEY}}\n");
  EXPECT_EQ(problems,
            "connectors.yaml:6:61: 'X-Key': environment variable CRM_KEY "
            "is not set\n"
            "          headers: {Authorization: **************, X-Key: "
            "{env: CRM_KEY}}\n"
            "                                                              "
            "  ^\n");
  EXPECT_EQ(problems.find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace bssflow::app

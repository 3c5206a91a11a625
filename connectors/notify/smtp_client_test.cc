// The SMTP client's configuration checks (no network: Create() connects
// nowhere). The conversation itself is tested against the SMTP sink in
// tests/connectors/notify_test.cc.
#include "connectors/notify/smtp_client.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <string>

#include "connectors/notify/notify_connector.h"

namespace bssflow::connectors::notify {
namespace {

SmtpConfig Loopback() {
  SmtpConfig config;
  config.host = "127.0.0.1";
  config.port = 2525;
  config.from = "noreply@cloud.example";
  return config;
}

std::string Check(const SmtpConfig& config) {
  Status status = CheckSmtpConfig(config);
  return status.ok() ? "ok" : status.message();
}

TEST(CheckSmtpConfigTest, LoopbackWithoutTlsIsFine) {
  EXPECT_EQ(Check(Loopback()), "ok");
  SmtpConfig config = Loopback();
  config.host = "localhost";
  config.helo_name = "bssflow.example";
  config.username = "relay";
  config.password = "secret";
  EXPECT_EQ(Check(config), "ok");
  config.host = "::1";
  EXPECT_EQ(Check(config), "ok");
}

TEST(CheckSmtpConfigTest, PlainSmtpElsewhereIsRefused) {
  SmtpConfig config = Loopback();
  config.host = "mail.example";
  EXPECT_EQ(Check(config),
            "notify: refusing plain SMTP to \"mail.example\": only loopback "
            "hosts may be reached without STARTTLS; set smtp.starttls");
  config.host = "10.0.0.1";
  EXPECT_EQ(Check(config),
            "notify: refusing plain SMTP to \"10.0.0.1\": only loopback "
            "hosts may be reached without STARTTLS; set smtp.starttls");
  config.starttls = true;
  EXPECT_EQ(Check(config), "ok");
}

TEST(CheckSmtpConfigTest, NamesTheField) {
  SmtpConfig config = Loopback();
  config.host = "";
  EXPECT_EQ(Check(config), "notify: smtp.host is required");
  config = Loopback();
  config.port = 0;
  EXPECT_EQ(Check(config), "notify: smtp.port must not be 0");
  config = Loopback();
  config.from = "";
  EXPECT_EQ(Check(config), "notify: smtp.from is required");
  config.from = "Bss <noreply@cloud.example>";
  EXPECT_EQ(Check(config),
            "notify: smtp.from \"Bss <noreply@cloud.example>\" is not an email "
            "address");
  config = Loopback();
  config.helo_name = "my host";
  EXPECT_EQ(Check(config),
            "notify: smtp.helo_name \"my host\" is not a host name");
  config = Loopback();
  config.username = "relay";
  EXPECT_EQ(Check(config),
            "notify: smtp.password is required with smtp.username");
  config = Loopback();
  config.password = "secret";
  EXPECT_EQ(Check(config),
            "notify: smtp.username is required with smtp.password");
  config = Loopback();
  config.timeout = std::chrono::milliseconds(0);
  EXPECT_EQ(Check(config), "notify: smtp.timeout must be positive, got 0 ms");
}

TEST(SmtpClientCreateTest, AnUnreadableCaFileIsAnError) {
  boost::asio::io_context io;
  SmtpConfig config = Loopback();
  config.ca_file = "/nonexistent/ca.pem";
  auto made = SmtpClient::Create(io.get_executor(), config);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().message(),
            "notify: cannot load the CA file \"/nonexistent/ca.pem\" "
            "(smtp.ca_file): No such file or directory; it must hold PEM "
            "certificates");
}

TEST(SmtpClientCreateTest, TheConnectorReportsConfigurationErrors) {
  boost::asio::io_context io;
  NotifyConfig config;
  config.transport = NotifyConfig::Transport::kSmtp;
  config.smtp = Loopback();
  config.smtp.host = "mail.example";
  auto made = NotifyConnector::Create(io.get_executor(), config, nullptr);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().message(),
            "notify: refusing plain SMTP to \"mail.example\": only loopback "
            "hosts may be reached without STARTTLS; set smtp.starttls");
  config.smtp = Loopback();
  EXPECT_TRUE(NotifyConnector::Create(io.get_executor(), config, nullptr).ok());
}

}  // namespace
}  // namespace bssflow::connectors::notify

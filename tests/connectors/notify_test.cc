// The notify connector end to end over loopback: by SMTP against the SMTP
// sink (simulators/smtp), and through the BSS transport against the BSS
// simulator via a real bss connector. The sink and the BSS simulator run on
// threads of their own; the connectors on an io_context run by the test
// thread.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "connectors/bss/bss_connector.h"
#include "connectors/notify/notify_connector.h"
#include "dsl/json_value.h"
#include "simulators/bss/bss_simulator.h"
#include "simulators/host/simulator_host.h"
#include "simulators/smtp/smtp_sink.h"

namespace bssflow::connectors::notify {
namespace {

namespace asio = boost::asio;
namespace sink = simulators::smtp;
using engine::ActionError;
using engine::ActionOutcome;
using std::chrono::milliseconds;
using Strings = std::vector<std::string>;

constexpr char kTestData[] = BSSFLOW_TLS_TESTDATA;

// Runs one call on `io` to completion.
ActionOutcome RunCall(asio::io_context& io, engine::Connector& connector,
                      const nlohmann::json& arguments, const std::string& key,
                      const std::string& action = "notify.send") {
  std::optional<ActionOutcome> outcome;
  engine::CallContext ctx{"run-1", "welcome", 1, key};
  dsl::Value args = dsl::ValueFromJson(arguments).value();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        outcome = co_await connector.Call(action, args, ctx);
      },
      asio::detached);
  io.restart();
  io.run();
  return outcome.value();
}

nlohmann::json Ok(const ActionOutcome& outcome) {
  EXPECT_TRUE(outcome.result.has_value())
      << outcome.error->kind << " " << outcome.error->code << " "
      << outcome.error->message;
  if (!outcome.result.has_value()) return nullptr;
  return nlohmann::json::parse(dsl::ValueToJson(*outcome.result).dump());
}

ActionError Err(const ActionOutcome& outcome) {
  EXPECT_TRUE(outcome.error.has_value());
  if (!outcome.error.has_value())
    return {"(none)", "", "(the call succeeded)", std::nullopt};
  return *outcome.error;
}

nlohmann::json Welcome() {
  return {
      {"template", "welcome-office365"},
      {"to", "it@northwind.example; boss@northwind.example"},
      {"cc", "audit@litware.example"},
      {"subject", "Your Microsoft tenant northwind.onmicrosoft.com is ready"},
      {"body",
       "Dear Northwind Traders,\n\nSign in as admin@northwind.example "
       "with the password Xy7!pass2024.\n"},
      {"account_id", 1001}};
}

class NotifySmtpTest : public ::testing::Test {
 protected:
  void TearDown() override {
    connector_.reset();
    sink_.reset();
  }

  // Starts the sink with `options` (port 0: ephemeral) and points the
  // connector's configuration at it.
  void StartSink(sink::SmtpSinkOptions options = {}) {
    sink_ = std::make_unique<sink::SmtpSink>(std::move(options));
    Result<uint16_t> port = sink_->Start();
    ASSERT_TRUE(port.ok()) << port.status().message();
    config_.transport = NotifyConfig::Transport::kSmtp;
    config_.smtp.host = "127.0.0.1";
    config_.smtp.port = port.value();
    config_.smtp.from = "noreply@cloud.example";
    config_.smtp.timeout = milliseconds(5'000);
  }

  ActionOutcome Send(const nlohmann::json& arguments,
                     const std::string& key = "key-1") {
    if (!connector_) {
      NotifyEnvironment env;
      env.now = [] {
        return std::chrono::sys_days(std::chrono::year(2024) / 5 / 1) +
               std::chrono::hours(12);
      };
      env.log = [this](const std::string& line) { log_ += line + "\n"; };
      auto made =
          NotifyConnector::Create(io_.get_executor(), config_, nullptr, env);
      EXPECT_TRUE(made.ok()) << made.status().message();
      if (!made.ok())
        return ActionOutcome::Failure({"(no connector)", "", "", {}});
      connector_ = std::move(made).value();
    }
    return RunCall(io_, *connector_, arguments, key);
  }

  sink::ReceivedMessage OnlyMessage() {
    std::vector<sink::ReceivedMessage> messages = sink_->Messages();
    EXPECT_EQ(messages.size(), 1u);
    return messages.empty() ? sink::ReceivedMessage() : messages[0];
  }

  std::shared_ptr<asio::ssl::context> ServerTls() {
    auto tls =
        std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
    std::string dir = kTestData;
    tls->use_certificate_chain_file(dir + "/server.pem");
    tls->use_private_key_file(dir + "/server.key", asio::ssl::context::pem);
    return tls;
  }

  std::unique_ptr<sink::SmtpSink> sink_;
  NotifyConfig config_;
  asio::io_context io_;
  std::unique_ptr<NotifyConnector> connector_;
  std::string log_;
};

TEST_F(NotifySmtpTest, DeliversWithEnvelopeHeadersAndBody) {
  StartSink();
  nlohmann::json result = Ok(Send(Welcome()));
  EXPECT_EQ(result, nlohmann::json::parse(R"({
      "id": "<key-1@bssflow>", "transport": "smtp",
      "to": "it@northwind.example, boss@northwind.example",
      "cc": "audit@litware.example", "template": "welcome-office365"})"));
  sink::ReceivedMessage message = OnlyMessage();
  EXPECT_EQ(message.helo, "localhost");
  EXPECT_EQ(message.mail_from, "noreply@cloud.example");
  EXPECT_EQ(message.mail_parameters,
            Strings{"SIZE=" + std::to_string(message.data.size())});
  EXPECT_EQ(message.recipients,
            (Strings{"it@northwind.example", "boss@northwind.example",
                     "audit@litware.example"}));
  EXPECT_EQ(
      message.data,
      "From: noreply@cloud.example\r\n"
      "To: it@northwind.example, boss@northwind.example\r\n"
      "Cc: audit@litware.example\r\n"
      "Subject: Your Microsoft tenant northwind.onmicrosoft.com is ready\r\n"
      "Date: Wed, 01 May 2024 12:00:00 +0000\r\n"
      "Message-ID: <key-1@bssflow>\r\n"
      "MIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: 8bit\r\n"
      "\r\n"
      "Dear Northwind Traders,\r\n\r\nSign in as admin@northwind.example "
      "with the password Xy7!pass2024.\r\n");
  EXPECT_EQ(message.Header("Message-ID"), "<key-1@bssflow>");
  EXPECT_TRUE(message.acknowledged);
  EXPECT_EQ(sink_->Commands(),
            (Strings{"EHLO localhost",
                     "MAIL FROM:<noreply@cloud.example> SIZE=" +
                         std::to_string(message.data.size()),
                     "RCPT TO:<it@northwind.example>",
                     "RCPT TO:<boss@northwind.example>",
                     "RCPT TO:<audit@litware.example>", "DATA", "QUIT"}));
  // The body (a password) never reaches the log; the conversation does.
  EXPECT_EQ(log_.find("Xy7!pass2024"), std::string::npos) << log_;
  EXPECT_NE(log_.find("smtp 127.0.0.1:" + std::to_string(config_.smtp.port) +
                      " > RCPT TO:<boss@northwind.example>"),
            std::string::npos)
      << log_;
  EXPECT_NE(log_.find("not logged)"), std::string::npos) << log_;
}

TEST_F(NotifySmtpTest, LinesStartingWithADotArriveIntact) {
  StartSink();
  nlohmann::json args = Welcome();
  args["body"] = ".\n.hidden\n..two dots\nlast line\n.";
  Ok(Send(args));
  sink::ReceivedMessage message = OnlyMessage();
  EXPECT_EQ(message.body, ".\r\n.hidden\r\n..two dots\r\nlast line\r\n.\r\n");
  EXPECT_EQ(message.data.find("\r\n.\r\n.hidden"),
            message.data.find("\r\n\r\n") + 2)
      << message.data;
}

TEST_F(NotifySmtpTest, NonAsciiSubjectAndBodyWith8BitMime) {
  StartSink();
  nlohmann::json args = Welcome();
  args["subject"] =
      "Gr\xC3\xBC\xC3\x9F"
      "e aus K\xC3\xB6ln";
  args["body"] = "Willkommen, Frau M\xC3\xBCller!\n";
  Ok(Send(args));
  sink::ReceivedMessage message = OnlyMessage();
  EXPECT_EQ(message.Header("Subject"), "=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=");
  EXPECT_EQ(message.DecodedHeader("Subject"),
            "Gr\xC3\xBC\xC3\x9F"
            "e aus K\xC3\xB6ln");
  EXPECT_EQ(message.Header("Content-Transfer-Encoding"), "8bit");
  EXPECT_EQ(message.mail_parameters[0], "BODY=8BITMIME");
  EXPECT_EQ(message.DecodedBody(), "Willkommen, Frau M\xC3\xBCller!\r\n");
}

TEST_F(NotifySmtpTest, QuotedPrintableWithout8BitMime) {
  sink::SmtpSinkOptions options;
  options.settings.eight_bit_mime = false;
  StartSink(options);
  nlohmann::json args = Welcome();
  args["body"] =
      "Willkommen, Frau M\xC3\xBCller! a=b\n" + std::string(120, 'x');
  Ok(Send(args));
  sink::ReceivedMessage message = OnlyMessage();
  EXPECT_EQ(message.Header("Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_EQ(message.mail_parameters,
            Strings{"SIZE=" + std::to_string(message.data.size())});
  EXPECT_EQ(message.DecodedBody(), "Willkommen, Frau M\xC3\xBCller! a=b\r\n" +
                                       std::string(120, 'x') + "\r\n");
  for (char c : message.data) EXPECT_LT(static_cast<unsigned char>(c), 0x80);
}

TEST_F(NotifySmtpTest, TheIdempotencyKeyIsTheMessageId) {
  StartSink();
  Ok(Send(Welcome(), "6f1c1d2e-41a7-4b8e-9d55-0c2f7e1a9b01"));
  Ok(Send(Welcome(), "6f1c1d2e-41a7-4b8e-9d55-0c2f7e1a9b01"));
  std::vector<sink::ReceivedMessage> messages = sink_->Messages();
  ASSERT_EQ(messages.size(), 2u);
  // SMTP cannot refuse a resend; the receiver drops it by its Message-ID.
  EXPECT_EQ(messages[0].Header("Message-ID"),
            "<6f1c1d2e-41a7-4b8e-9d55-0c2f7e1a9b01@bssflow>");
  EXPECT_EQ(messages[1].Header("Message-ID"), messages[0].Header("Message-ID"));
  EXPECT_EQ(sink_->sessions(), 2u);
}

TEST_F(NotifySmtpTest, AuthPlain) {
  sink::SmtpSinkOptions options;
  options.settings.username = "relay@cloud.example";
  options.settings.password = "relay-Secret-42";
  StartSink(options);
  config_.smtp.username = "relay@cloud.example";
  config_.smtp.password = "relay-Secret-42";
  Ok(Send(Welcome()));
  EXPECT_EQ(OnlyMessage().authenticated_as, "relay@cloud.example");
  Strings commands = sink_->Commands();
  ASSERT_GE(commands.size(), 2u);
  EXPECT_EQ(commands[1], "AUTH PLAIN ***");
  EXPECT_NE(log_.find("> AUTH PLAIN ***"), std::string::npos) << log_;
  EXPECT_NE(log_.find("< 235 2.7.0 Authentication successful"),
            std::string::npos);
  EXPECT_EQ(log_.find("relay-Secret-42"), std::string::npos) << log_;
  // base64("\0relay@cloud.example\0relay-Secret-42") is not logged either.
  EXPECT_EQ(log_.find("AHJlbGF5QGNsb3VkLmV4YW1wbGUAcmVsYXktU2VjcmV0LTQy"),
            std::string::npos)
      << log_;
}

TEST_F(NotifySmtpTest, WrongPasswordIsAuth) {
  sink::SmtpSinkOptions options;
  options.settings.username = "relay@cloud.example";
  options.settings.password = "relay-Secret-42";
  StartSink(options);
  config_.smtp.username = "relay@cloud.example";
  config_.smtp.password = "wrong-password";
  ActionError error = Err(Send(Welcome()));
  EXPECT_EQ(error.kind, "auth");
  EXPECT_EQ(error.code, "535");
  EXPECT_EQ(error.message,
            "AUTH PLAIN: 535 5.7.8 Authentication credentials invalid");
  EXPECT_TRUE(sink_->Messages().empty());
  EXPECT_EQ(sink_->Commands().back(), "QUIT");
  EXPECT_EQ(log_.find("wrong-password"), std::string::npos) << log_;
}

TEST_F(NotifySmtpTest, MissingCredentialsAreAuth) {
  sink::SmtpSinkOptions options;
  options.settings.username = "relay@cloud.example";
  options.settings.password = "relay-Secret-42";
  StartSink(options);
  ActionError error = Err(Send(Welcome()));
  EXPECT_EQ(error.kind, "auth");
  EXPECT_EQ(error.code, "530");
  EXPECT_EQ(error.message,
            "MAIL FROM:<noreply@cloud.example>: 530 5.7.0 Authentication "
            "required");
}

TEST_F(NotifySmtpTest, RefusedRecipientIsInvalid) {
  sink::SmtpSinkOptions options;
  StartSink(options);
  sink::SmtpFaults faults;
  faults.recipients["boss@northwind.example"] = {550, "5.1.1 No such user"};
  sink_->SetFaults(faults);
  ActionError error = Err(Send(Welcome()));
  EXPECT_EQ(error.kind, "invalid");
  EXPECT_EQ(error.code, "550");
  EXPECT_EQ(error.message,
            "RCPT TO:<boss@northwind.example>: 550 5.1.1 No such user");
  // Nothing is sent to the others; the session ends politely.
  EXPECT_TRUE(sink_->Messages().empty());
  EXPECT_EQ(sink_->Commands().back(), "QUIT");
}

TEST_F(NotifySmtpTest, TemporaryRecipientFailureIsRetryable) {
  StartSink();
  sink::SmtpFaults faults;
  faults.recipients["audit@litware.example"] = {451, "4.3.0 Try again later"};
  sink_->SetFaults(faults);
  ActionError error = Err(Send(Welcome()));
  EXPECT_EQ(error.kind, "retryable");
  EXPECT_EQ(error.code, "451");
  EXPECT_EQ(error.message,
            "RCPT TO:<audit@litware.example>: 451 4.3.0 Try again later");
  sink_->SetFaults({});
  Ok(Send(Welcome()));
  EXPECT_EQ(OnlyMessage().recipients.size(), 3u);
}

TEST_F(NotifySmtpTest, GreetingRefusalIsRetryable) {
  StartSink();
  sink::SmtpFaults faults;
  faults.greeting = sink::FaultReply{421, "4.3.2 Service not available"};
  sink_->SetFaults(faults);
  ActionError error = Err(Send(Welcome()));
  EXPECT_EQ(error.kind, "retryable");
  EXPECT_EQ(error.code, "421");
  EXPECT_EQ(error.message, "greeting: 421 4.3.2 Service not available");
  EXPECT_TRUE(sink_->Commands().empty());  // not even QUIT after a 421
}

TEST_F(NotifySmtpTest, ConnectionDroppedAfterDataIsRetryable) {
  StartSink();
  sink::SmtpFaults faults;
  faults.drop_after_data = true;
  sink_->SetFaults(faults);
  ActionError error = Err(Send(Welcome()));
  EXPECT_EQ(error.kind, "retryable");
  EXPECT_EQ(error.code, "");
  EXPECT_EQ(error.message,
            "message data: the server closed the connection without replying");
  // The server may have kept it: the resend carries the same Message-ID.
  sink_->SetFaults({});
  Ok(Send(Welcome()));
  std::vector<sink::ReceivedMessage> messages = sink_->Messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_FALSE(messages[0].acknowledged);
  EXPECT_TRUE(messages[1].acknowledged);
  EXPECT_EQ(messages[0].Header("Message-ID"), messages[1].Header("Message-ID"));
}

TEST_F(NotifySmtpTest, StalledServerIsTimeout) {
  StartSink();
  config_.smtp.timeout = milliseconds(300);
  sink::SmtpFaults faults;
  faults.stall = sink::SinkStage::kRcptTo;
  sink_->SetFaults(faults);
  auto start = std::chrono::steady_clock::now();
  ActionError error = Err(Send(Welcome()));
  EXPECT_EQ(error.kind, "timeout");
  EXPECT_EQ(error.code, "");
  EXPECT_EQ(error.message,
            "RCPT TO:<it@northwind.example>: timed out: the session took "
            "longer than 300 ms (smtp.timeout)");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_TRUE(sink_->Messages().empty());
}

TEST_F(NotifySmtpTest, SilentGreetingIsTimeout) {
  StartSink();
  config_.smtp.timeout = milliseconds(300);
  sink::SmtpFaults faults;
  faults.stall = sink::SinkStage::kGreeting;
  sink_->SetFaults(faults);
  ActionError error = Err(Send(Welcome()));
  EXPECT_EQ(error.kind, "timeout");
  EXPECT_EQ(error.message,
            "greeting: timed out: the session took longer than 300 ms "
            "(smtp.timeout)");
}

TEST_F(NotifySmtpTest, RefusedConnectionIsRetryable) {
  StartSink();
  sink_->Stop();  // the port is free again: nothing listens
  ActionError error = Err(Send(Welcome()));
  EXPECT_EQ(error.kind, "retryable");
  EXPECT_EQ(error.message,
            "connecting to 127.0.0.1:" + std::to_string(config_.smtp.port) +
                ": Connection refused");
}

TEST_F(NotifySmtpTest, StartTlsByAddressAndByName) {
  sink::SmtpSinkOptions options;
  options.settings.starttls = true;
  options.settings.username = "relay@cloud.example";
  options.settings.password = "relay-Secret-42";
  options.tls = ServerTls();
  StartSink(options);
  config_.smtp.starttls = true;
  config_.smtp.ca_file = std::string(kTestData) + "/ca.pem";
  config_.smtp.username = "relay@cloud.example";
  config_.smtp.password = "relay-Secret-42";
  Ok(Send(Welcome()));
  connector_.reset();
  config_.smtp.host = "localhost";  // verified by name, with SNI
  Ok(Send(Welcome(), "key-2"));
  std::vector<sink::ReceivedMessage> messages = sink_->Messages();
  ASSERT_EQ(messages.size(), 2u);
  for (const sink::ReceivedMessage& message : messages) {
    EXPECT_TRUE(message.tls);
    EXPECT_EQ(message.authenticated_as, "relay@cloud.example");
  }
  Strings commands = sink_->Commands();
  ASSERT_GE(commands.size(), 4u);
  EXPECT_EQ((Strings{commands[0], commands[1], commands[2], commands[3]}),
            (Strings{"EHLO localhost", "STARTTLS", "EHLO localhost",
                     "AUTH PLAIN ***"}));
  EXPECT_NE(log_.find("* TLS established (TLSv1."), std::string::npos) << log_;
}

TEST_F(NotifySmtpTest, UntrustedCertificateIsFatal) {
  sink::SmtpSinkOptions options;
  options.settings.starttls = true;
  options.tls = ServerTls();
  StartSink(options);
  config_.smtp.starttls = true;
  ActionError error = Err(Send(Welcome()));
  EXPECT_EQ(error.kind, "fatal");
  EXPECT_EQ(error.message,
            "STARTTLS: TLS certificate verification failed for 127.0.0.1: "
            "unable to get local issuer certificate (to trust a private CA, "
            "name its PEM file in smtp.ca_file)");
  EXPECT_TRUE(sink_->Messages().empty());
}

TEST_F(NotifySmtpTest, StartTlsNotOfferedIsFatal) {
  StartSink();
  config_.smtp.starttls = true;
  ActionError error = Err(Send(Welcome()));
  EXPECT_EQ(error.kind, "fatal");
  EXPECT_EQ(error.message,
            "STARTTLS: the server does not offer STARTTLS (its EHLO reply "
            "lists: 8BITMIME SIZE ENHANCEDSTATUSCODES), and smtp.starttls "
            "requires it");
  EXPECT_EQ(sink_->Commands(), (Strings{"EHLO localhost", "QUIT"}));
}

TEST_F(NotifySmtpTest, BadArgumentsConnectNowhere) {
  StartSink();
  nlohmann::json args = Welcome();
  args["cc"] = "audit@litware";
  ActionError error = Err(Send(args));
  EXPECT_EQ(error.kind, "invalid");
  EXPECT_EQ(error.message,
            "notify.send: argument 'cc' holds \"audit@litware\", which is not "
            "an email address");
  EXPECT_EQ(sink_->sessions(), 0u);
}

TEST(SmtpSinkTest, StartRefusesWhatItCannotServe) {
  sink::SmtpSinkOptions remote;
  remote.host = "10.0.0.1";
  EXPECT_EQ(sink::SmtpSink(remote).Start().status().message(),
            "the SMTP sink listens on a loopback address only, not "
            "\"10.0.0.1\"");
  sink::SmtpSinkOptions no_tls;
  no_tls.settings.starttls = true;
  EXPECT_EQ(sink::SmtpSink(no_tls).Start().status().message(),
            "the SMTP sink offers STARTTLS only with a TLS context "
            "(SmtpSinkOptions::tls)");
  sink::SmtpSink once;
  ASSERT_TRUE(once.Start().ok());
  once.Stop();
  EXPECT_EQ(once.Start().status().message(),
            "the SMTP sink was started already");
}

// The BSS transport: notify.send through a real bss connector to the BSS
// simulator.
class NotifyBssTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::string> url = host_.Add(
        [this](const simulators::HttpRequest& r) { return sim_.Handle(r); });
    ASSERT_TRUE(url.ok()) << url.status().message();
    ASSERT_TRUE(host_.Start().ok());
    bss::BssConfig config;
    config.base_url = url.value();
    config.client_key = "bssflow-demo-client";
    config.client_secret = "bssflow-demo-secret";
    config.username = "integration@bss.example";
    config.password = "demo-password";
    config.call_timeout = milliseconds(2'000);
    auto bss = bss::BssConnector::Create(io_.get_executor(), config);
    ASSERT_TRUE(bss.ok()) << bss.status().message();
    std::shared_ptr<engine::Connector> shared = std::move(bss).value();
    auto made =
        NotifyConnector::Create(io_.get_executor(), NotifyConfig(), shared);
    ASSERT_TRUE(made.ok()) << made.status().message();
    connector_ = std::move(made).value();
  }
  void TearDown() override {
    connector_.reset();
    host_.Stop();
  }

  simulators::bss::BssSimulator sim_;
  simulators::SimulatorHost host_;
  asio::io_context io_;
  std::unique_ptr<NotifyConnector> connector_;
};

TEST_F(NotifyBssTest, SentOncePerIdempotencyKey) {
  nlohmann::json first = Ok(RunCall(io_, *connector_, Welcome(), "key-1"));
  EXPECT_EQ(first, nlohmann::json::parse(R"({
      "id": "1", "transport": "bss",
      "to": "it@northwind.example, boss@northwind.example",
      "cc": "audit@litware.example", "template": "welcome-office365"})"));
  nlohmann::json again = Ok(RunCall(io_, *connector_, Welcome(), "key-1"));
  EXPECT_EQ(again, first);
  auto notifications = sim_.Snapshot().notifications;
  ASSERT_EQ(notifications.size(), 1u);
  const auto& sent = notifications[0];
  EXPECT_EQ(sent.to, "it@northwind.example, boss@northwind.example");
  EXPECT_EQ(sent.cc, "audit@litware.example");
  EXPECT_EQ(sent.subject,
            "Your Microsoft tenant northwind.onmicrosoft.com is ready");
  EXPECT_EQ(sent.body,
            "Dear Northwind Traders,\n\nSign in as admin@northwind.example "
            "with the password Xy7!pass2024.\n");
  EXPECT_EQ(sent.template_id, "welcome-office365");
  EXPECT_EQ(sent.account_id, 1001);
  EXPECT_EQ(sent.idempotency_key, "key-1");
  // A new key is a new notification.
  EXPECT_EQ(Ok(RunCall(io_, *connector_, Welcome(), "key-2"))["id"], "2");
  EXPECT_EQ(sim_.Snapshot().notifications.size(), 2u);
}

TEST_F(NotifyBssTest, BssErrorsPassThrough) {
  nlohmann::json args = Welcome();
  args["template"] = "nope";
  ActionError error = Err(RunCall(io_, *connector_, args, "key-1"));
  EXPECT_EQ(error.kind, "invalid");
  EXPECT_EQ(error.code, "invalid-request");
  EXPECT_EQ(error.message, "No notification template has the ID nope.");
  EXPECT_TRUE(sim_.Snapshot().notifications.empty());
}

TEST_F(NotifyBssTest, AKeyReusedForAnotherNotificationIsRefused) {
  Ok(RunCall(io_, *connector_, Welcome(), "key-1"));
  nlohmann::json other = Welcome();
  other["subject"] = "Something else";
  ActionError error = Err(RunCall(io_, *connector_, other, "key-1"));
  EXPECT_EQ(error.kind, "invalid");
  EXPECT_EQ(error.code, "idempotency-key-reused");
  EXPECT_EQ(sim_.Snapshot().notifications.size(), 1u);
}

}  // namespace
}  // namespace bssflow::connectors::notify

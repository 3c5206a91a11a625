#include "simulators/smtp/sink_conversation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bssflow::simulators::smtp {
namespace {

using Then = SinkStep::Then;

// Drives a conversation line by line and keeps what it answered.
class Session {
 public:
  explicit Session(SinkSettings settings = {}, SmtpFaults faults = {})
      : conversation_(std::move(settings), std::move(faults)) {}

  std::string Open() { return Keep(conversation_.Open()); }
  // `line` without its CRLF.
  std::string Send(const std::string& line) {
    return Keep(conversation_.Receive(line + "\r\n"));
  }
  SinkConversation& conversation() { return conversation_; }

  Then then = Then::kRead;
  std::vector<ReceivedMessage> messages;
  std::vector<std::string> commands;

 private:
  std::string Keep(SinkStep step) {
    then = step.then;
    if (step.message.has_value()) messages.push_back(*step.message);
    if (!step.command.empty()) commands.push_back(step.command);
    return step.reply;
  }

  SinkConversation conversation_;
};

void SendMessage(Session& s, const std::vector<std::string>& lines) {
  EXPECT_EQ(s.Send("DATA"), "354 End data with <CR><LF>.<CR><LF>\r\n");
  for (const std::string& line : lines) EXPECT_EQ(s.Send(line), "");
}

TEST(SinkConversationTest, AWholeSession) {
  Session s;
  EXPECT_EQ(s.Open(), "220 sink.localhost ESMTP bssflow SMTP sink\r\n");
  EXPECT_EQ(s.Send("EHLO client.example"),
            "250-sink.localhost greets client.example\r\n"
            "250-8BITMIME\r\n"
            "250-SIZE 10485760\r\n"
            "250 ENHANCEDSTATUSCODES\r\n");
  EXPECT_EQ(s.Send("MAIL FROM:<a@b.example> BODY=8BITMIME SIZE=100"),
            "250 2.1.0 Ok\r\n");
  EXPECT_EQ(s.Send("RCPT TO:<c@d.example>"), "250 2.1.5 Ok\r\n");
  EXPECT_EQ(s.Send("rcpt to: <e@f.example>"), "250 2.1.5 Ok\r\n");
  SendMessage(s, {"Subject: Hi", "", "..leading dot", "body"});
  EXPECT_EQ(s.Send("."), "250 2.0.0 Ok: queued\r\n");
  EXPECT_EQ(s.Send("QUIT"), "221 2.0.0 Bye\r\n");
  EXPECT_EQ(s.then, Then::kClose);
  ASSERT_EQ(s.messages.size(), 1u);
  const ReceivedMessage& m = s.messages[0];
  EXPECT_EQ(m.helo, "client.example");
  EXPECT_EQ(m.mail_from, "a@b.example");
  EXPECT_EQ(m.mail_parameters,
            (std::vector<std::string>{"BODY=8BITMIME", "SIZE=100"}));
  EXPECT_EQ(m.recipients,
            (std::vector<std::string>{"c@d.example", "e@f.example"}));
  EXPECT_EQ(m.data, "Subject: Hi\r\n\r\n.leading dot\r\nbody\r\n");
  EXPECT_EQ(m.Header("Subject"), "Hi");
  EXPECT_EQ(m.body, ".leading dot\r\nbody\r\n");
  EXPECT_TRUE(m.acknowledged);
  EXPECT_FALSE(m.tls);
  EXPECT_EQ(s.commands, (std::vector<std::string>{
                            "EHLO client.example",
                            "MAIL FROM:<a@b.example> BODY=8BITMIME SIZE=100",
                            "RCPT TO:<c@d.example>", "rcpt to: <e@f.example>",
                            "DATA", "QUIT"}));
}

TEST(SinkConversationTest, KeepsLineEndingsAsReceived) {
  Session s;
  s.Open();
  s.Send("HELO c");
  s.Send("MAIL FROM:<>");
  s.Send("RCPT TO:<c@d.example>");
  s.Send("DATA");
  s.conversation().Receive("bare\n");
  s.conversation().Receive("crlf\r\n");
  SinkStep end = s.conversation().Receive(".\r\n");
  ASSERT_TRUE(end.message.has_value());
  EXPECT_EQ(end.message->data, "bare\ncrlf\r\n");
  EXPECT_EQ(end.message->mail_from, "");
}

TEST(SinkConversationTest, OrderOfCommands) {
  Session s;
  s.Open();
  EXPECT_EQ(s.Send("MAIL FROM:<a@b.example>"), "503 5.5.1 Send EHLO first\r\n");
  EXPECT_EQ(s.Send("EHLO"), "501 5.5.4 Syntax: EHLO hostname\r\n");
  s.Send("EHLO c");
  EXPECT_EQ(s.Send("RCPT TO:<c@d.example>"), "503 5.5.1 Need MAIL command\r\n");
  EXPECT_EQ(s.Send("DATA"), "503 5.5.1 Need MAIL command\r\n");
  s.Send("MAIL FROM:<a@b.example>");
  EXPECT_EQ(s.Send("MAIL FROM:<a@b.example>"),
            "503 5.5.1 Nested MAIL command\r\n");
  EXPECT_EQ(s.Send("DATA"), "554 5.5.1 No valid recipients\r\n");
  EXPECT_EQ(s.Send("RSET"), "250 2.0.0 Ok\r\n");
  EXPECT_EQ(s.Send("RCPT TO:<c@d.example>"), "503 5.5.1 Need MAIL command\r\n");
  EXPECT_EQ(s.Send("NOOP"), "250 2.0.0 Ok\r\n");
  EXPECT_EQ(s.Send("VRFY x"), "252 2.0.0 Cannot VRFY user\r\n");
  EXPECT_EQ(s.Send("FROB"), "500 5.5.2 Error: command not recognized\r\n");
  EXPECT_EQ(s.Send("STARTTLS"), "502 5.5.1 STARTTLS not available\r\n");
  EXPECT_EQ(s.Send("AUTH PLAIN AHVAcA=="), "502 5.5.1 AUTH not available\r\n");
}

TEST(SinkConversationTest, SyntaxAndParameters) {
  Session s;
  s.Open();
  s.Send("EHLO c");
  EXPECT_EQ(s.Send("MAIL FROM:a@b.example"),
            "501 5.5.4 Syntax: MAIL FROM:<address>\r\n");
  EXPECT_EQ(s.Send("MAIL FROM:<a@b.example> X=1"),
            "555 5.5.4 Unsupported parameter X=1\r\n");
  EXPECT_EQ(s.Send("MAIL FROM:<a@b.example> SIZE=99999999"),
            "552 5.3.4 Message size exceeds fixed maximum message size\r\n");
  s.Send("MAIL FROM:<a@b.example>");
  EXPECT_EQ(s.Send("RCPT TO:<nobody>"),
            "501 5.1.3 Bad recipient address syntax\r\n");
}

TEST(SinkConversationTest, AuthPlain) {
  SinkSettings settings;
  settings.username = "user";
  settings.password = "pass";
  Session s(settings);
  s.Open();
  std::string ehlo = s.Send("EHLO c");
  EXPECT_NE(ehlo.find("250-AUTH PLAIN\r\n"), std::string::npos) << ehlo;
  EXPECT_EQ(s.Send("MAIL FROM:<a@b.example>"),
            "530 5.7.0 Authentication required\r\n");
  EXPECT_EQ(s.Send("AUTH LOGIN"),
            "504 5.5.4 Unrecognized authentication type\r\n");
  // base64("\0user\0wrong")
  EXPECT_EQ(s.Send("AUTH PLAIN AHVzZXIAd3Jvbmc="),
            "535 5.7.8 Authentication credentials invalid\r\n");
  EXPECT_EQ(s.Send("AUTH PLAIN"), "334 \r\n");
  EXPECT_EQ(s.Send("AHVzZXIAcGFzcw=="),
            "235 2.7.0 Authentication successful\r\n");
  EXPECT_EQ(s.Send("AUTH PLAIN AHVzZXIAcGFzcw=="),
            "503 5.5.1 Already authenticated\r\n");
  EXPECT_EQ(s.Send("MAIL FROM:<a@b.example>"), "250 2.1.0 Ok\r\n");
  EXPECT_EQ(s.commands[3], "AUTH PLAIN ***");
  EXPECT_EQ(s.commands[4], "AUTH PLAIN");
  EXPECT_EQ(s.commands[5], "(AUTH PLAIN response) ***");
}

TEST(SinkConversationTest, StartTlsStartsOver) {
  SinkSettings settings;
  settings.starttls = true;
  settings.username = "user";
  settings.password = "pass";
  Session s(settings);
  s.Open();
  EXPECT_NE(s.Send("EHLO c").find("250-STARTTLS\r\n"), std::string::npos);
  EXPECT_EQ(s.Send("STARTTLS now"), "501 5.5.4 Syntax: STARTTLS\r\n");
  EXPECT_EQ(s.Send("STARTTLS"), "220 2.0.0 Ready to start TLS\r\n");
  EXPECT_EQ(s.then, Then::kStartTls);
  s.conversation().TlsStarted();
  EXPECT_EQ(s.Send("AUTH PLAIN AHVzZXIAcGFzcw=="),
            "503 5.5.1 Send EHLO first\r\n");
  std::string ehlo = s.Send("EHLO c");
  EXPECT_EQ(ehlo.find("STARTTLS"), std::string::npos) << ehlo;
  EXPECT_EQ(s.Send("STARTTLS"), "503 5.5.1 TLS already active\r\n");
  s.Send("AUTH PLAIN AHVzZXIAcGFzcw==");
  s.Send("MAIL FROM:<a@b.example>");
  s.Send("RCPT TO:<c@d.example>");
  SendMessage(s, {"x"});
  s.Send(".");
  ASSERT_EQ(s.messages.size(), 1u);
  EXPECT_TRUE(s.messages[0].tls);
  EXPECT_EQ(s.messages[0].authenticated_as, "user");
}

TEST(SinkConversationTest, TooBigMessageIsRefused) {
  SinkSettings settings;
  settings.max_message_size = 10;
  Session s(settings);
  s.Open();
  s.Send("EHLO c");
  s.Send("MAIL FROM:<a@b.example>");
  s.Send("RCPT TO:<c@d.example>");
  SendMessage(s, {"0123456789"});
  EXPECT_EQ(s.Send("."), "552 5.3.4 Message too big\r\n");
  EXPECT_TRUE(s.messages.empty());
  EXPECT_EQ(s.Send("MAIL FROM:<a@b.example>"), "250 2.1.0 Ok\r\n");
}

TEST(SinkConversationFaultsTest, GreetingReplyThenClose) {
  SmtpFaults faults;
  faults.greeting = FaultReply{421, "4.3.2 Service not available"};
  Session s({}, faults);
  EXPECT_EQ(s.Open(), "421 4.3.2 Service not available\r\n");
  EXPECT_EQ(s.then, Then::kClose);
}

TEST(SinkConversationFaultsTest, RecipientReplies) {
  SmtpFaults faults;
  faults.recipients["busy@d.example"] = {451, "4.3.0 Try again later"};
  faults.recipients["gone@d.example"] = {550, "5.1.1 No such user"};
  Session s({}, faults);
  s.Open();
  s.Send("EHLO c");
  s.Send("MAIL FROM:<a@b.example>");
  EXPECT_EQ(s.Send("RCPT TO:<Busy@D.example>"),
            "451 4.3.0 Try again later\r\n");
  EXPECT_EQ(s.Send("RCPT TO:<gone@d.example>"), "550 5.1.1 No such user\r\n");
  EXPECT_EQ(s.Send("RCPT TO:<ok@d.example>"), "250 2.1.5 Ok\r\n");
}

TEST(SinkConversationFaultsTest, DropAfterDataKeepsTheMessage) {
  SmtpFaults faults;
  faults.drop_after_data = true;
  Session s({}, faults);
  s.Open();
  s.Send("EHLO c");
  s.Send("MAIL FROM:<a@b.example>");
  s.Send("RCPT TO:<c@d.example>");
  SendMessage(s, {"x"});
  EXPECT_EQ(s.Send("."), "");
  EXPECT_EQ(s.then, Then::kDrop);
  ASSERT_EQ(s.messages.size(), 1u);
  EXPECT_FALSE(s.messages[0].acknowledged);
}

TEST(SinkConversationFaultsTest, StallsWhereAsked) {
  for (SinkStage stage : {SinkStage::kHello, SinkStage::kMailFrom,
                          SinkStage::kRcptTo, SinkStage::kData}) {
    SmtpFaults faults;
    faults.stall = stage;
    Session s({}, faults);
    s.Open();
    std::vector<std::string> lines = {"EHLO c", "MAIL FROM:<a@b.example>",
                                      "RCPT TO:<c@d.example>", "DATA"};
    std::string reply = "(none)";
    for (const std::string& line : lines) {
      reply = s.Send(line);
      if (s.then == Then::kStall) break;
    }
    EXPECT_EQ(s.then, Then::kStall) << static_cast<int>(stage);
    EXPECT_EQ(reply, "");
  }
  SmtpFaults at_greeting;
  at_greeting.stall = SinkStage::kGreeting;
  Session s({}, at_greeting);
  EXPECT_EQ(s.Open(), "");
  EXPECT_EQ(s.then, Then::kStall);
}

TEST(ParsePathArgumentTest, AddressAndParameters) {
  auto path =
      ParsePathArgument("FROM:<a@b.example> BODY=8BITMIME  SIZE=1", "FROM");
  ASSERT_TRUE(path.has_value());
  EXPECT_EQ(path->address, "a@b.example");
  EXPECT_EQ(path->parameters,
            (std::vector<std::string>{"BODY=8BITMIME", "SIZE=1"}));
  EXPECT_EQ(ParsePathArgument("TO:<a@b.example>", "FROM"), std::nullopt);
  EXPECT_EQ(ParsePathArgument("FROM:<a@b.example", "FROM"), std::nullopt);
  EXPECT_EQ(ParsePathArgument("FROM:<a@b.example>X", "FROM"), std::nullopt);
}

}  // namespace
}  // namespace bssflow::simulators::smtp

#include "connectors/notify/smtp_reply.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bssflow::connectors::notify {
namespace {

// Feeds `lines` to an assembler; the reply, or the first error as
// "error: ...", or "incomplete".
std::string Assemble(const std::vector<std::string>& lines) {
  ReplyAssembler assembler;
  for (const std::string& line : lines) {
    Status added = assembler.Add(line);
    if (!added.ok()) return "error: " + added.message();
  }
  if (!assembler.complete()) return "incomplete";
  SmtpReply reply = assembler.Take();
  std::string out = std::to_string(reply.code);
  for (const std::string& line : reply.lines) out += "|" + line;
  return out;
}

TEST(ReplyAssemblerTest, OneLine) {
  EXPECT_EQ(Assemble({"250 2.0.0 Ok"}), "250|2.0.0 Ok");
  EXPECT_EQ(Assemble({"354"}), "354|");
  EXPECT_EQ(Assemble({"220 "}), "220|");
}

TEST(ReplyAssemblerTest, MultiLine) {
  EXPECT_EQ(Assemble({"250-sink.localhost", "250-8BITMIME", "250 SIZE 1000"}),
            "250|sink.localhost|8BITMIME|SIZE 1000");
  EXPECT_EQ(Assemble({"250-first", "250-second"}), "incomplete");
  EXPECT_EQ(Assemble({"550-", "550 no"}), "550||no");
}

TEST(ReplyAssemblerTest, MalformedLines) {
  EXPECT_EQ(Assemble({"hello"}), "error: malformed reply \"hello\"");
  EXPECT_EQ(Assemble({"25"}), "error: malformed reply \"25\"");
  EXPECT_EQ(Assemble({"250x"}), "error: malformed reply \"250x\"");
  EXPECT_EQ(Assemble({"650 ok"}), "error: malformed reply \"650 ok\"");
  EXPECT_EQ(Assemble({"HTTP/1.1 400 Bad Request"}),
            "error: malformed reply \"HTTP/1.1 400 Bad Request\"");
  EXPECT_EQ(Assemble({"SSH-2.0-OpenSSH_9.2p1"}),
            "error: malformed reply \"SSH-2.0-OpenSSH_9.2p1\"");
  EXPECT_EQ(Assemble({"250-a", "251 b"}),
            "error: malformed reply: \"251 b\" continues a 250 reply");
  EXPECT_EQ(Assemble({"ab\x01"}), "error: malformed reply \"ab?\"");
  EXPECT_EQ(Assemble({"250 " + std::string(ReplyAssembler::kMaxLine, 'x')}),
            "error: a reply line longer than 4096 bytes");
  std::vector<std::string> many(ReplyAssembler::kMaxLines + 1, "250-x");
  EXPECT_EQ(Assemble(many), "error: a reply of more than 256 lines");
}

TEST(ReplyAssemblerTest, TakeResets) {
  ReplyAssembler assembler;
  ASSERT_TRUE(assembler.Add("220 hi").ok());
  EXPECT_EQ(assembler.Take().code, 220);
  EXPECT_FALSE(assembler.complete());
  ASSERT_TRUE(assembler.Add("221 bye").ok());
  EXPECT_EQ(assembler.Take().ToString(), "221 bye");
}

TEST(SmtpReplyTest, TextJoinsTheLines) {
  SmtpReply reply{550, {"5.1.1 no such user", "", "see the docs"}};
  EXPECT_EQ(reply.Text(), "5.1.1 no such user see the docs");
  EXPECT_EQ(reply.ToString(), "550 5.1.1 no such user see the docs");
  EXPECT_EQ((SmtpReply{250, {""}}).ToString(), "250");
}

TEST(CapabilitiesTest, ReadsTheKeywords) {
  Capabilities caps = ParseCapabilities(
      SmtpReply{250,
                {"sink.localhost greets you", "8bitmime", "SIZE 10485760",
                 "AUTH login Plain", "STARTTLS", "ENHANCEDSTATUSCODES"}});
  EXPECT_TRUE(caps.eight_bit_mime);
  EXPECT_TRUE(caps.size);
  EXPECT_TRUE(caps.starttls);
  EXPECT_TRUE(caps.HasAuth("PLAIN"));
  EXPECT_TRUE(caps.HasAuth("LOGIN"));
  EXPECT_FALSE(caps.HasAuth("CRAM-MD5"));
  EXPECT_EQ(caps.keywords,
            (std::vector<std::string>{"8BITMIME", "SIZE", "AUTH", "STARTTLS",
                                      "ENHANCEDSTATUSCODES"}));
}

TEST(CapabilitiesTest, TheGreetingLineIsNotAKeyword) {
  Capabilities caps = ParseCapabilities(SmtpReply{250, {"STARTTLS"}});
  EXPECT_FALSE(caps.starttls);
  EXPECT_TRUE(caps.keywords.empty());
}

TEST(AuthPlainTest, NulSeparatedBase64) {
  EXPECT_EQ(AuthPlainCommand("user", "pass"), "AUTH PLAIN AHVzZXIAcGFzcw==");
}

TEST(ErrorKindOfReplyTest, ByCodeAndStage) {
  EXPECT_EQ(ErrorKindOfReply(SmtpStage::kGreeting, 421), "retryable");
  EXPECT_EQ(ErrorKindOfReply(SmtpStage::kRcptTo, 451), "retryable");
  EXPECT_EQ(ErrorKindOfReply(SmtpStage::kMessage, 452), "retryable");
  EXPECT_EQ(ErrorKindOfReply(SmtpStage::kRcptTo, 550), "invalid");
  EXPECT_EQ(ErrorKindOfReply(SmtpStage::kRcptTo, 553), "invalid");
  EXPECT_EQ(ErrorKindOfReply(SmtpStage::kRcptTo, 552), "fatal");
  EXPECT_EQ(ErrorKindOfReply(SmtpStage::kMailFrom, 550), "fatal");
  EXPECT_EQ(ErrorKindOfReply(SmtpStage::kMailFrom, 553), "fatal");
  EXPECT_EQ(ErrorKindOfReply(SmtpStage::kAuth, 535), "auth");
  EXPECT_EQ(ErrorKindOfReply(SmtpStage::kMailFrom, 530), "auth");
  EXPECT_EQ(ErrorKindOfReply(SmtpStage::kAuth, 534), "auth");
  EXPECT_EQ(ErrorKindOfReply(SmtpStage::kAuth, 538), "auth");
  EXPECT_EQ(ErrorKindOfReply(SmtpStage::kGreeting, 554), "fatal");
  EXPECT_EQ(ErrorKindOfReply(SmtpStage::kData, 354), "fatal");
  EXPECT_EQ(ErrorKindOfReply(SmtpStage::kHello, 250), "fatal");
}

TEST(ErrorFromReplyTest, NamesWhatWasBeingDone) {
  engine::ActionError error =
      ErrorFromReply(SmtpStage::kRcptTo, "RCPT TO:<x@y.example>",
                     SmtpReply{550, {"no such user"}});
  EXPECT_EQ(error.kind, "invalid");
  EXPECT_EQ(error.code, "550");
  EXPECT_EQ(error.message, "RCPT TO:<x@y.example>: 550 no such user");
  EXPECT_FALSE(error.retry_after.has_value());
}

}  // namespace
}  // namespace bssflow::connectors::notify

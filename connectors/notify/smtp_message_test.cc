#include "connectors/notify/smtp_message.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace bssflow::connectors::notify {
namespace {

using std::chrono::sys_days;

std::chrono::system_clock::time_point May1Noon() {
  return sys_days(std::chrono::year(2024) / 5 / 1) + std::chrono::hours(12);
}

// Every line of `text` (split at CRLF), for length checks.
std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find("\r\n", start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

std::string Unfolded(std::string text) {
  for (size_t at = text.find("\r\n"); at != std::string::npos;
       at = text.find("\r\n", at))
    text.erase(at, 2);
  return text;
}

TEST(SmtpMessageTest, MessageIdOfTheKey) {
  EXPECT_EQ(MessageIdOf("6f1c1d2e-41a7"), "<6f1c1d2e-41a7@bssflow>");
}

TEST(SmtpMessageTest, NormalizesEveryLineEnding) {
  EXPECT_EQ(NormalizeLineEndings("a\nb\r\nc\rd\n\ne"),
            "a\r\nb\r\nc\r\nd\r\n\r\ne");
  EXPECT_EQ(NormalizeLineEndings("\r\r\n"), "\r\n\r\n");
}

TEST(SmtpMessageTest, ChoosesEightBitWhenItCan) {
  EXPECT_EQ(ChooseBodyEncoding("plain ASCII", false), BodyEncoding::k8Bit);
  EXPECT_EQ(ChooseBodyEncoding("Gr\xC3\xBC\xC3\x9F"
                               "e",
                               true),
            BodyEncoding::k8Bit);
  EXPECT_EQ(ChooseBodyEncoding("Gr\xC3\xBC\xC3\x9F"
                               "e",
                               false),
            BodyEncoding::kQuotedPrintable);
  EXPECT_EQ(ChooseBodyEncoding(std::string(998, 'a') + "\nb", true),
            BodyEncoding::k8Bit);
  EXPECT_EQ(ChooseBodyEncoding("b\r\n" + std::string(999, 'a'), true),
            BodyEncoding::kQuotedPrintable);
  EXPECT_EQ(ChooseBodyEncoding(std::string("a\0b", 3), true),
            BodyEncoding::kQuotedPrintable);
}

TEST(QuotedPrintableTest, EncodesWhatIsNotPlainText) {
  EXPECT_EQ(QuotedPrintable("a=b"), "a=3Db");
  EXPECT_EQ(QuotedPrintable("caf\xC3\xA9"), "caf=C3=A9");
  EXPECT_EQ(QuotedPrintable("tab\there"), "tab\there");
  EXPECT_EQ(QuotedPrintable(std::string("nul\0", 4)), "nul=00");
  EXPECT_EQ(QuotedPrintable(""), "");
}

TEST(QuotedPrintableTest, KeepsHardBreaksAndEncodesTrailingSpace) {
  EXPECT_EQ(QuotedPrintable("x \r\ny\t\r\n\r\nz"), "x=20\r\ny=09\r\n\r\nz");
  EXPECT_EQ(QuotedPrintable("line\r\n"), "line\r\n");
}

TEST(QuotedPrintableTest, SoftBreaksKeepLinesAt76) {
  EXPECT_EQ(QuotedPrintable(std::string(76, 'a')), std::string(76, 'a'));
  EXPECT_EQ(QuotedPrintable(std::string(77, 'a')),
            std::string(75, 'a') + "=\r\n" + "aa");
  EXPECT_EQ(QuotedPrintable(std::string(100, 'a')),
            std::string(75, 'a') + "=\r\n" + std::string(25, 'a'));
  // An escape is never split across a soft break.
  EXPECT_EQ(QuotedPrintable(std::string(74, 'a') + "\xC3\xA9"),
            std::string(74, 'a') + "=\r\n=C3=A9");
  for (const std::string& line :
       Lines(QuotedPrintable(std::string(500, '\xE9') + "\r\nend")))
    EXPECT_LE(line.size(), 76u) << line;
}

TEST(EncodeSubjectTest, PlainAsciiStaysAsItIs) {
  EXPECT_EQ(EncodeSubject("Your tenant is ready"), "Your tenant is ready");
  EXPECT_EQ(EncodeSubject(""), "");
}

TEST(EncodeSubjectTest, LongAsciiIsFoldedAtSpaces) {
  std::string subject;
  for (int i = 0; i < 30; ++i) subject += "word" + std::to_string(i) + " ";
  subject += "end";
  std::string folded = EncodeSubject(subject);
  EXPECT_NE(folded.find("\r\n "), std::string::npos);
  EXPECT_EQ(Unfolded(folded), subject);
  for (const std::string& line : Lines("Subject: " + folded))
    EXPECT_LE(line.size(), 78u) << line;
}

TEST(EncodeSubjectTest, NonAsciiBecomesEncodedWords) {
  EXPECT_EQ(EncodeSubject("Gr\xC3\xBC\xC3\x9F"
                          "e"),
            "=?UTF-8?B?R3LDvMOfZQ==?=");
  // 40 bytes: two words, split between characters.
  std::string accents;
  for (int i = 0; i < 20; ++i) accents += "\xC3\xA9";
  EXPECT_EQ(EncodeSubject(accents),
            "=?UTF-8?B?w6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOpw6nDqcOp?=\r\n"
            " =?UTF-8?B?w6nDqcOpw6nDqQ==?=");
  // A three-byte character straddling byte 30 moves to the next word.
  std::string euros = "a";
  for (int i = 0; i < 12; ++i) euros += "\xE2\x82\xAC";
  EXPECT_EQ(EncodeSubject(euros),
            "=?UTF-8?B?YeKCrOKCrOKCrOKCrOKCrOKCrOKCrOKCrOKCrA==?=\r\n"
            " =?UTF-8?B?4oKs4oKs4oKs?=");
  for (const std::string& line : Lines("Subject: " + EncodeSubject(euros)))
    EXPECT_LE(line.size(), 76u) << line;
}

TEST(EncodeSubjectTest, TextThatLooksEncodedIsEncoded) {
  EXPECT_EQ(EncodeSubject("=?x?="), "=?UTF-8?B?PT94Pz0=?=");
  EXPECT_EQ(EncodeSubject("tab\there"), "=?UTF-8?B?dGFiCWhlcmU=?=");
}

TEST(SmtpMessageTest, FormatsDatesInUtc) {
  EXPECT_EQ(FormatDate(May1Noon()), "Wed, 01 May 2024 12:00:00 +0000");
  EXPECT_EQ(FormatDate(sys_days(std::chrono::year(1999) / 12 / 31) +
                       std::chrono::seconds(86399)),
            "Fri, 31 Dec 1999 23:59:59 +0000");
}

MailMessage Welcome() {
  MailMessage message;
  message.from = "noreply@cloud.example";
  message.to = {"it@northwind.example"};
  message.cc = {"boss@northwind.example"};
  message.subject = "Welcome";
  message.body = "Hello\n.hidden line\nBye";
  message.message_id = "<key-1@bssflow>";
  return message;
}

TEST(FormatMessageTest, HeadersThenTheBodyWithCrlf) {
  EXPECT_EQ(FormatMessage(Welcome(), BodyEncoding::k8Bit, May1Noon()),
            "From: noreply@cloud.example\r\n"
            "To: it@northwind.example\r\n"
            "Cc: boss@northwind.example\r\n"
            "Subject: Welcome\r\n"
            "Date: Wed, 01 May 2024 12:00:00 +0000\r\n"
            "Message-ID: <key-1@bssflow>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: 8bit\r\n"
            "\r\n"
            "Hello\r\n.hidden line\r\nBye\r\n");
}

TEST(FormatMessageTest, QuotedPrintableWithoutCc) {
  MailMessage message = Welcome();
  message.cc.clear();
  message.subject =
      "Gr\xC3\xBC\xC3\x9F"
      "e";
  message.body =
      "Gr\xC3\xBC\xC3\x9F"
      "e=1\r\n";
  EXPECT_EQ(FormatMessage(message, BodyEncoding::kQuotedPrintable, May1Noon()),
            "From: noreply@cloud.example\r\n"
            "To: it@northwind.example\r\n"
            "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"
            "Date: Wed, 01 May 2024 12:00:00 +0000\r\n"
            "Message-ID: <key-1@bssflow>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\n"
            "\r\n"
            "Gr=C3=BC=C3=9Fe=3D1\r\n");
}

TEST(FormatMessageTest, LongAddressListsAreFoldedAfterCommas) {
  MailMessage message = Welcome();
  message.to.clear();
  std::string unfolded = "To:";
  for (int i = 0; i < 8; ++i) {
    message.to.push_back("recipient" + std::to_string(i) +
                         "@northwind.example");
    unfolded += std::string(i == 0 ? " " : ", ") + message.to.back();
  }
  std::string text = FormatMessage(message, BodyEncoding::k8Bit, May1Noon());
  size_t begin = text.find("To:");
  std::string header = text.substr(begin, text.find("\r\nCc:") - begin);
  EXPECT_NE(header.find(",\r\n recipient"), std::string::npos) << header;
  EXPECT_EQ(Unfolded(header), unfolded);
  for (const std::string& line : Lines(header)) EXPECT_LE(line.size(), 78u);
}

TEST(DataSectionTest, DotStuffsAndTerminates) {
  EXPECT_EQ(DataSection(""), ".\r\n");
  EXPECT_EQ(DataSection("a\r\n"), "a\r\n.\r\n");
  EXPECT_EQ(DataSection("a"), "a\r\n.\r\n");
  EXPECT_EQ(DataSection(".\r\n"), "..\r\n.\r\n");
  EXPECT_EQ(DataSection("x\r\n.\r\n.y\r\nz.\r\n"),
            "x\r\n..\r\n..y\r\nz.\r\n.\r\n");
}

TEST(DataSectionTest, OfAFormattedMessage) {
  std::string data =
      DataSection(FormatMessage(Welcome(), BodyEncoding::k8Bit, May1Noon()));
  EXPECT_NE(data.find("\r\n..hidden line\r\n"), std::string::npos);
  EXPECT_EQ(data.substr(data.size() - 8), "Bye\r\n.\r\n");
}

}  // namespace
}  // namespace bssflow::connectors::notify

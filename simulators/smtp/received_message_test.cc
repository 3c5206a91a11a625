#include "simulators/smtp/received_message.h"

#include <gtest/gtest.h>

namespace bssflow::simulators::smtp {
namespace {

ReceivedMessage Parsed(std::string data) {
  ReceivedMessage message;
  message.data = std::move(data);
  ParseData(message);
  return message;
}

TEST(ParseDataTest, HeadersAndBody) {
  ReceivedMessage message = Parsed(
      "From: a@b.example\r\n"
      "To: c@d.example,\r\n"
      " e@f.example\r\n"
      "Subject:  Hello\r\n"
      "\r\n"
      "Body line\r\n"
      "\r\n"
      "Key: not a header\r\n");
  ASSERT_EQ(message.headers.size(), 3u);
  EXPECT_EQ(message.headers[0], (HeaderField{"From", "a@b.example"}));
  EXPECT_EQ(message.headers[1],
            (HeaderField{"To", "c@d.example, e@f.example"}));
  EXPECT_EQ(message.headers[2], (HeaderField{"Subject", "Hello"}));
  EXPECT_EQ(message.body, "Body line\r\n\r\nKey: not a header\r\n");
  EXPECT_EQ(message.Header("subject"), "Hello");
  EXPECT_EQ(message.Header("Cc"), std::nullopt);
}

TEST(ParseDataTest, BareLineFeedsToo) {
  ReceivedMessage message = Parsed("A: 1\nB: 2\n\nbody\n");
  ASSERT_EQ(message.headers.size(), 2u);
  EXPECT_EQ(message.headers[1], (HeaderField{"B", "2"}));
  EXPECT_EQ(message.body, "body\n");
}

TEST(ParseDataTest, NoBody) {
  ReceivedMessage message = Parsed("A: 1\r\n");
  ASSERT_EQ(message.headers.size(), 1u);
  EXPECT_EQ(message.body, "");
}

TEST(ReceivedMessageTest, DecodesHeaderAndBody) {
  ReceivedMessage message = Parsed(
      "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"
      "Content-Transfer-Encoding: Quoted-Printable\r\n"
      "\r\n"
      "Gr=C3=BC=C3=9Fe=\r\n=3D1\r\n");
  EXPECT_EQ(message.DecodedHeader("Subject"),
            "Gr\xC3\xBC\xC3\x9F"
            "e");
  EXPECT_EQ(message.DecodedHeader("X-None"), "");
  EXPECT_EQ(message.DecodedBody(),
            "Gr\xC3\xBC\xC3\x9F"
            "e=1\r\n");
  ReceivedMessage plain =
      Parsed("Content-Transfer-Encoding: 8bit\r\n\r\nx=41\r\n");
  EXPECT_EQ(plain.DecodedBody(), "x=41\r\n");
  ReceivedMessage base64 =
      Parsed("Content-Transfer-Encoding: base64\r\n\r\nYWJj\r\nZGVm\r\n");
  EXPECT_EQ(base64.DecodedBody(), "abcdef");
}

}  // namespace
}  // namespace bssflow::simulators::smtp

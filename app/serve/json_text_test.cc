#include "app/serve/json_text.h"

#include <gtest/gtest.h>

namespace bssflow::serve {
namespace {

std::string Quoted(std::string_view text) {
  std::string out;
  AppendJsonString(out, text);
  return out;
}

TEST(JsonTextTest, EscapesAndReplacesWhatIsNotUtf8) {
  EXPECT_EQ(Quoted("a\"b\\c\n"), R"("a\"b\\c\u000a")");
  EXPECT_EQ(Quoted("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  // A lone continuation byte, a cut sequence, an overlong '/', a surrogate.
  EXPECT_EQ(Quoted("\x80"), R"("\ufffd")");
  EXPECT_EQ(Quoted("x\xe2\x82"), R"("x\ufffd\ufffd")");
  EXPECT_EQ(Quoted("\xc0\xaf"), R"("\ufffd\ufffd")");
  EXPECT_EQ(Quoted("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");
  std::string members;
  AppendMember(members, "path", "/v1/\xff");
  AppendMember(members, "status", int64_t{404});
  EXPECT_EQ(members, R"("path":"/v1/\ufffd","status":404)");
}

}  // namespace
}  // namespace bssflow::serve

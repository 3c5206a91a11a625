#include "net/request_id.h"

#include <gtest/gtest.h>

namespace bssflow::net {
namespace {

TEST(RequestIdTest, SaneIdsAreEchoedOthersReplaced) {
  EXPECT_TRUE(SaneRequestId("bss-42.a_B"));
  EXPECT_FALSE(SaneRequestId(""));
  EXPECT_FALSE(SaneRequestId("has space"));
  EXPECT_FALSE(SaneRequestId("line\nbreak"));
  EXPECT_FALSE(SaneRequestId(std::string(129, 'a')));
  EXPECT_TRUE(SaneRequestId(std::string(128, 'a')));
  EXPECT_EQ(RequestIdFor("bss-42"), "bss-42");
  std::string fresh = RequestIdFor("\"quoted\"");
  EXPECT_EQ(fresh.size(), 16u);
  EXPECT_EQ(fresh.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(NewRequestId(), NewRequestId());
}

}  // namespace
}  // namespace bssflow::net

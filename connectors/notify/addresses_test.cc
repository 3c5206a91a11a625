#include "connectors/notify/addresses.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bssflow::connectors::notify {
namespace {

using Addresses = std::vector<std::string>;

TEST(SplitAddressListTest, SplitsOnCommasAndSemicolonsAndTrims) {
  EXPECT_EQ(SplitAddressList(" a@b.example,c@d.example ;\te@f.example "),
            (Addresses{"a@b.example", "c@d.example", "e@f.example"}));
}

TEST(SplitAddressListTest, DropsEmptyItems) {
  EXPECT_EQ(SplitAddressList("a@b.example;; ,"), (Addresses{"a@b.example"}));
  EXPECT_EQ(SplitAddressList(""), Addresses{});
  EXPECT_EQ(SplitAddressList(" ; , "), Addresses{});
}

TEST(SplitAddressListTest, KeepsItemsUnchecked) {
  EXPECT_EQ(SplitAddressList("Bob <b@c.example>, x"),
            (Addresses{"Bob <b@c.example>", "x"}));
}

TEST(LooksLikeAddressTest, AcceptsPlainAddresses) {
  for (const char* address :
       {"it@northwind.example", "first.last+tag@mail.sub.example",
        "o'brien@x.example", "a@b-c.example", "x@1.2.3.4",
        "#!$%&*/=?^_`{|}~-@x.example"}) {
    EXPECT_TRUE(LooksLikeAddress(address)) << address;
  }
}

TEST(LooksLikeAddressTest, RefusesWhatIsNotABareAddress) {
  for (const char* address : {"",
                              "a",
                              "@b.example",
                              "a@",
                              "a@b",
                              "a b@c.example",
                              "a@b..example",
                              ".a@b.example",
                              "a.@b.example",
                              "a..b@c.example",
                              "a@-b.example",
                              "a@b-.example",
                              "a@b_c.example",
                              "a@b.example.",
                              "<a@b.example>",
                              "Bob <a@b.example>",
                              "a@b@c.example",
                              "\xC3\xA4@b.example",
                              "a@b.example\r\nRCPT TO:<x@y.example>",
                              "a\"b@c.example"}) {
    EXPECT_FALSE(LooksLikeAddress(address)) << address;
  }
}

TEST(LooksLikeAddressTest, EnforcesLengths) {
  std::string local64(64, 'a'), local65(65, 'a');
  EXPECT_TRUE(LooksLikeAddress(local64 + "@b.example"));
  EXPECT_FALSE(LooksLikeAddress(local65 + "@b.example"));
  std::string label63(63, 'b'), label64(64, 'b');
  EXPECT_TRUE(LooksLikeAddress("a@" + label63 + ".example"));
  EXPECT_FALSE(LooksLikeAddress("a@" + label64 + ".example"));
  // 254 bytes at most in all.
  std::string domain = label63 + "." + label63 + "." + label63 + ".";
  std::string fits = "a@" + domain + std::string(254 - 2 - domain.size(), 'c');
  EXPECT_TRUE(LooksLikeAddress(fits)) << fits.size();
  EXPECT_FALSE(LooksLikeAddress("a" + fits));
}

TEST(JoinAddressesTest, JoinsWithCommaAndSpace) {
  EXPECT_EQ(JoinAddresses({"a@b.example", "c@d.example"}),
            "a@b.example, c@d.example");
  EXPECT_EQ(JoinAddresses({}), "");
}

}  // namespace
}  // namespace bssflow::connectors::notify

#include "connectors/partner_center/collection_pages.h"

#include <gtest/gtest.h>

namespace bssflow::connectors::partner_center {
namespace {

const nlohmann::json kPage = nlohmann::json::parse(R"({
  "totalCount": 2,
  "items": [
    {"id": "c1", "companyProfile": {"domain": "contoso.com"}},
    {"id": "c3", "companyProfile": {"domain": "ContosoBikes.onmicrosoft.com"}},
    {"id": "odd"}
  ],
  "continuationToken": "tok-2",
  "attributes": {"objectType": "Collection"}})");

TEST(CollectionPagesTest, ExactDomainIgnoringCaseNotPrefix) {
  const nlohmann::json* match =
      FindExactDomain(kPage, "contosobikes.onmicrosoft.com");
  ASSERT_NE(match, nullptr);
  EXPECT_EQ((*match)["id"], "c3");
  EXPECT_EQ(FindExactDomain(kPage, "contoso.co"), nullptr);
  EXPECT_EQ(FindExactDomain(kPage, "contoso.onmicrosoft.com"), nullptr);
  EXPECT_EQ(FindExactDomain(nlohmann::json::object(), "contoso.com"), nullptr);
}

TEST(CollectionPagesTest, ContinuationToken) {
  EXPECT_EQ(ContinuationToken(kPage), "tok-2");
  EXPECT_EQ(ContinuationToken(nlohmann::json::parse(R"({"items": []})")), "");
}

TEST(CollectionPagesTest, FindByFieldComparesAsText) {
  nlohmann::json page = nlohmann::json::parse(
      R"({"items": [{"id": "a1", "mpnId": 1234567}, {"id": "a2", "mpnId": "7654321"}]})");
  EXPECT_EQ((*FindByField(page, "mpnId", "1234567"))["id"], "a1");
  EXPECT_EQ((*FindByField(page, "mpnId", "7654321"))["id"], "a2");
  EXPECT_EQ(FindByField(page, "mpnId", "123456"), nullptr);
}

TEST(CollectionPagesTest, FilterAndFullDomain) {
  EXPECT_EQ(DomainFilter("contoso"),
            R"({"Field":"Domain","Operator":"starts_with","Value":"contoso"})");
  EXPECT_EQ(FullDomain("NewCo"), "newco.onmicrosoft.com");
  EXPECT_EQ(FullDomain("Contoso.com"), "contoso.com");
}

}  // namespace
}  // namespace bssflow::connectors::partner_center

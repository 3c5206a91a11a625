#include "dsl/json_value.h"

#include <gtest/gtest.h>

#include <string>

namespace bssflow::dsl {
namespace {

using nlohmann::json;

// A document with `distinct` keys, each used by every one of three objects
// in a list, and nested once more: enough keys to outgrow the conversion's
// small key cache when `distinct` is large.
json Objects(int distinct) {
  json object = json::object();
  for (int k = 0; k < distinct; ++k) {
    object["key_" + std::to_string(k)] = k % 3 == 0 ? json(k)
                                         : k % 3 == 1 ? json("text")
                                                      : json::array({true});
  }
  json nested = object;
  nested["inner"] = object;
  return json::array({object, nested, object});
}

TEST(ValueFromJsonTest, ObjectsComeBackFromValuesAsTheyWere) {
  for (int distinct : {0, 1, 15, 16, 17, 40}) {
    json document = Objects(distinct);
    Result<Value> value = ValueFromJson(document);
    ASSERT_TRUE(value.ok()) << value.status().message();
    EXPECT_EQ(ValueToSortedJson(value.value()), document) << distinct;
  }
}

TEST(ValueFromJsonTest, FieldsAreFoundByNameWhateverTheirCount) {
  json document = Objects(40);
  Value list = ValueFromJson(document).value();
  const Value& first = list.list_value()[2];
  for (int k : {0, 15, 16, 39}) {
    const Value* found =
        first.map_value().Find(Value::String("key_" + std::to_string(k)));
    ASSERT_NE(found, nullptr) << k;
    EXPECT_EQ(ValueToSortedJson(*found), document[2]["key_" + std::to_string(k)]);
  }
  EXPECT_EQ(first.map_value().size(), 40u);
}

TEST(ValueFromJsonTest, RefusesDataNestedDeeperThanTheLimit) {
  json deep = 1;
  for (int i = 0; i < 5; ++i) deep = json::array({deep});
  EXPECT_TRUE(ValueFromJson(deep, 5).ok());
  Result<Value> refused = ValueFromJson(deep, 4);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message(), "data nests deeper than 4 levels");
}

TEST(NestsDeeperThanTest, CountsArraysAndObjectsOutsideStrings) {
  EXPECT_FALSE(NestsDeeperThan("1", 0));
  EXPECT_TRUE(NestsDeeperThan("[]", 0));
  EXPECT_FALSE(NestsDeeperThan("[]", 1));
  EXPECT_FALSE(NestsDeeperThan(R"({"a": [1, {"b": []}], "c": {}})", 4));
  EXPECT_TRUE(NestsDeeperThan(R"({"a": [1, {"b": []}], "c": {}})", 3));
  EXPECT_FALSE(NestsDeeperThan(R"(["[[[[", "\"[[[", {"{{{": "}"}])", 2));
  EXPECT_TRUE(NestsDeeperThan(R"(["\\", [[]]])", 2));
}

// What the check is for: text nested far deeper than any stack allows is
// refused without being parsed, in one pass.
TEST(NestsDeeperThanTest, TextNestedAMillionLevelsDeep) {
  const std::string deep =
      std::string(1000000, '[') + std::string(1000000, ']');
  EXPECT_TRUE(NestsDeeperThan(deep, kMaxDataDepth));
  EXPECT_FALSE(NestsDeeperThan(deep, 1000000));
}

}  // namespace
}  // namespace bssflow::dsl

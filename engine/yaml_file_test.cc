// OffsetInScalarText: a scalar's bytes traced back to the file, in every
// style YAML writes a string in, so that an expression error in a folded
// message or a quoted string with escapes points at its place.
#include "engine/yaml_file.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bssflow::engine {
namespace {

// The offset of byte `index` of the value of key `v` in `yaml`.
int32_t OffsetOfByte(const std::string& yaml, int32_t index) {
  YamlFile file("t.yaml", yaml);
  EXPECT_TRUE(file.syntax_errors().empty()) << yaml;
  YAML::Node v = file.root()["v"];
  return file.OffsetInScalar(v, index);
}

// Where "X" is in the value of `v`, as a byte offset of `yaml`.
int32_t OffsetOfX(const std::string& yaml) {
  YamlFile file("t.yaml", yaml);
  const std::string value = file.root()["v"].Scalar();
  size_t x = value.find('X');
  EXPECT_NE(x, std::string::npos) << value;
  return file.OffsetInScalar(file.root()["v"], static_cast<int32_t>(x));
}

TEST(OffsetInScalarTest, EveryStyleFindsTheByteBack) {
  const std::vector<std::string> docs = {
      "v: plain X\n",
      "v: 'it''s X'\n",
      "v: \"a\\tb \\\"q\\\" \\u00fc X\"\n",
      "v: |\n  one\n\n  two X\n",
      "v: >-\n  Hello\n\n  {#Acounts.Name#} X\n",
      "v: >\n  one\n  two\n\n\n  three X\n",
      "v: >\n  text\n    more indented\n  X\n",
      "v: |\r\n  one\r\n  two\r\n  three X\r\n",
      "v: >-\r\n  one\r\n  two X\r\n",
      "v: plain\n  folded\n\n  over X\n",
      "v: \"quoted\n  folded X\"\n",
      "v: \"escaped \\\n  break X\"\n",
      "v: 'single\n\n  blank X'\n",
  };
  for (const std::string& yaml : docs) {
    int32_t at = OffsetOfX(yaml);
    ASSERT_GE(at, 0) << yaml;
    EXPECT_EQ(yaml[static_cast<size_t>(at)], 'X') << yaml;
  }
}

TEST(OffsetInScalarTest, FoldsComeFromLineBreaksAndEscapesFromBackslashes) {
  // "a b": the space is the folded line break after "a".
  EXPECT_EQ(OffsetOfByte("v: >\n  a\n  b\n", 1), 8);
  // "a\tb": the tab is the escape at offset 5.
  EXPECT_EQ(OffsetOfByte("v: \"a\\tb\"\n", 1), 5);
  EXPECT_EQ(OffsetOfByte("v: \"a\\tb\"\n", 2), 7);
  // Just past the value.
  EXPECT_EQ(OffsetOfByte("v: abc\n", 3), 6);
}

TEST(OffsetInScalarTest, AFormItDoesNotFollowGivesTheScalarsStart) {
  // An explicit indentation indicator with more-indented first line.
  EXPECT_EQ(OffsetOfByte("v: |4\n      X\n", 2), 3);
  // Out of range.
  EXPECT_EQ(OffsetOfByte("v: abc\n", 9), 3);
}

}  // namespace
}  // namespace bssflow::engine

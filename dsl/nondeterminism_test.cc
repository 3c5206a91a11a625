#include "dsl/nondeterminism.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace bssflow::dsl {
namespace {

TEST(FormatUuidTest, WritesTheBitsAsTheyAreInLowercaseGroups) {
  EXPECT_EQ(FormatUuidBits(0x0123456789abcdefull, 0xfedcba9876543210ull),
            "01234567-89ab-cdef-fedc-ba9876543210");
  EXPECT_EQ(FormatUuidBits(0, 0), "00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(FormatUuidBits(~uint64_t{0}, ~uint64_t{0}),
            "ffffffff-ffff-ffff-ffff-ffffffffffff");
}

TEST(FormatUuidTest, SetsVersion4AndTheVariant) {
  EXPECT_EQ(FormatUuid(0x0123456789abcdefull, 0xfedcba9876543210ull),
            "01234567-89ab-4def-bedc-ba9876543210");
  EXPECT_EQ(FormatUuid(0, 0), "00000000-0000-4000-8000-000000000000");
}

TEST(FormatRfc3339Test, WritesUtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339(1795426200250), "2026-11-23T09:30:00.250Z");
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace bssflow::dsl

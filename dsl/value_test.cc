#include "dsl/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace bssflow::dsl {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

Value S(const char* text) { return Value::String(text); }

// ---- Kinds and accessors ----------------------------------------------------

TEST(ValueTest, DefaultIsNullAndFactoriesSetTheKind) {
  EXPECT_EQ(Value().kind(), ValueKind::kNull);
  EXPECT_TRUE(Value::Null().is_null());
  EXPECT_EQ(Value::Bool(true).kind(), ValueKind::kBool);
  EXPECT_EQ(Value::Int(-3).int_value(), -3);
  EXPECT_EQ(Value::Uint(3).uint_value(), 3u);
  EXPECT_EQ(Value::Double(1.5).double_value(), 1.5);
  EXPECT_EQ(S("a").string_value(), "a");
  EXPECT_EQ(Value::Bytes("a").kind(), ValueKind::kBytes);
  EXPECT_EQ(Value::Type(ValueKind::kInt).type_value(), ValueKind::kInt);
  Value error = Value::MakeError(ErrorKind::kOverflow, "boom", 7);
  ASSERT_TRUE(error.is_error());
  EXPECT_EQ(error.error_value().kind, ErrorKind::kOverflow);
  EXPECT_EQ(error.error_value().message, "boom");
  EXPECT_EQ(error.error_value().offset, 7);
  EXPECT_EQ(Value::MakeError(ErrorKind::kOther, "x").error_value().offset, -1);
}

TEST(ValueTest, CopiesShareThePayloadAndStayValid) {
  Value original = Value::List({S("a"), Value::Int(1)});
  Value copy = original;
  original = Value::Int(0);
  ASSERT_EQ(copy.list_value().size(), 2u);
  EXPECT_EQ(copy.list_value()[0].string_value(), "a");
}

TEST(ValueTest, TypeOfIsATypeValue) {
  EXPECT_EQ(S("x").TypeOf().type_value(), ValueKind::kString);
  EXPECT_EQ(Value().TypeOf().type_value(), ValueKind::kNull);
}

TEST(ValueTest, KindAndErrorKindNamesFollowCel) {
  EXPECT_EQ(KindName(ValueKind::kNull), "null_type");
  EXPECT_EQ(KindName(ValueKind::kUint), "uint");
  EXPECT_EQ(KindName(ValueKind::kType), "type");
  EXPECT_EQ(ErrorKindName(ErrorKind::kNoMatchingOverload),
            "no_matching_overload");
  EXPECT_EQ(ErrorKindName(ErrorKind::kDivideByZero), "divide_by_zero");
  EXPECT_EQ(ErrorKindName(ErrorKind::kLimitExceeded), "limit_exceeded");
}

// ---- Equal ------------------------------------------------------------------

TEST(EqualTest, NumbersCompareByValueAcrossKinds) {
  EXPECT_TRUE(Equal(Value::Int(1), Value::Uint(1)));
  EXPECT_TRUE(Equal(Value::Uint(1), Value::Double(1.0)));
  EXPECT_TRUE(Equal(Value::Int(-2), Value::Double(-2.0)));
  EXPECT_FALSE(Equal(Value::Int(1), Value::Double(1.5)));
  EXPECT_TRUE(Equal(Value::Double(0.0), Value::Double(-0.0)));
}

TEST(EqualTest, IntAgainstUintIsExactAtTheEdges) {
  // -1 as uint64 is UINT64_MAX: the comparison must not wrap.
  EXPECT_FALSE(Equal(Value::Int(-1), Value::Uint(UINT64_MAX)));
  EXPECT_FALSE(Equal(Value::Uint(UINT64_MAX), Value::Int(-1)));
  EXPECT_TRUE(Equal(Value::Int(INT64_MAX), Value::Uint(uint64_t{INT64_MAX})));
  EXPECT_FALSE(
      Equal(Value::Int(INT64_MAX), Value::Uint(uint64_t{INT64_MAX} + 1)));
}

TEST(EqualTest, NaNEqualsNothing) {
  EXPECT_FALSE(Equal(Value::Double(kNaN), Value::Double(kNaN)));
  EXPECT_FALSE(Equal(Value::Double(kNaN), Value::Int(0)));
}

TEST(EqualTest, DifferentKindsAreUnequal) {
  EXPECT_FALSE(Equal(Value::Int(1), S("1")));
  EXPECT_FALSE(Equal(S("a"), Value::Bytes("a")));
  EXPECT_FALSE(Equal(Value::Null(), Value::Bool(false)));
  EXPECT_FALSE(Equal(Value::Bool(true), Value::Int(1)));
  EXPECT_TRUE(Equal(Value::Null(), Value::Null()));
}

TEST(EqualTest, TypesStringsAndBytes) {
  EXPECT_TRUE(
      Equal(Value::Type(ValueKind::kInt), Value::Type(ValueKind::kInt)));
  EXPECT_FALSE(
      Equal(Value::Type(ValueKind::kInt), Value::Type(ValueKind::kUint)));
  EXPECT_TRUE(Equal(S("é"), S("é")));
  EXPECT_FALSE(Equal(Value::Bytes("a"), Value::Bytes("b")));
}

TEST(EqualTest, ListsCompareElementByElement) {
  EXPECT_TRUE(Equal(Value::List({Value::Int(1), S("a")}),
                    Value::List({Value::Uint(1), S("a")})));
  EXPECT_FALSE(Equal(Value::List({Value::Int(1)}),
                     Value::List({Value::Int(1), Value::Int(1)})));
  EXPECT_FALSE(Equal(Value::List({Value::Int(1)}), Value::List({S("1")})));
  EXPECT_TRUE(Equal(Value::List({}), Value::List({})));
}

TEST(EqualTest, MapsCompareByKeyRegardlessOfOrder) {
  ValueMap a, b, c;
  a.Insert(S("x"), Value::Int(1));
  a.Insert(Value::Int(2), Value::Double(2.0));
  b.Insert(Value::Uint(2), Value::Int(2));
  b.Insert(S("x"), Value::Uint(1));
  c.Insert(S("x"), Value::Int(1));
  EXPECT_TRUE(Equal(Value::Map(a), Value::Map(b)));
  EXPECT_FALSE(Equal(Value::Map(a), Value::Map(c)));
  EXPECT_FALSE(Equal(Value::Map(c), Value::Map(a)));
}

// ---- Compare ----------------------------------------------------------------

TEST(CompareTest, IntegersCompareExactlyAcrossSignedness) {
  EXPECT_EQ(Compare(Value::Int(-1), Value::Uint(0)), -1);
  EXPECT_EQ(Compare(Value::Uint(0), Value::Int(-1)), 1);
  EXPECT_EQ(Compare(Value::Int(-1), Value::Uint(UINT64_MAX)), -1);
  EXPECT_EQ(Compare(Value::Uint(UINT64_MAX), Value::Int(INT64_MAX)), 1);
  EXPECT_EQ(Compare(Value::Int(5), Value::Uint(5)), 0);
  EXPECT_EQ(Compare(Value::Int(INT64_MIN), Value::Int(INT64_MAX)), -1);
  EXPECT_EQ(Compare(Value::Uint(2), Value::Uint(1)), 1);
}

TEST(CompareTest, DoublesAgainstIntegers) {
  EXPECT_EQ(Compare(Value::Int(1), Value::Double(1.5)), -1);
  EXPECT_EQ(Compare(Value::Double(2.0), Value::Uint(2)), 0);
  EXPECT_EQ(Compare(Value::Double(-kInf), Value::Int(INT64_MIN)), -1);
  EXPECT_EQ(Compare(Value::Double(kInf), Value::Uint(UINT64_MAX)), 1);
}

TEST(CompareTest, NaNIsUnorderedAgainstEveryNumber) {
  EXPECT_EQ(Compare(Value::Double(kNaN), Value::Double(1.0)), kUnordered);
  EXPECT_EQ(Compare(Value::Int(1), Value::Double(kNaN)), kUnordered);
  EXPECT_EQ(Compare(Value::Double(kNaN), Value::Uint(1)), kUnordered);
  EXPECT_EQ(Compare(Value::Double(kNaN), Value::Double(kNaN)), kUnordered);
}

TEST(CompareTest, StringsBytesAndBools) {
  EXPECT_EQ(Compare(S("a"), S("b")), -1);
  EXPECT_EQ(Compare(S("b"), S("ab")), 1);
  EXPECT_EQ(Compare(S("a"), S("a")), 0);
  // Bytes order as unsigned octets: 0xff sorts after 'a'.
  EXPECT_EQ(Compare(Value::Bytes("\xff"), Value::Bytes("a")), 1);
  EXPECT_EQ(Compare(Value::Bytes("a"), Value::Bytes("ab")), -1);
  EXPECT_EQ(Compare(Value::Bytes(""), Value::Bytes("")), 0);
  EXPECT_EQ(Compare(Value::Bool(false), Value::Bool(true)), -1);
}

TEST(CompareTest, KindsWithoutOrderingGiveNullopt) {
  EXPECT_EQ(Compare(S("1"), Value::Int(1)), std::nullopt);
  EXPECT_EQ(Compare(Value::List({}), Value::List({})), std::nullopt);
  EXPECT_EQ(Compare(Value::Null(), Value::Null()), std::nullopt);
  EXPECT_EQ(Compare(Value::Bool(true), Value::Int(1)), std::nullopt);
}

// ---- ValueMap ---------------------------------------------------------------

TEST(ValueMapTest, IntAndUintWithTheSameValueAreOneKey) {
  ValueMap map;
  EXPECT_EQ(map.Insert(Value::Int(1), S("int")),
            ValueMap::InsertResult::kInserted);
  EXPECT_EQ(map.Insert(Value::Uint(1), S("uint")),
            ValueMap::InsertResult::kRepeatedKey);
  ASSERT_NE(map.Find(Value::Uint(1)), nullptr);
  EXPECT_EQ(map.Find(Value::Uint(1))->string_value(), "int");
  EXPECT_EQ(map.size(), 1u);
}

TEST(ValueMapTest, LargeUintAndNegativeIntAreDistinctKeys) {
  ValueMap map;
  EXPECT_EQ(map.Insert(Value::Int(-1), S("neg")),
            ValueMap::InsertResult::kInserted);
  EXPECT_EQ(map.Insert(Value::Uint(UINT64_MAX), S("max")),
            ValueMap::InsertResult::kInserted);
  EXPECT_EQ(map.Find(Value::Int(-1))->string_value(), "neg");
  EXPECT_EQ(map.Find(Value::Uint(UINT64_MAX))->string_value(), "max");
}

TEST(ValueMapTest, DoubleLookupFindsIntegralKeysOnly) {
  ValueMap map;
  map.Insert(Value::Uint(3), S("three"));
  map.Insert(Value::Int(-2), S("minus two"));
  ASSERT_NE(map.Find(Value::Double(3.0)), nullptr);
  EXPECT_EQ(map.Find(Value::Double(3.0))->string_value(), "three");
  EXPECT_EQ(map.Find(Value::Double(-2.0))->string_value(), "minus two");
  EXPECT_EQ(map.Find(Value::Double(3.5)), nullptr);
  EXPECT_EQ(map.Find(Value::Double(kNaN)), nullptr);
  EXPECT_EQ(map.Find(Value::Double(kInf)), nullptr);
}

TEST(ValueMapTest, KeysOfDifferentKindsDoNotCollide) {
  ValueMap map;
  EXPECT_EQ(map.Insert(Value::Bool(true), S("bool")),
            ValueMap::InsertResult::kInserted);
  EXPECT_EQ(map.Insert(Value::Int(1), S("int")),
            ValueMap::InsertResult::kInserted);
  EXPECT_EQ(map.Insert(S("1"), S("string")), ValueMap::InsertResult::kInserted);
  EXPECT_EQ(map.Find(Value::Bool(true))->string_value(), "bool");
  EXPECT_EQ(map.Find(Value::Int(1))->string_value(), "int");
  EXPECT_EQ(map.Find(S("1"))->string_value(), "string");
  EXPECT_EQ(map.Find(Value::Bool(false)), nullptr);
  EXPECT_EQ(map.Find(Value::Null()), nullptr);
}

TEST(ValueMapTest, RepeatedStringKeyIsRejected) {
  ValueMap map;
  map.Insert(S("a"), Value::Int(1));
  EXPECT_EQ(map.Insert(S("a"), Value::Int(2)),
            ValueMap::InsertResult::kRepeatedKey);
  EXPECT_EQ(map.Find(S("a"))->int_value(), 1);
}

TEST(ValueMapTest, UnsupportedKeyKindsAreRejected) {
  ValueMap map;
  for (const Value& key : {Value::Double(1.0), Value::Null(), Value::Bytes("a"),
                           Value::List({}), Value::Type(ValueKind::kInt)}) {
    EXPECT_EQ(map.Insert(key, Value::Int(1)),
              ValueMap::InsertResult::kUnsupportedKeyType)
        << DebugString(key);
  }
  EXPECT_TRUE(map.empty());
  EXPECT_TRUE(ValueMap::IsKeyKind(ValueKind::kString));
  EXPECT_FALSE(ValueMap::IsKeyKind(ValueKind::kDouble));
}

TEST(ValueMapTest, IterationFollowsInsertionOrder) {
  ValueMap map;
  map.Insert(S("zeta"), Value::Int(1));
  map.Insert(Value::Int(10), Value::Int(2));
  map.Insert(S("alpha"), Value::Int(3));
  map.Insert(Value::Bool(false), Value::Int(4));
  EXPECT_EQ(DebugString(Value::Map(map)),
            R"({"zeta": 1, 10: 2, "alpha": 3, false: 4})");
}

// ---- FormatDouble -----------------------------------------------------------

TEST(FormatDoubleTest, FollowsGoPercentG) {
  EXPECT_EQ(FormatDouble(123.456), "123.456");
  EXPECT_EQ(FormatDouble(-0.0045), "-0.0045");
  EXPECT_EQ(FormatDouble(1e6), "1e+06");
  EXPECT_EQ(FormatDouble(1.5e-5), "1.5e-05");
  EXPECT_EQ(FormatDouble(0.0), "0");
  EXPECT_EQ(FormatDouble(-0.0), "-0");
  EXPECT_EQ(FormatDouble(kInf), "+Inf");
  EXPECT_EQ(FormatDouble(-kInf), "-Inf");
  EXPECT_EQ(FormatDouble(kNaN), "NaN");
}

TEST(FormatDoubleTest, ExponentSwitchesAtMinusFourAndPlusSix) {
  EXPECT_EQ(FormatDouble(0.0001), "0.0001");
  EXPECT_EQ(FormatDouble(0.00001), "1e-05");
  EXPECT_EQ(FormatDouble(999999.0), "999999");
  EXPECT_EQ(FormatDouble(100000.0), "100000");
  EXPECT_EQ(FormatDouble(1234567.0), "1.234567e+06");
  EXPECT_EQ(FormatDouble(-2.5e10), "-2.5e+10");
}

TEST(FormatDoubleTest, ShortestRoundTripDigits) {
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatDouble(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatDouble(1.0), "1");
  EXPECT_EQ(FormatDouble(1e100), "1e+100");
  EXPECT_EQ(FormatDouble(5e-324), "5e-324");
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::max()),
            "1.7976931348623157e+308");
  EXPECT_EQ(FormatDouble(9007199254740993.0), "9.007199254740992e+15");
}

// ---- UTF-8 ------------------------------------------------------------------

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8(std::string("nul\0inside", 10)));
  EXPECT_TRUE(IsValidUtf8("\xc3\xa9"));          // é
  EXPECT_TRUE(IsValidUtf8("\xe2\x82\xac"));      // €
  EXPECT_TRUE(IsValidUtf8("\xf0\x9f\x98\x80"));  // 😀
  EXPECT_TRUE(IsValidUtf8("\xed\x9f\xbf"));  // U+D7FF, just below surrogates
  EXPECT_TRUE(IsValidUtf8("\xee\x80\x80"));  // U+E000, just above
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
}

TEST(Utf8Test, RejectsOverlongEncodings) {
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));
  EXPECT_FALSE(IsValidUtf8("\xc1\xbf"));
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));
  EXPECT_FALSE(IsValidUtf8("\xe0\x9f\xbf"));
  EXPECT_FALSE(IsValidUtf8("\xf0\x80\x80\xaf"));
  EXPECT_FALSE(IsValidUtf8("\xf0\x8f\xbf\xbf"));
}

TEST(Utf8Test, RejectsSurrogatesAndCodePointsAbove10FFFF) {
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // U+D800
  EXPECT_FALSE(IsValidUtf8("\xed\xbf\xbf"));  // U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
}

TEST(Utf8Test, RejectsTruncatedAndStraySequences) {
  EXPECT_FALSE(IsValidUtf8("\xc3"));
  EXPECT_FALSE(IsValidUtf8("a\xe2\x82"));
  EXPECT_FALSE(IsValidUtf8("\xf0\x9f\x98"));
  EXPECT_FALSE(IsValidUtf8("\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc3\xa9\xa9"));
  EXPECT_FALSE(IsValidUtf8("\xe2\x28\xa1"));  // second byte not a continuation
}

TEST(Utf8Test, CodePointCountCountsCodePointsNotBytes) {
  EXPECT_EQ(CodePointCount(""), 0);
  EXPECT_EQ(CodePointCount("abc"), 3);
  EXPECT_EQ(CodePointCount("h\xc3\xa9llo"), 5);
  EXPECT_EQ(CodePointCount("\xf0\x9f\x98\x80!"), 2);
  EXPECT_EQ(CodePointCount("\xe2\x82\xac\xe2\x82\xac"), 2);
}

// ---- DebugString ------------------------------------------------------------

TEST(DebugStringTest, Scalars) {
  EXPECT_EQ(DebugString(Value()), "null");
  EXPECT_EQ(DebugString(Value::Bool(false)), "false");
  EXPECT_EQ(DebugString(Value::Int(INT64_MIN)), "-9223372036854775808");
  EXPECT_EQ(DebugString(Value::Uint(UINT64_MAX)), "18446744073709551615u");
  EXPECT_EQ(DebugString(Value::Type(ValueKind::kNull)), "null_type");
}

TEST(DebugStringTest, DoublesAlwaysLookLikeDoubles) {
  EXPECT_EQ(DebugString(Value::Double(1.0)), "1.0");
  EXPECT_EQ(DebugString(Value::Double(-0.0)), "-0.0");
  EXPECT_EQ(DebugString(Value::Double(2.5)), "2.5");
  EXPECT_EQ(DebugString(Value::Double(1e6)), "1e+06");
  EXPECT_EQ(DebugString(Value::Double(kNaN)), "NaN");
  EXPECT_EQ(DebugString(Value::Double(kInf)), "+Inf");
}

TEST(DebugStringTest, StringsAreQuotedAndEscaped) {
  EXPECT_EQ(DebugString(S("say \"hi\"\\\n\t\r")), R"("say \"hi\"\\\n\t\r")");
  EXPECT_EQ(DebugString(S("\x01\x7f")), R"("\x01\x7f")");
  EXPECT_EQ(DebugString(S("h\xc3\xa9")), "\"h\xc3\xa9\"");
}

TEST(DebugStringTest, BytesShowNonAsciiAsHex) {
  EXPECT_EQ(DebugString(Value::Bytes("a\xc3\xa9\"")), R"(b"a\xc3\xa9\"")");
  EXPECT_EQ(DebugString(Value::Bytes("")), R"(b"")");
}

TEST(DebugStringTest, ListsMapsAndErrors) {
  ValueMap inner;
  inner.Insert(Value::Uint(1), Value::List({}));
  Value v = Value::List({Value::Int(1), S("two"), Value::Map(inner), Value()});
  EXPECT_EQ(DebugString(v), R"([1, "two", {1u: []}, null])");
  EXPECT_EQ(DebugString(Value::Map(ValueMap())), "{}");
  EXPECT_EQ(DebugString(Value::MakeError(ErrorKind::kOther, "bad thing")),
            "error(bad thing)");
}

}  // namespace
}  // namespace bssflow::dsl

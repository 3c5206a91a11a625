#include "engine/json_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "engine/testing/json_kinds.h"

namespace bssflow::engine {
namespace {

using nlohmann::json;

// Every test compares with dump(): the journal's text must not change.
void ExpectSameAsDump(const json& value) {
  EXPECT_EQ(JsonText(value), value.dump()) << value.dump();
}

TEST(JsonTextTest, WritesScalarsAsDumpDoes) {
  for (const json& value :
       {json(nullptr), json(true), json(false), json(0), json(-1),
        json(std::numeric_limits<int64_t>::min()),
        json(std::numeric_limits<int64_t>::max()),
        json(std::numeric_limits<uint64_t>::max()), json(uint64_t{0}),
        json(0.5), json(1.0), json(-2.5e-300), json(1e100), json(NAN),
        json(INFINITY), json(""), json("plain text")}) {
    ExpectSameAsDump(value);
  }
}

TEST(JsonTextTest, EscapesWhatDumpEscapes) {
  std::string every_ascii_byte;
  for (int c = 1; c < 128; ++c) every_ascii_byte += static_cast<char>(c);
  ExpectSameAsDump(json(every_ascii_byte));
  ExpectSameAsDump(json(std::string("nul \0 inside", 12)));
  EXPECT_EQ(JsonText(json("a\"b\\c\n\x01\x7f")),
            "\"a\\\"b\\\\c\\n\\u0001\x7f\"");
}

TEST(JsonTextTest, WritesUtf8AsItIs) {
  for (const char* text : {"caf\xc3\xa9", "\xe2\x82\xac 5", "\xf0\x9f\x98\x80",
                           "\xef\xbf\xbf\xf4\x8f\xbf\xbf"}) {
    ExpectSameAsDump(json(text));
    ExpectSameAsDump(json::object({{text, text}}));
  }
}

TEST(JsonTextTest, WritesContainersInDumpsOrder) {
  ExpectSameAsDump(json::object());
  ExpectSameAsDump(json::array());
  ExpectSameAsDump(json::parse(
      R"({"z":[1,{"b":null,"a":[]},"x"],"a":{"\n":{}},"m":-0.0,"":true})"));
}

TEST(JsonTextTest, ThrowsDumpsErrorForInvalidUtf8) {
  for (const char* text :
       {"ok \xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
        "ab\xe2\x82"}) {
    json value = json::object({{"k", json::array({1, text})}});
    std::string dump_error;
    try {
      (void)value.dump();
    } catch (const json::type_error& e) {
      dump_error = e.what();
    }
    ASSERT_FALSE(dump_error.empty()) << text;
    try {
      (void)JsonText(value);
      ADD_FAILURE() << "no error for " << text;
    } catch (const json::type_error& e) {
      EXPECT_EQ(e.what(), dump_error);
    }
  }
  EXPECT_THROW((void)JsonText(json::object({{"\xff", 1}})), json::type_error);
}

// Random trees from a fixed seed: strings drawn from bytes that exercise the
// escapes and multi-byte UTF-8, nesting, and every number kind.
json RandomJson(std::mt19937_64& random, int depth) {
  static const std::string kPieces[] = {
      "a",  "Z",    " ",    "\"",       "\\",           "\n",
      "\t", "\b",   "\f",   "\r",        "\x01",         "\x1f",
      "\x7f", "/",  "0",    "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
  constexpr auto kPieceCount = std::size(kPieces);
  auto kind = random() % (depth > 3 ? 6 : 8);
  auto text = [&] {
    std::string s;
    for (auto n = random() % 12; n > 0; --n) s += kPieces[random() % kPieceCount];
    return s;
  };
  switch (kind) {
    case 0: return nullptr;
    case 1: return random() % 2 == 0;
    case 2: return static_cast<int64_t>(random());
    case 3: return static_cast<uint64_t>(random());
    case 4: return std::ldexp(static_cast<double>(random() % 100000) - 50000,
                              static_cast<int>(random() % 40) - 20);
    case 5: return text();
    case 6: {
      json array = json::array();
      for (auto n = random() % 5; n > 0; --n)
        array.push_back(RandomJson(random, depth + 1));
      return array;
    }
    default: {
      json object = json::object();
      for (auto n = random() % 5; n > 0; --n)
        object[text()] = RandomJson(random, depth + 1);
      return object;
    }
  }
}

TEST(JsonTextTest, MatchesDumpOnRandomTrees) {
  std::mt19937_64 random(20261124);
  for (int i = 0; i < 5000; ++i) ExpectSameAsDump(RandomJson(random, 0));
}

TEST(JsonTextTest, AppendsToWhatIsThere) {
  std::string out = "prefix:";
  AppendJsonText(json::array({1, "two"}), out);
  EXPECT_EQ(out, "prefix:[1,\"two\"]");
}

// ---- ParseJsonText: what json::parse gives, number types included

// `text` parses the same both ways, or both throw the same error.
void ExpectParsesAsParseDoes(const std::string& text) {
  std::string parse_error, fast_error;
  json expected, got;
  try {
    expected = json::parse(text);
  } catch (const json::exception& e) {
    parse_error = e.what();
  }
  try {
    got = ParseJsonText(text);
  } catch (const json::exception& e) {
    fast_error = e.what();
  }
  EXPECT_EQ(fast_error, parse_error) << text;
  EXPECT_EQ(got, expected) << text;
  EXPECT_EQ(got.dump(), expected.dump()) << text;
  EXPECT_EQ(testing::JsonKinds(got), testing::JsonKinds(expected)) << text;
}

TEST(ParseJsonTextTest, ParsesWhatJournalsHoldItself) {
  for (const char* text :
       {"{}", "[]", "null", "true", "false", "0", "-0", "7", "-7",
        "18446744073709551615", "-9223372036854775808", "\"\"",
        "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"",
        R"({"a":[1,{"b":null}],"c":"d","e":{}})", " { \"a\" : [ 1 , 2 ] } \n",
        R"({"b":1,"a":2})"}) {
    json fast;
    EXPECT_TRUE(ParseJsonTextFast(text, fast)) << text;
    ExpectParsesAsParseDoes(text);
  }
}

TEST(ParseJsonTextTest, LeavesTheRestToParse) {
  for (const char* text :
       {"1.5", "1e3", "-2E-3", "18446744073709551616", "-9223372036854775809",
        "\"\\u00e9\"", "\"\\ud83d\\ude00\"", R"({"a":1,"a":2})", "01", "-",
        "", " ", "{", "[1,]", "{\"a\"}", "{\"a\":}", "[1 2]", "tru", "nul",
        "\"open", "\"bad \\x escape\"", "\"tab\there\"", "\"\xff\"",
        "\"\xc3\"", "{} {}", "[1]x", "+1", "{1:2}", "[\"a\",]"}) {
    json fast;
    EXPECT_FALSE(ParseJsonTextFast(text, fast)) << text;
    ExpectParsesAsParseDoes(text);
  }
  std::string deep(300, '[');
  deep += std::string(300, ']');
  json fast;
  EXPECT_FALSE(ParseJsonTextFast(deep, fast));
  ExpectParsesAsParseDoes(deep);
}

// What AppendJsonText writes of random trees reads back as parse() reads
// it; so do those texts cut short or with a byte changed.
TEST(ParseJsonTextTest, MatchesParseOnRandomTexts) {
  std::mt19937_64 random(20261125);
  for (int i = 0; i < 3000; ++i) {
    std::string text = JsonText(RandomJson(random, 0));
    ExpectParsesAsParseDoes(text);
    if (text.empty()) continue;
    ExpectParsesAsParseDoes(text.substr(0, random() % text.size()));
    text[random() % text.size()] = "{}[]\",:0-e. \\\x01\xff"[random() % 16];
    ExpectParsesAsParseDoes(text);
  }
}

}  // namespace
}  // namespace bssflow::engine

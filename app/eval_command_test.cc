#include "app/eval_command.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "dsl/testing/shipped_data.h"

namespace bssflow::app {
namespace {

// What one run of `bssflow eval` printed and returned.
struct Outcome {
  int code = -1;
  std::string out;
  std::string err;
};

Outcome RunCommand(
    std::string expression, std::string data_json = "",
    std::string rules = dsl::testing::ShippedPostalCodeRulesPath()) {
  EvalOptions options;
  options.expression = std::move(expression);
  options.data_json = std::move(data_json);
  options.data_name = "account.json";
  options.postal_code_rules = std::move(rules);
  std::ostringstream out, err;
  Outcome outcome;
  outcome.code = RunEval(options, out, err);
  outcome.out = out.str();
  outcome.err = err.str();
  return outcome;
}

// A successful run: its one line of output.
std::string ResultLine(std::string expression, std::string data_json = "") {
  Outcome o = RunCommand(std::move(expression), std::move(data_json));
  EXPECT_EQ(o.code, kExitOk);
  EXPECT_EQ(o.err, "");
  return o.out;
}

// ---- Results ----------------------------------------------------------------

TEST(EvalCommandTest, PrintsTheValueAndItsTypeAsOneJsonLine) {
  Outcome o = RunCommand("1 + 2");
  EXPECT_EQ(o.code, kExitOk);
  EXPECT_EQ(o.out, "{\"type\":\"int\",\"value\":3}\n");
  EXPECT_EQ(o.err, "");
}

TEST(EvalCommandTest, EveryKindHasAJsonForm) {
  EXPECT_EQ(ResultLine("2u"), "{\"type\":\"uint\",\"value\":2}\n");
  EXPECT_EQ(ResultLine("1.5"), "{\"type\":\"double\",\"value\":1.5}\n");
  EXPECT_EQ(ResultLine("'h\xc3\xa9'"),
            "{\"type\":\"string\",\"value\":\"h\xc3\xa9\"}\n");
  EXPECT_EQ(ResultLine("true"), "{\"type\":\"bool\",\"value\":true}\n");
  EXPECT_EQ(ResultLine("null"), "{\"type\":\"null_type\",\"value\":null}\n");
  EXPECT_EQ(ResultLine("b'xy'"), "{\"type\":\"bytes\",\"value\":\"eHk=\"}\n");
  EXPECT_EQ(ResultLine("[1, 'b', 2.5, null]"),
            "{\"type\":\"list\",\"value\":[1,\"b\",2.5,null]}\n");
  EXPECT_EQ(ResultLine("{'a': [true], 'b': {}}"),
            "{\"type\":\"map\",\"value\":{\"a\":[true],\"b\":{}}}\n");
  EXPECT_EQ(ResultLine("int"), "{\"type\":\"type\",\"value\":\"int\"}\n");
}

TEST(EvalCommandTest, MapsKeepInsertionOrderAndKeysApart) {
  EXPECT_EQ(ResultLine("{'z': 1, 'a': 2}"),
            "{\"type\":\"map\",\"value\":{\"z\":1,\"a\":2}}\n");
  // 1 and "1" are different keys, so maps with other keys print as pairs.
  EXPECT_EQ(ResultLine("{1: 'a', '1': 'b'}"),
            "{\"type\":\"map\",\"value\":[[1,\"a\"],[\"1\",\"b\"]]}\n");
  EXPECT_EQ(ResultLine("[{'b': {true: 2u}}]"),
            "{\"type\":\"list\",\"value\":[{\"b\":[[true,2]]}]}\n");
}

TEST(EvalCommandTest, NonFiniteDoublesAreStrings) {
  EXPECT_EQ(ResultLine("1.0 / 0.0"),
            "{\"type\":\"double\",\"value\":\"Infinity\"}\n");
  EXPECT_EQ(ResultLine("-1.0 / 0.0"),
            "{\"type\":\"double\",\"value\":\"-Infinity\"}\n");
  EXPECT_EQ(ResultLine("0.0 / 0.0"),
            "{\"type\":\"double\",\"value\":\"NaN\"}\n");
}

TEST(EvalCommandTest, DataMembersBecomeVariables) {
  const std::string data =
      R"({"account": {"email": "a@b.de", "country": "DE", "zip": "10115"},
          "big": 18446744073709551615, "small": -3, "ratio": 0.25})";
  EXPECT_EQ(ResultLine("is_email(account.email) && "
                       "postal_code_valid(account.country, account.zip)",
                       data),
            "{\"type\":\"bool\",\"value\":true}\n");
  EXPECT_EQ(ResultLine("big", data),
            "{\"type\":\"uint\",\"value\":18446744073709551615}\n");
  EXPECT_EQ(ResultLine("small * 2", data), "{\"type\":\"int\",\"value\":-6}\n");
  EXPECT_EQ(ResultLine("ratio * 2.0", data),
            "{\"type\":\"double\",\"value\":0.5}\n");
  EXPECT_EQ(ResultLine("account.zip", data),
            "{\"type\":\"string\",\"value\":\"10115\"}\n");
}

// ---- Expression problems: exit code 1 ---------------------------------------

TEST(EvalCommandTest, SyntaxErrorIsRenderedWithACaret) {
  Outcome o = RunCommand("1 + ");
  EXPECT_EQ(o.code, kExitExpressionError);
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(o.err,
            "<expr>:1:5: expected an expression after '+', found end of input\n"
            "    1 + \n"
            "        ^\n");
}

TEST(EvalCommandTest, SyntaxErrorOnASecondLine) {
  Outcome o = RunCommand("1 +\n  2 +");
  EXPECT_EQ(o.code, kExitExpressionError);
  EXPECT_EQ(o.err,
            "<expr>:2:6: expected an expression after '+', found end of input\n"
            "      2 +\n"
            "         ^\n");
}

TEST(EvalCommandTest, UnknownFunctionSuggestsTheRightOne) {
  Outcome o = RunCommand("is_emial(x)", R"({"x": "a@b.de"})");
  EXPECT_EQ(o.code, kExitExpressionError);
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(
      o.err,
      "<expr>:1:1: unknown function 'is_emial'; did you mean 'is_email'?\n"
      "    is_emial(x)\n"
      "    ^\n");
}

TEST(EvalCommandTest, EveryCheckerProblemIsPrinted) {
  Outcome o = RunCommand("acount.email == 1 && !'x'", R"({"account": {}})");
  EXPECT_EQ(o.code, kExitExpressionError);
  EXPECT_EQ(
      o.err,
      "<expr>:1:1: undeclared reference to 'acount'; did you mean 'account'?\n"
      "    acount.email == 1 && !'x'\n"
      "    ^\n"
      "<expr>:1:23: operand of '!' must be bool, got string\n"
      "    acount.email == 1 && !'x'\n"
      "                          ^\n");
}

TEST(EvalCommandTest, VariablesOutsideTheDataAreUndeclared) {
  Outcome o = RunCommand("x");
  EXPECT_EQ(o.code, kExitExpressionError);
  EXPECT_EQ(o.err,
            "<expr>:1:1: undeclared reference to 'x'\n"
            "    x\n"
            "    ^\n");
}

TEST(EvalCommandTest, OverflowIsAnEvaluationError) {
  Outcome o = RunCommand("9223372036854775807 + 1");
  EXPECT_EQ(o.code, kExitExpressionError);
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(o.err,
            "<expr>:1:21: evaluation failed: int overflow in '+' (overflow)\n"
            "    9223372036854775807 + 1\n"
            "                        ^\n");
}

TEST(EvalCommandTest, MissingKeyIsAnEvaluationError) {
  Outcome o = RunCommand("account.missing", R"({"account": {}})");
  EXPECT_EQ(o.code, kExitExpressionError);
  EXPECT_EQ(
      o.err,
      "<expr>:1:9: evaluation failed: no such key: \"missing\" (no_such_key)\n"
      "    account.missing\n"
      "            ^\n");
}

TEST(EvalCommandTest, InvalidConstantRegexIsADiagnostic) {
  Outcome o = RunCommand("'a'.matches('[')");
  EXPECT_EQ(o.code, kExitExpressionError);
  EXPECT_EQ(o.err,
            "<expr>:1:13: invalid regular expression: missing ]: [\n"
            "    'a'.matches('[')\n"
            "                ^\n");
}

// ---- Usage problems: exit code 2 --------------------------------------------

TEST(EvalCommandTest, InvalidDataJson) {
  Outcome o = RunCommand("1", "{x");
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(o.err,
            "bssflow eval: account.json: invalid JSON: "
            "[json.exception.parse_error.101] "
            "parse error at line 1, column 2: syntax error while parsing "
            "object key - "
            "invalid literal; last read: '{x'; expected string literal\n");
}

TEST(EvalCommandTest, DataMustBeAnObject) {
  for (const char* data : {"[1]", "null", "3", "\"s\""}) {
    Outcome o = RunCommand("1", data);
    EXPECT_EQ(o.code, kExitUsage) << data;
    EXPECT_EQ(o.out, "") << data;
    EXPECT_EQ(o.err,
              "bssflow eval: account.json: the data must be a JSON object; its "
              "members "
              "become variables\n")
        << data;
  }
}

TEST(EvalCommandTest, MissingRulesFile) {
  Outcome o = RunCommand("1", "", "/nonexistent/postal_codes.yaml");
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_EQ(o.out, "");
  EXPECT_EQ(
      o.err,
      "bssflow eval: postal code rules '/nonexistent/postal_codes.yaml': "
      "cannot read the file: No such file or directory; "
      "set BSSFLOW_DATA_DIR to the directory that holds postal_codes.yaml\n");
}

TEST(EvalCommandTest, BadDataIsReportedBeforeTheExpressionIsLookedAt) {
  Outcome o = RunCommand("1 +", "[]");
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_EQ(
      o.err,
      "bssflow eval: account.json: the data must be a JSON object; its members "
      "become variables\n");
}

}  // namespace
}  // namespace bssflow::app

namespace bssflow::app {
namespace {

// Regression: 20,000 nested arrays in the data overflowed the stack.
TEST(EvalCommandTest, DeeplyNestedDataIsAUsageErrorNotACrash) {
  std::string deep =
      "{\"x\": " + std::string(20'000, '[') + std::string(20'000, ']') + "}";
  Outcome o = RunCommand("1", deep);
  EXPECT_EQ(o.code, kExitUsage);
  EXPECT_EQ(o.err,
            "bssflow eval: account.json: member 'x': data nests deeper than "
            "100 levels\n");
}

}  // namespace
}  // namespace bssflow::app

#include "dsl/compiler.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "dsl/functions.h"
#include "dsl/json_value.h"
#include "dsl/postal_codes.h"
#include "dsl/testing/shipped_data.h"

namespace bssflow::dsl {
namespace {

// A value or an error, as one comparable line:
//   DebugString of the value, or "error(kind@offset): message".
std::string Describe(const Value& v) {
  if (!v.is_error()) return DebugString(v);
  const Error& e = v.error_value();
  return "error(" + std::string(ErrorKindName(e.kind)) + "@" +
         std::to_string(e.offset) + "): " + e.message;
}

// Compiles `text` against the members of the JSON object `data` (declared
// dyn), evaluates it once and describes the result, or returns the rendered
// diagnostics.
std::string Eval(std::string_view text, std::string_view data = "{}",
                 const CompileOptions& options = CompileOptions()) {
  nlohmann::json json = nlohmann::json::parse(data);
  Env env(testing::ShippedRegistry());
  for (const auto& [name, value] : json.items()) env.Declare(name);
  Source source;
  source.text = std::string(text);
  CompileResult compiled = Compile(source, env, options);
  if (!compiled.ok()) return RenderAll(source, compiled.diagnostics);
  Activation activation(env);
  for (const auto& [name, value] : json.items()) {
    activation.Bind(name, ValueFromJson(value).value());
  }
  return Describe(compiled.program->Evaluate(activation));
}

std::string EvalDeferred(std::string_view text, std::string_view data = "{}") {
  CompileOptions options;
  options.mode = CheckMode::kDeferToRuntime;
  return Eval(text, data, options);
}

// ---- && || ?: ---------------------------------------------------------------

constexpr std::string_view kData =
    R"({"t": true, "f": false, "e": {}, "i": 1, "s": "x"})";

TEST(CompilerLogicTest, AndAbsorbsAnErrorOnEitherSideWhenTheOtherIsFalse) {
  EXPECT_EQ(Eval("e.x && false", kData), "false");
  EXPECT_EQ(Eval("false && e.x", kData), "false");
  EXPECT_EQ(Eval("e.x && f", kData), "false");
  EXPECT_EQ(Eval("f && e.x", kData), "false");
  EXPECT_EQ(Eval("e.x && t", kData),
            R"(error(no_such_key@2): no such key: "x")");
  EXPECT_EQ(Eval("t && e.x", kData),
            R"(error(no_such_key@7): no such key: "x")");
  // With errors on both sides the left one is reported.
  EXPECT_EQ(Eval("e.y && e.x", kData),
            R"(error(no_such_key@2): no such key: "y")");
}

TEST(CompilerLogicTest, OrAbsorbsAnErrorOnEitherSideWhenTheOtherIsTrue) {
  EXPECT_EQ(Eval("e.x || true", kData), "true");
  EXPECT_EQ(Eval("true || e.x", kData), "true");
  EXPECT_EQ(Eval("e.x || t", kData), "true");
  EXPECT_EQ(Eval("t || e.x", kData), "true");
  EXPECT_EQ(Eval("e.x || f", kData),
            R"(error(no_such_key@2): no such key: "x")");
  EXPECT_EQ(Eval("f || e.x", kData),
            R"(error(no_such_key@7): no such key: "x")");
  EXPECT_EQ(Eval("i / 0 == 1 || t", kData), "true");
}

TEST(CompilerLogicTest, NonBoolOperandsAreAbsorbedOrReported) {
  EXPECT_EQ(Eval("i && f", kData), "false");
  EXPECT_EQ(Eval("i || t", kData), "true");
  EXPECT_EQ(
      Eval("i && t", kData),
      "error(no_matching_overload@2): no matching overload for '&&' applied to "
      "(int, bool)");
  EXPECT_EQ(
      Eval("f || s", kData),
      "error(no_matching_overload@2): no matching overload for '||' applied to "
      "(bool, string)");
}

TEST(CompilerLogicTest, ConditionalEvaluatesOnlyTheChosenBranch) {
  EXPECT_EQ(Eval("t ? 1 : e.x", kData), "1");
  EXPECT_EQ(Eval("f ? e.x : 2", kData), "2");
  EXPECT_EQ(Eval("e.x ? 1 : 2", kData),
            R"(error(no_such_key@2): no such key: "x")");
  EXPECT_EQ(Eval("i ? 1 : 2", kData),
            "error(no_matching_overload@2): no matching overload for '?:' "
            "applied to (int)");
}

// ---- Arithmetic errors ------------------------------------------------------

TEST(CompilerArithmeticTest, IntOverflowPointsAtTheOperator) {
  EXPECT_EQ(Eval("9223372036854775807 + 1"),
            "error(overflow@20): int overflow in '+'");
  EXPECT_EQ(Eval("-9223372036854775807 - 2"),
            "error(overflow@21): int overflow in '-'");
  EXPECT_EQ(Eval("(i + 1) * 9223372036854775807", kData),
            "error(overflow@8): int overflow in '*'");
  EXPECT_EQ(Eval("-(-9223372036854775808)"),
            "error(overflow@0): int overflow in '-'");
  EXPECT_EQ(Eval("(-9223372036854775807 - 1) / -1"),
            "error(overflow@27): int overflow in '/'");
  EXPECT_EQ(Eval("(-9223372036854775807 - 1) % -1"),
            "error(overflow@27): int overflow in '%'");
}

TEST(CompilerArithmeticTest, UintOverflow) {
  EXPECT_EQ(Eval("18446744073709551615u + 1u"),
            "error(overflow@22): uint overflow in '+'");
  EXPECT_EQ(Eval("0u - 1u"), "error(overflow@3): uint overflow in '-'");
  EXPECT_EQ(Eval("4294967296u * 4294967296u"),
            "error(overflow@12): uint overflow in '*'");
}

TEST(CompilerArithmeticTest, DivisionAndModulusByZero) {
  EXPECT_EQ(Eval("i / 0", kData), "error(divide_by_zero@2): division by zero");
  EXPECT_EQ(Eval("i % 0", kData), "error(modulus_by_zero@2): modulus by zero");
  EXPECT_EQ(Eval("1u / 0u"), "error(divide_by_zero@3): division by zero");
  EXPECT_EQ(Eval("1u % 0u"), "error(modulus_by_zero@3): modulus by zero");
  // Doubles follow IEEE 754.
  EXPECT_EQ(Eval("1.0 / 0.0"), "+Inf");
  EXPECT_EQ(Eval("-1.0 / 0.0"), "-Inf");
  EXPECT_EQ(Eval("0.0 / 0.0"), "NaN");
}

TEST(CompilerArithmeticTest, IntegerDivisionTruncatesTowardZero) {
  EXPECT_EQ(Eval("7 / 2"), "3");
  EXPECT_EQ(Eval("-7 / 2"), "-3");
  EXPECT_EQ(Eval("-7 % 2"), "-1");
  EXPECT_EQ(Eval("7 % -2"), "1");
  EXPECT_EQ(Eval("5u / 2u + 5u % 3u"), "4u");
  EXPECT_EQ(Eval("2.5 * 2.0 - 0.5"), "4.5");
}

TEST(CompilerArithmeticTest, MixedKindsHaveNoOverloadAtRunTime) {
  EXPECT_EQ(Eval("i + 1u", R"({"i": 1})"),
            "error(no_matching_overload@2): no matching overload for '+' "
            "applied to (int, uint)");
  EXPECT_EQ(
      Eval("1.0 % 2.0", "{}", {CheckMode::kDeferToRuntime, Limits()}),
      "error(no_matching_overload@4): no matching overload for '%' applied to "
      "(double, double)");
}

TEST(CompilerArithmeticTest, ConcatenationAndComparisons) {
  EXPECT_EQ(Eval("[1, 2] + [3]"), "[1, 2, 3]");
  EXPECT_EQ(Eval("'a' + 'b'"), R"("ab")");
  EXPECT_EQ(Eval("b'a' + b'b'"), R"(b"ab")");
  EXPECT_EQ(
      Eval("-1 < 1u && 18446744073709551615u > 1 && 1 == 1.0 && 1u in [1]"),
      "true");
  EXPECT_EQ(Eval("(0.0 / 0.0) == (0.0 / 0.0) || (0.0 / 0.0) < 1.0 || (0.0 / "
                 "0.0) >= 1.0"),
            "false");
  EXPECT_EQ(Eval("{1: 'a'}[1u] + {3u: 'x'}[3.0]"), R"("ax")");
  EXPECT_EQ(Eval("[1, 'a'] == [1u, 'a'] && {'a': 1} == {'a': 1.0}"), "true");
}

// ---- Conversions ------------------------------------------------------------

TEST(CompilerConversionTest, Int) {
  EXPECT_EQ(Eval("int(9223372036854775807u) + int(-1.9) + int('-42')"),
            "9223372036854775764");
  EXPECT_EQ(Eval("int(18446744073709551615u)"),
            "error(range@0): cannot convert 18446744073709551615u to int");
  EXPECT_EQ(Eval("int(9.3e18)"),
            "error(range@0): cannot convert 9.3e+18 to int");
  EXPECT_EQ(Eval("int(-9223372036854775808.0)"),
            "error(range@0): cannot convert -9.223372036854776e+18 to int");
  EXPECT_EQ(Eval("int(0.0 / 0.0)"),
            "error(range@0): cannot convert NaN to int");
  EXPECT_EQ(Eval("int('4x')"),
            R"(error(invalid_argument@0): cannot convert "4x" to int)");
  EXPECT_EQ(Eval("int('9223372036854775808')"),
            R"(error(range@0): cannot convert "9223372036854775808" to int)");
  EXPECT_EQ(Eval("int('+7') + int('-7')"), "0");
  EXPECT_EQ(Eval("int(true)"),
            "error(no_matching_overload@0): cannot convert true to int");
}

TEST(CompilerConversionTest, Uint) {
  EXPECT_EQ(Eval("uint(1) + uint(1.9) + uint('18446744073709551613')"),
            "18446744073709551615u");
  EXPECT_EQ(Eval("uint(-1)"), "error(range@0): cannot convert -1 to uint");
  EXPECT_EQ(Eval("uint(-0.5)"), "error(range@0): cannot convert -0.5 to uint");
  EXPECT_EQ(Eval("uint(1.8446744073709552e19)"),
            "error(range@0): cannot convert 1.8446744073709552e+19 to uint");
  EXPECT_EQ(Eval("uint('-1')"),
            R"(error(invalid_argument@0): cannot convert "-1" to uint)");
  EXPECT_EQ(Eval("uint('18446744073709551616')"),
            R"(error(range@0): cannot convert "18446744073709551616" to uint)");
}

TEST(CompilerConversionTest, DoubleStringBytesBoolType) {
  EXPECT_EQ(Eval("double(1) + double(2u) + double('1e3')"), "1003.0");
  EXPECT_EQ(Eval("double('x')"),
            R"(error(invalid_argument@0): cannot convert "x" to double)");
  EXPECT_EQ(Eval("double(' 1')"),
            R"(error(invalid_argument@0): cannot convert " 1" to double)");
  EXPECT_EQ(
      Eval("[string(1.5), string(1e6), string(-0.0), string(1u), string(true), "
           "string(b'abc'), string(int)]"),
      R"(["1.5", "1e+06", "-0", "1", "true", "abc", "int"])");
  EXPECT_EQ(
      Eval("string(b'\\xff')"),
      "error(invalid_utf8@0): cannot convert bytes to string: invalid UTF-8");
  EXPECT_EQ(Eval("bytes('\u00e9')"), R"(b"\xc3\xa9")");
  EXPECT_EQ(
      Eval(
          "[bool('1'), bool('t'), bool('T'), bool('TRUE'), bool('True'), "
          "bool('0'), "
          "bool('f'), bool('F'), bool('false'), bool('FALSE'), bool('False')]"),
      "[true, true, true, true, true, false, false, false, false, false, "
      "false]");
  EXPECT_EQ(Eval("bool('yes')"),
            R"(error(invalid_argument@0): cannot convert "yes" to bool)");
  EXPECT_EQ(Eval("[type(1u), type(null), type(type), dyn(1)]"),
            "[uint, null_type, type, 1]");
}

// ---- Strings and regular expressions ----------------------------------------

TEST(CompilerStringTest, SizeCountsCodePoints) {
  EXPECT_EQ(
      Eval("[size('h\u00e9llo'), '\U0001F600'.size(), size(b'\\xc3\\xa9'), "
           "size([1, 2]), size({1: 2})]"),
      "[5, 1, 2, 2, 1]");
  EXPECT_EQ(Eval("size(i)", R"({"i": 1})"),
            "error(no_matching_overload@0): no matching overload for 'size' "
            "applied to (int)");
}

TEST(CompilerStringTest, ContainsStartsWithEndsWith) {
  constexpr std::string_view data = R"({"s": "h\u00e9llo"})";
  EXPECT_EQ(
      Eval("[s.contains('\u00e9ll'), s.contains(''), s.startsWith('h\u00e9'), "
           "s.endsWith('lo'), s.endsWith('x'), 'ab'.endsWith('abc')]",
           data),
      "[true, true, true, true, false, false]");
  EXPECT_EQ(Eval("s.contains(e.x)", R"({"s": "a", "e": {}})"),
            R"(error(no_such_key@13): no such key: "x")");
}

TEST(CompilerStringTest, MatchesIsAPartialMatch) {
  constexpr std::string_view data = R"({"s": "hello"})";
  EXPECT_EQ(
      Eval("[s.matches('^h.llo$'), s.matches('l+'), matches(s, 'x')]", data),
      "[true, true, false]");
}

TEST(CompilerStringTest, ConstantInvalidPatternIsADiagnosticInStrictMode) {
  EXPECT_EQ(Eval("s.matches('[')", R"({"s": "a"})"),
            "<expr>:1:11: invalid regular expression: missing ]: [\n"
            "    s.matches('[')\n"
            "              ^\n");
  EXPECT_EQ(
      EvalDeferred("s.matches('[')", R"({"s": "a"})"),
      "error(invalid_argument@10): invalid regular expression: missing ]: [");
}

TEST(CompilerStringTest, DynamicInvalidPatternIsAnErrorValue) {
  EXPECT_EQ(Eval("s.matches(p)", R"({"s": "a", "p": "["})"),
            "error(invalid_argument@2): invalid regular expression '[': "
            "missing ]: [");
}

// ---- Comprehensions ---------------------------------------------------------

constexpr std::string_view kLists =
    R"({"l": [1, 2, 3], "m": {"a": 1, "b": 2}})";

TEST(CompilerComprehensionTest, Quantifiers) {
  EXPECT_EQ(Eval("[l.all(x, x > 0), l.all(x, x > 1), l.exists(x, x == 2), "
                 "l.exists(x, x == 5), l.exists_one(x, x > 2), l.exists_one(x, "
                 "x > 1)]",
                 kLists),
            "[true, false, true, false, true, false]");
  EXPECT_EQ(
      Eval("[[].all(x, false), [].exists(x, true), [].exists_one(x, true)]"),
      "[true, false, false]");
}

TEST(CompilerComprehensionTest, MapAndFilter) {
  EXPECT_EQ(Eval("l.map(x, x * 2)", kLists), "[2, 4, 6]");
  EXPECT_EQ(Eval("l.map(x, x > 1, x * 10)", kLists), "[20, 30]");
  EXPECT_EQ(Eval("l.filter(x, x % 2 == 1)", kLists), "[1, 3]");
  EXPECT_EQ(Eval("l.map(x, x).filter(y, y > 2).map(z, string(z))", kLists),
            R"(["3"])");
}

TEST(CompilerComprehensionTest, MapsIterateOverTheirKeysInOrder) {
  EXPECT_EQ(Eval("m.map(k, k)", kLists), R"(["a", "b"])");
  EXPECT_EQ(Eval("m.filter(k, m[k] > 1)", kLists), R"(["b"])");
  EXPECT_EQ(Eval("m.all(k, m[k] > 0) && 'a' in m", kLists), "true");
}

TEST(CompilerComprehensionTest, NestedAndShadowed) {
  EXPECT_EQ(Eval("[[1, 2], [3]].map(x, x.map(y, y + 1))"), "[[2, 3], [4]]");
  EXPECT_EQ(Eval("[1, 2].all(x, [3, 4].exists(y, y > x))"), "true");
  EXPECT_EQ(Eval("[1, 2].map(x, [10].map(x, x + 1))"), "[[11], [11]]");
  EXPECT_EQ(Eval("l.map(x, l.filter(y, y < x))", kLists), "[[], [1], [1, 2]]");
}

TEST(CompilerComprehensionTest, AllAndExistsAbsorbErrorsWhenDecided) {
  EXPECT_EQ(Eval("[0, 1].all(x, 1 / x > 5)"), "false");
  EXPECT_EQ(Eval("[1, 0].exists(x, 1 / x == 1)"), "true");
  EXPECT_EQ(Eval("[0, 1].all(x, 1 / x > 0)"),
            "error(divide_by_zero@16): division by zero");
  EXPECT_EQ(Eval("[0, 2].exists(x, 1 / x == 1)"),
            "error(divide_by_zero@19): division by zero");
}

TEST(CompilerComprehensionTest, OtherMacrosPropagateErrors) {
  EXPECT_EQ(Eval("[0, 1].exists_one(x, 1 / x == 1)"),
            "error(divide_by_zero@23): division by zero");
  EXPECT_EQ(Eval("[0, 1].map(x, 1 / x)"),
            "error(divide_by_zero@16): division by zero");
  EXPECT_EQ(Eval("[1, 0].filter(x, 1 / x == 1)"),
            "error(divide_by_zero@19): division by zero");
  EXPECT_EQ(Eval("e.x.all(y, true)", R"({"e": {}})"),
            R"(error(no_such_key@2): no such key: "x")");
}

TEST(CompilerComprehensionTest, WrongKindsAtRunTime) {
  EXPECT_EQ(
      Eval("i.all(x, true)", R"({"i": 1})"),
      "error(no_matching_overload@2): all() needs a list or a map, got int");
  EXPECT_EQ(Eval("l.exists_one(x, x)", kLists),
            "error(no_matching_overload@16): condition of exists_one() must be "
            "bool, got int");
  EXPECT_EQ(Eval("l.map(x, x, x)", kLists),
            "error(no_matching_overload@9): condition of map() must be bool, "
            "got int");
}

TEST(CompilerComprehensionTest, TwoVariableForms) {
  EXPECT_EQ(Eval("[l.all(i, v, v > i), m.exists(k, v, k == 'b' && v == 2), "
                 "l.existsOne(i, v, v == 2)]",
                 kLists),
            "[true, true, true]");
  EXPECT_EQ(Eval("l.transformList(i, v, i > 0, v * 10)", kLists), "[20, 30]");
  EXPECT_EQ(Eval("m.transformMap(k, v, v + 1)", kLists), R"({"a": 2, "b": 3})");
}

TEST(CompilerComprehensionTest, IterationLimitStopsRunawayLoops) {
  CompileOptions options;
  options.limits.max_iterations = 12;
  EXPECT_EQ(Eval("l.map(x, l.map(y, y))", kLists, options),
            "[[1, 2, 3], [1, 2, 3], [1, 2, 3]]");
  EXPECT_EQ(Eval("l.map(x, l.map(y, l.map(z, z)))", kLists, options),
            "error(limit_exceeded@20): comprehension iteration limit exceeded");
  // A billion iterations would hang; the default limit ends it.
  std::string data = "{\"l\": [0";
  for (int i = 1; i < 1000; ++i) data += "," + std::to_string(i);
  data += "]}";
  // An exceeded limit is fatal: no all() around it absorbs it, so the
  // innermost comprehension, where the limit ran out, reports it.
  EXPECT_EQ(Eval("l.all(a, l.all(b, l.all(c, a + b + c >= 0)))", data),
            "error(limit_exceeded@20): comprehension iteration limit exceeded");
}

// ---- Variables, activations and folding -------------------------------------

TEST(CompilerProgramTest, UnboundDeclaredVariableIsAnErrorValue) {
  Env env(testing::ShippedRegistry());
  env.Declare("x");
  env.Declare("y");
  Source source;
  source.text = "x + y";
  CompileResult compiled = Compile(source, env);
  ASSERT_TRUE(compiled.ok());
  Activation activation(env);
  EXPECT_TRUE(activation.Bind("x", Value::Int(1)));
  EXPECT_FALSE(activation.Bind("nope", Value::Int(1)));
  Value result = compiled.program->Evaluate(activation);
  ASSERT_TRUE(result.is_error());
  EXPECT_EQ(result.error_value().kind, ErrorKind::kUndeclaredReference);
  EXPECT_EQ(result.error_value().message, "no value for variable 'y'");
  activation.Bind(env.Find("y"), Value::Int(2));
  EXPECT_EQ(Describe(compiled.program->Evaluate(activation)), "3");
}

TEST(CompilerProgramTest, ActivationOfASmallerEnvIsRejected) {
  Env small(testing::ShippedRegistry());
  Env large(testing::ShippedRegistry());
  large.Declare("x");
  Source source;
  source.text = "1";
  CompileResult compiled = Compile(source, large);
  ASSERT_TRUE(compiled.ok());
  EXPECT_EQ(Describe(compiled.program->Evaluate(Activation(small))),
            "error(other@-1): the activation has fewer variables than the "
            "environment "
            "the expression was compiled with");
}

TEST(CompilerProgramTest, ConstantExpressionsFoldWhenCompiled) {
  Env env(testing::ShippedRegistry());
  env.Declare("x");
  auto compile = [&env](const char* text) {
    Source source;
    source.text = text;
    CompileResult compiled = Compile(source, env);
    EXPECT_TRUE(compiled.ok()) << text;
    return compiled.program;
  };
  ASSERT_NE(compile("1 + 2")->constant(), nullptr);
  EXPECT_EQ(Describe(*compile("1 + 2")->constant()), "3");
  EXPECT_EQ(
      Describe(
          *compile("'abc'.matches('^a') && size([1, 2]) == 2")->constant()),
      "true");
  EXPECT_EQ(Describe(*compile("true || x")->constant()), "true");
  EXPECT_EQ(Describe(*compile("x && false")->constant()), "false");
  EXPECT_EQ(Describe(*compile("1 / 0")->constant()),
            "error(divide_by_zero@2): division by zero");
  EXPECT_EQ(compile("x + 1")->constant(), nullptr);
  EXPECT_EQ(compile("x && true")->constant(), nullptr);
  EXPECT_EQ(compile("[1, x]")->constant(), nullptr);
  EXPECT_EQ(compile("1 + 2")->result_kind(), ValueKind::kInt);
  EXPECT_EQ(compile("x + 1")->result_kind(), std::nullopt);
}

TEST(CompilerProgramTest, DeferredModeTurnsMistakesIntoErrorValues) {
  EXPECT_EQ(EvalDeferred("is_emial('a')"),
            "error(unbound_function@0): unknown function 'is_emial'");
  EXPECT_EQ(EvalDeferred("nope + 1"),
            "error(undeclared_reference@0): undeclared reference to 'nope'");
  EXPECT_EQ(EvalDeferred("'a'.is_email()"),
            "error(no_matching_overload@4): no matching overload for "
            "'is_email' with 1 argument");
  EXPECT_EQ(EvalDeferred("true || nope"), "true");
}

// ---- Domain functions -------------------------------------------------------

TEST(CompilerDomainTest, IsEmail) {
  EXPECT_EQ(
      Eval("[is_email('a@b.de'), is_email('a.b+c@sub.example.com'), "
           "is_email('a@b'), "
           "is_email('.a@b.de'), is_email('a..b@b.de'), is_email('a.@b.de'), "
           "is_email('a@-b.de'), is_email('a b@c.de'), is_email('')]"),
      "[true, true, false, false, false, false, false, false, false]");
  EXPECT_EQ(Eval("is_email(i)", R"({"i": 1})"),
            "error(no_matching_overload@0): no matching overload for "
            "'is_email' applied to (int)");
}

TEST(CompilerDomainTest, IsPhone) {
  EXPECT_EQ(
      Eval("[is_phone('+49 30 1234567'), is_phone('(030) 123-4567'), "
           "is_phone('1234567'), is_phone('123456'), "
           "is_phone('1234567890123456'), "
           "is_phone('49+301234567'), is_phone('030 1234567x'), is_phone('')]"),
      "[true, true, true, false, false, false, false, false]");
}

TEST(CompilerDomainTest, LowerUpperTrimAreAsciiOnly) {
  EXPECT_EQ(Eval("[lower('MiXed'), 'x'.upper(), lower('\u00c0BC'), "
                 "upper('stra\u00dfe'), "
                 "trim(' \\t Hi There \\n'), ' a '.trim(), trim(' \\t ')]"),
            "[\"mixed\", \"X\", \"\u00c0bc\", \"STRA\u00dfE\", \"Hi There\", "
            "\"a\", \"\"]");
}

TEST(CompilerDomainTest, DefaultReplacesErrorsAndNull) {
  constexpr std::string_view data = R"({"n": null, "e": {}})";
  EXPECT_EQ(Eval("[default(n, 'x'), default(e.x, 'y'), default(1 / 0, 0), "
                 "default(1, 2), "
                 "default('', 'z'), default(false, true)]",
                 data),
            R"(["x", "y", 0, 1, "", false])");
  EXPECT_EQ(Eval("default(e.x, e.y)", data),
            R"(error(no_such_key@15): no such key: "y")");
}

TEST(CompilerDomainTest, PostalCodeValidUsesTheShippedRules) {
  EXPECT_EQ(
      Eval("[postal_code_valid('DE', '10115'), postal_code_valid('de', "
           "'10115'), "
           "postal_code_valid('DE', '1011'), postal_code_valid('DE', ''), "
           "postal_code_valid('IE', ''), postal_code_valid('AE', 'anything'), "
           "postal_code_valid('US', '12345-6789'), postal_code_valid('GB', "
           "'sw1a 1aa'), "
           "postal_code_valid('NL', '1012 AB'), postal_code_valid('CA', 'K1A "
           "0B1')]"),
      "[true, true, false, false, true, true, true, true, true, true]");
  EXPECT_EQ(Eval("postal_code_valid('XX', '1')"),
            "error(invalid_argument@0): unknown country code \"XX\"; expected "
            "an ISO 3166-1 "
            "alpha-2 code such as \"DE\"");
}

TEST(CompilerDomainTest, DefaultRulesPathFindsTheDataDirectory) {
  std::string path = DefaultPostalCodeRulesPath();
  EXPECT_EQ(path.substr(path.size() - 18), "/postal_codes.yaml");
  auto rules = PostalCodeRules::LoadFile(path);
  ASSERT_TRUE(rules.ok()) << rules.status().message();
  EXPECT_EQ(rules.value()->IsValid("DE", "10115"), true);
}

// ---- Threads ----------------------------------------------------------------

TEST(CompilerThreadTest, OneProgramEvaluatesOnManyThreadsAtOnce) {
  Env env(testing::ShippedRegistry());
  env.Declare("items");
  env.Declare("email");
  Source source;
  source.text =
      "items.filter(i, i % 3 == 0).map(i, string(i)).exists(s, "
      "s.matches('^9+$')) && "
      "is_email(email) && items.all(i, i >= 0) ? size(items.map(i, i * 2)) : "
      "-1";
  CompileResult compiled = Compile(source, env);
  ASSERT_TRUE(compiled.ok()) << RenderAll(source, compiled.diagnostics);
  std::vector<std::thread> threads;
  std::vector<std::string> results(8);
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      ValueList items;
      for (int i = 0; i < 100 + static_cast<int>(t); ++i) {
        items.push_back(Value::Int(i));
      }
      Activation activation(env);
      activation.Bind("items", Value::List(items));
      activation.Bind("email", Value::String(t % 2 == 0 ? "a@b.de" : "nope"));
      for (int round = 0; round < 200; ++round) {
        std::string r = Describe(compiled.program->Evaluate(activation));
        if (round > 0 && r != results[t]) r = "unstable: " + r;
        results[t] = r;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (size_t t = 0; t < results.size(); ++t) {
    EXPECT_EQ(results[t], t % 2 == 0 ? std::to_string(100 + t) : "-1") << t;
  }
}

}  // namespace
}  // namespace bssflow::dsl

namespace bssflow::dsl {
namespace {

// Regression: default() and || absorbed an exceeded limit and answered
// wrongly; a limit ends the evaluation.
TEST(CompilerLimitTest, AnExceededLimitIsNeverAbsorbed) {
  CompileOptions options;
  options.limits.max_iterations = 10;
  std::string data =
      "{\"t\": true, \"l\": "
      "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]}";
  EXPECT_EQ(Eval("default(l.exists(x, x == 20), false)", data, options),
            "error(limit_exceeded@10): comprehension iteration limit exceeded");
  EXPECT_EQ(Eval("l.exists(x, x == 20) || t", data, options),
            "error(limit_exceeded@2): comprehension iteration limit exceeded");
  EXPECT_EQ(Eval("[1].exists(y, l.all(x, x < 100))", data, options),
            "error(limit_exceeded@16): comprehension iteration limit exceeded");
  // What is never evaluated cannot run out: a decided || skips its right.
  EXPECT_EQ(Eval("t || l.exists(x, x == 20)", data, options), "true");
}

// Regression: an unbound variable's error pointed nowhere (offset -1).
TEST(CompilerProgramTest, UnboundVariableErrorPointsAtTheReference) {
  Env env(testing::ShippedRegistry());
  env.Declare("x");
  Source source;
  source.text = "1 + x";
  CompileResult compiled = Compile(source, env);
  ASSERT_TRUE(compiled.ok());
  Value v = compiled.program->Evaluate(Activation(env));
  ASSERT_TRUE(v.is_error());
  EXPECT_EQ(v.error_value().offset, 4);
  EXPECT_EQ(v.error_value().message, "no value for variable 'x'");
}

}  // namespace
}  // namespace bssflow::dsl

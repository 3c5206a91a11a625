#include "dsl/checker.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "dsl/functions.h"
#include "dsl/parser.h"
#include "dsl/postal_codes.h"
#include "dsl/testing/shipped_data.h"

namespace bssflow::dsl {
namespace {

class CheckerTest : public ::testing::Test {
 protected:
  CheckerTest() : env_(testing::ShippedRegistry()) {
    env_.Declare("account");
    env_.Declare("accounts");
    env_.Declare("count", ValueKind::kInt);
    env_.Declare("name", ValueKind::kString);
    env_.Declare("tags", ValueKind::kList);
  }

  // Every diagnostic of `text`, rendered; empty when it checks.
  std::string Diagnose(std::string_view text,
                       CheckMode mode = CheckMode::kStrict) {
    Source source;
    source.text = std::string(text);
    ParseResult parsed = Parse(source);
    if (parsed.root == nullptr) {
      return "syntax: " + RenderAll(source, parsed.diagnostics);
    }
    root_ = std::move(parsed.root);
    return RenderAll(source, Check(*root_, env_, mode));
  }

  // One diagnostic at `column` of a one-line expression, word for word.
  void ExpectProblem(std::string_view text, int column,
                     std::string_view message) {
    std::string expected =
        "<expr>:1:" + std::to_string(column) + ": " + std::string(message) +
        "\n    " + std::string(text) + "\n    " +
        std::string(static_cast<size_t>(column - 1), ' ') + "^\n";
    EXPECT_EQ(Diagnose(text), expected) << text;
  }

  void ExpectClean(std::string_view text) {
    EXPECT_EQ(Diagnose(text), "") << text;
  }

  Env env_;
  NodePtr root_;
};

// ---- Names ------------------------------------------------------------------

TEST_F(CheckerTest, UndeclaredReferenceSuggestsADeclaredVariable) {
  ExpectProblem("acount.email", 1,
                "undeclared reference to 'acount'; did you mean 'account'?");
  ExpectProblem("acounts.size()", 1,
                "undeclared reference to 'acounts'; did you mean 'accounts'?");
  ExpectProblem("count + cont", 9,
                "undeclared reference to 'cont'; did you mean 'count'?");
  // Too far from every name for a guess.
  ExpectProblem("zzz", 1, "undeclared reference to 'zzz'");
}

TEST_F(CheckerTest, ComprehensionVariablesAreInScopeOnlyInsideTheMacro) {
  ExpectClean("accounts.all(a, a.active)");
  ExpectProblem("[1].exists(y, yy > 0)", 15,
                "undeclared reference to 'yy'; did you mean 'y'?");
  ExpectProblem("[1].exists(y, y > 0) && y", 25, "undeclared reference to 'y'");
  ExpectClean("account.all(k, v, k == 'id' || v != null)");
}

TEST_F(CheckerTest, TypeNamesAreExpressions) {
  ExpectClean("type(1) == int && type('a') == string && type(int) == type");
}

// ---- Functions --------------------------------------------------------------

TEST_F(CheckerTest, UnknownFunctionSuggestsARegisteredOne) {
  ExpectProblem("is_emial(account.email)", 1,
                "unknown function 'is_emial'; did you mean 'is_email'?");
  ExpectProblem("name.startswith('a')", 6,
                "unknown function 'startswith'; did you mean 'startsWith'?");
  ExpectProblem("frobnicate(1)", 1, "unknown function 'frobnicate'");
}

TEST_F(CheckerTest, WrongArgumentCounts) {
  ExpectProblem("is_email(name, name)", 1,
                "'is_email' takes 1 argument, got 2");
  ExpectProblem("is_email()", 1, "'is_email' takes 1 argument, got 0");
  ExpectProblem("default(account)", 1, "'default' takes 2 arguments, got 1");
  ExpectProblem("postal_code_valid('DE')", 1,
                "'postal_code_valid' takes 2 arguments, got 1");
  // For methods the receiver is not counted.
  ExpectProblem("'a'.startsWith()", 5, "'startsWith' takes 1 argument, got 0");
  ExpectProblem("'a'.startsWith('b', 'c')", 5,
                "'startsWith' takes 1 argument, got 2");
  ExpectProblem("'abc'.size(1)", 7, "'size' takes 0 arguments, got 1");
}

TEST_F(CheckerTest, MethodAndFunctionMisuse) {
  ExpectProblem("'a'.is_email()", 5,
                "'is_email' is a function, not a method; write is_email(...)");
  ExpectProblem("startsWith('a','b')", 1,
                "'startsWith' is a method; write x.startsWith(...)");
  ExpectProblem("account.int()", 9,
                "'int' is a function, not a method; write int(...)");
  // Both forms are fine where both are registered.
  ExpectClean(
      "size(name) + name.size() + lower(name).size() + name.lower().size()");
}

TEST_F(CheckerTest, ArgumentKindsOfKnownFunctions) {
  ExpectProblem("lower(1)", 1,
                "no matching overload for 'lower' applied to (int); expected "
                "lower(string) -> string");
  ExpectProblem(
      "postal_code_valid(1, 2)", 1,
      "no matching overload for 'postal_code_valid' applied to (int, int); "
      "expected postal_code_valid(country, code) -> bool");
  ExpectProblem(
      "name.contains(count)", 6,
      "no matching overload for 'contains' applied to (string, int); expected "
      "string.contains(string) -> bool");
  // Unknown (dyn) arguments are left to run time.
  ExpectClean("lower(account.name)");
  ExpectClean("is_email(account.email) && name.contains(account.domain)");
}

// ---- Operators --------------------------------------------------------------

TEST_F(CheckerTest, ArithmeticOnWrongKinds) {
  ExpectProblem("'a' + 1", 5,
                "no matching overload for '+' applied to (string, int); "
                "convert with string()");
  ExpectProblem("count + name", 7,
                "no matching overload for '+' applied to (int, string); "
                "convert with string()");
  ExpectProblem(
      "1 + 1u", 3,
      "no matching overload for '+' applied to (int, uint); convert one side, "
      "e.g. with double() or int()");
  ExpectProblem("'a' - 'b'", 5,
                "no matching overload for '-' applied to (string, string)");
  ExpectProblem("1.0 % 2.0", 5,
                "no matching overload for '%' applied to (double, double)");
  ExpectProblem("{1: 2} + {3: 4}", 8,
                "no matching overload for '+' applied to (map, map)");
  ExpectProblem("null + 1", 6,
                "no matching overload for '+' applied to (null_type, int)");
  ExpectProblem("type(1) + 1", 9,
                "no matching overload for '+' applied to (type, int)");
  ExpectClean("[1] + tags");
  ExpectClean("b'a' + b'b'");
  ExpectClean("2u % 1u + 3u");
}

TEST_F(CheckerTest, OrderingAcrossKinds) {
  ExpectProblem("1 < 'a'", 3,
                "no matching overload for '<' applied to (int, string)");
  ExpectProblem("[1] < [2]", 5,
                "no matching overload for '<' applied to (list, list)");
  ExpectProblem(
      "null < null", 6,
      "no matching overload for '<' applied to (null_type, null_type)");
  ExpectClean(
      "1 < 1.5 && 1u > 2 && 'a' <= 'b' && true >= false && b'a' < b'b'");
}

TEST_F(CheckerTest, EqualityOfDifferentKindsIsAlwaysDecided) {
  ExpectProblem("1 == 'a'", 3, "comparing int with string is always false");
  ExpectProblem("count != name", 7, "comparing int with string is always true");
  ExpectProblem("[] == {}", 4, "comparing list with map is always false");
  ExpectProblem("b'a' == 'a'", 6,
                "comparing bytes with string is always false");
  ExpectClean(
      "1 == 1u && 1 == 1.0 && null == 1 && account == 1 && name != null");
}

TEST_F(CheckerTest, LogicalOperandsAndConditions) {
  ExpectProblem("!1", 2, "operand of '!' must be bool, got int");
  ExpectProblem("1 && true", 1, "left operand of '&&' must be bool, got int");
  ExpectProblem("true || 'a'", 9,
                "right operand of '||' must be bool, got string");
  ExpectProblem("'x' ? 1 : 2", 1, "condition of '?:' must be bool, got string");
  ExpectProblem("-'a'", 1, "operand of '-' must be int or double, got string");
  ExpectProblem("-1u", 1, "operand of '-' must be int or double, got uint");
  ExpectClean("account.active && !account.blocked ? -count : -1.5 > 0.0");
}

TEST_F(CheckerTest, MembershipAndAccess) {
  ExpectProblem("1 in 2", 3,
                "right operand of 'in' must be a list or a map, got int");
  ExpectProblem("'a' in 'abc'", 5,
                "right operand of 'in' must be a list or a map, got string");
  ExpectProblem("has(1.a)", 1, "has() needs a map, got int");
  ExpectProblem("count.a", 7, "no field 'a' on a value of type int");
  ExpectProblem("[1].a", 5, "no field 'a' on a value of type list");
  ExpectProblem("'a'[0]", 4, "cannot index a value of type string");
  ExpectProblem("[1]['a']", 5, "list index must be int, got string");
  ExpectProblem("{[1]: 2}", 2,
                "map keys must be bool, int, uint or string, got list");
  ExpectProblem("{1.5: 2}", 2,
                "map keys must be bool, int, uint or string, got double");
  ExpectClean(
      "1 in tags && 'k' in account && account.a[0].b['c'] && has(account.x)");
}

TEST_F(CheckerTest, MacroRangesAndPredicates) {
  ExpectProblem("1.all(x, x)", 1, "all() needs a list or a map, got int");
  ExpectProblem("[1].all(x, 1)", 12,
                "condition of all() must be bool, got int");
  ExpectProblem("[1].filter(x, 1)", 15,
                "condition of filter() must be bool, got int");
  ExpectProblem("{}.exists_one(k, 'a')", 18,
                "condition of exists_one() must be bool, got string");
  ExpectProblem("[1].map(x, 1, x)", 12,
                "condition of map() must be bool, got int");
  ExpectProblem("name.map(x, x)", 1, "map() needs a list or a map, got string");
  ExpectClean("tags.map(x, x > 1, x * 2) + accounts.filter(a, a.ok)");
}

// ---- Several problems -------------------------------------------------------

TEST_F(CheckerTest, EveryProblemIsReportedInSourceOrder) {
  EXPECT_EQ(
      Diagnose("is_emial(acount) || 1 < 'a'"),
      "<expr>:1:1: unknown function 'is_emial'; did you mean 'is_email'?\n"
      "    is_emial(acount) || 1 < 'a'\n"
      "    ^\n"
      "<expr>:1:10: undeclared reference to 'acount'; did you mean 'account'?\n"
      "    is_emial(acount) || 1 < 'a'\n"
      "             ^\n"
      "<expr>:1:23: no matching overload for '<' applied to (int, string)\n"
      "    is_emial(acount) || 1 < 'a'\n"
      "                          ^\n");
}

TEST_F(CheckerTest, ProblemsOnLaterLinesPointIntoTheirLine) {
  EXPECT_EQ(Diagnose("account.active &&\n  !1 &&\n  foo"),
            "<expr>:2:4: operand of '!' must be bool, got int\n"
            "      !1 &&\n"
            "       ^\n"
            "<expr>:3:3: undeclared reference to 'foo'\n"
            "      foo\n"
            "      ^\n");
}

TEST_F(CheckerTest, AnOperandInErrorDoesNotCascade) {
  ExpectProblem("(1 + 'a') + 2", 4,
                "no matching overload for '+' applied to (int, string); "
                "convert with string()");
}

TEST_F(CheckerTest, DeferToRuntimeReportsNothing) {
  for (const char* text :
       {"is_emial(acount) || 1 < 'a'", "'a' + 1", "!1", "1 in 2", "has(1.a)",
        "'a'.is_email()", "startsWith('a', 'b')", "is_email()", "1 == 'a'",
        "[1].all(x, 1)"}) {
    EXPECT_EQ(Diagnose(text, CheckMode::kDeferToRuntime), "") << text;
  }
}

// ---- Static kinds -----------------------------------------------------------

TEST_F(CheckerTest, RecordsTheStaticKindOfEveryNode) {
  ExpectClean("1 + 2");
  EXPECT_EQ(root_->type, ValueKind::kInt);
  EXPECT_EQ(root_->children[0]->type, ValueKind::kInt);
  ExpectClean("account.name");
  EXPECT_EQ(root_->type, std::nullopt);
  ExpectClean("name + 'x'");
  EXPECT_EQ(root_->type, ValueKind::kString);
  ExpectClean("tags.map(t, t)");
  EXPECT_EQ(root_->type, ValueKind::kList);
  ExpectClean("account.transformMap(k, v, v)");
  EXPECT_EQ(root_->type, ValueKind::kMap);
  ExpectClean("tags.exists(t, t == 1)");
  EXPECT_EQ(root_->type, ValueKind::kBool);
  ExpectClean("count > 0 ? 'a' : 'b'");
  EXPECT_EQ(root_->type, ValueKind::kString);
  ExpectClean("count > 0 ? 'a' : 1");
  EXPECT_EQ(root_->type, std::nullopt);
  ExpectClean("size(account)");
  EXPECT_EQ(root_->type, ValueKind::kInt);
  ExpectClean("dyn(1)");
  EXPECT_EQ(root_->type, std::nullopt);
}

}  // namespace
}  // namespace bssflow::dsl

namespace bssflow::dsl {
namespace {

// Swapped neighbouring letters are one typo, not two.
TEST_F(CheckerTest, TranspositionsGetASuggestion) {
  ExpectProblem("cuont + 1", 1,
                "undeclared reference to 'cuont'; did you mean 'count'?");
}

}  // namespace
}  // namespace bssflow::dsl

namespace bssflow::dsl {
namespace {

// Variables with known fields: a misspelt or unavailable field is reported.
TEST(CheckerKnownFieldsTest, UnknownAndUnavailableFields) {
  Env env(testing::ShippedRegistry());
  KnownFields steps;
  steps.names = {"account", "prerequisites"};
  steps.noun = "step";
  steps.unavailable = {{"create", "it runs after this step"}};
  env.DeclareFields("steps", steps);
  auto diagnose = [&](std::string text) {
    Source source;
    source.text = text;
    ParseResult parsed = Parse(source);
    return RenderAll(source, Check(*parsed.root, env, CheckMode::kStrict));
  };
  EXPECT_EQ(diagnose("steps.account.phone"), "");
  EXPECT_EQ(diagnose("steps.acount.phone"),
            "<expr>:1:7: no step 'acount'; did you mean 'account'?\n"
            "    steps.acount.phone\n"
            "          ^\n");
  EXPECT_EQ(diagnose("steps.create.id"),
            "<expr>:1:7: step 'create' is not available here: it runs after "
            "this step\n"
            "    steps.create.id\n"
            "          ^\n");
  // A comprehension variable of the same name hides the known fields.
  EXPECT_EQ(diagnose("[{'x': 1}].all(steps, steps.x == 1)"), "");
}

}  // namespace
}  // namespace bssflow::dsl

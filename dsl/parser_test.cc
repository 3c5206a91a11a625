#include "dsl/parser.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace bssflow::dsl {
namespace {

// Prints a tree with every operator parenthesized, so that a test can check
// its shape: "(1 + (2 * 3))", "a.b[0]", "f(x)", "s.startsWith(x)",
// "m.all(k, v: (v > 0))" for comprehensions, "has(a.b)".
std::string Print(const Node& n) {
  auto child = [&n](size_t i) { return Print(*n.children[i]); };
  auto join = [&n](size_t from, const char* sep) {
    std::string out;
    for (size_t i = from; i < n.children.size(); ++i) {
      if (i > from) out += sep;
      out += Print(*n.children[i]);
    }
    return out;
  };
  switch (n.kind) {
    case NodeKind::kLiteral:
      return DebugString(n.literal);
    case NodeKind::kIdent:
      return n.name;
    case NodeKind::kSelect:
      return child(0) + "." + n.name;
    case NodeKind::kIndex:
      return child(0) + "[" + child(1) + "]";
    case NodeKind::kCall:
      if (n.receiver_call) {
        return child(0) + "." + n.name + "(" + join(1, ", ") + ")";
      }
      return n.name + "(" + join(0, ", ") + ")";
    case NodeKind::kList:
      return "[" + join(0, ", ") + "]";
    case NodeKind::kMap: {
      std::string out = "{";
      for (size_t i = 0; i + 1 < n.children.size(); i += 2) {
        if (i > 0) out += ", ";
        out += child(i) + ": " + child(i + 1);
      }
      return out + "}";
    }
    case NodeKind::kUnary:
      return std::string("(") + OperatorText(n.op) + child(0) + ")";
    case NodeKind::kBinary:
      return "(" + child(0) + " " + OperatorText(n.op) + " " + child(1) + ")";
    case NodeKind::kAnd:
      return "(" + child(0) + " && " + child(1) + ")";
    case NodeKind::kOr:
      return "(" + child(0) + " || " + child(1) + ")";
    case NodeKind::kConditional:
      return "(" + child(0) + " ? " + child(1) + " : " + child(2) + ")";
    case NodeKind::kHas:
      return "has(" + child(0) + "." + n.name + ")";
    case NodeKind::kComprehension:
      return child(0) + "." + MacroName(n.macro) + "(" + n.name +
             (n.second_name.empty() ? "" : ", " + n.second_name) + ": " +
             join(1, ", ") + ")";
  }
  return "?";
}

ParseResult ParseText(std::string_view text, const Limits& limits = Limits()) {
  Source source;
  source.text = std::string(text);
  return Parse(source, limits);
}

// The printed tree, or the rendered diagnostic when the text does not parse.
std::string TreeOf(std::string_view text, const Limits& limits = Limits()) {
  Source source;
  source.text = std::string(text);
  ParseResult result = Parse(source, limits);
  if (result.root == nullptr) return RenderAll(source, result.diagnostics);
  EXPECT_TRUE(result.diagnostics.empty());
  return Print(*result.root);
}

// The rendered diagnostic: "file:line:col: message", the line and a caret.
std::string ErrorOf(std::string_view text, const Limits& limits = Limits()) {
  Source source;
  source.text = std::string(text);
  ParseResult result = Parse(source, limits);
  if (result.root != nullptr) return "parsed as " + Print(*result.root);
  EXPECT_EQ(result.diagnostics.size(), 1u) << text;
  return RenderAll(source, result.diagnostics);
}

// Render() of a one-line, tab-free ASCII expression with the diagnostic at
// `column`: "<expr>:1:COL: message", the line, and a caret under the column.
std::string AtColumn(std::string_view text, int column,
                     std::string_view message) {
  return "<expr>:1:" + std::to_string(column) + ": " + std::string(message) +
         "\n    " + std::string(text) + "\n    " +
         std::string(static_cast<size_t>(column - 1), ' ') + "^\n";
}

// Checks the whole rendered diagnostic of `text`, word for word.
void ExpectError(std::string_view text, int column, std::string_view message,
                 const Limits& limits = Limits()) {
  EXPECT_EQ(ErrorOf(text, limits), AtColumn(text, column, message)) << text;
}

Value LiteralOf(std::string_view text) {
  ParseResult result = ParseText(text);
  if (result.root == nullptr) {
    ADD_FAILURE() << text << ": " << result.diagnostics[0].message;
    return Value();
  }
  EXPECT_EQ(result.root->kind, NodeKind::kLiteral) << text;
  return result.root->literal;
}

// ---- Literals ---------------------------------------------------------------

// Literals are checked through lists, whose printed form shows each value's
// kind: 1, 1u, 1.0, "s", b"s".
TEST(ParserLiteralTest, IntsAndUints) {
  EXPECT_EQ(TreeOf("[0, 42, 0x1F, 0XfF, 9223372036854775807]"),
            "[0, 42, 31, 255, 9223372036854775807]");
  EXPECT_EQ(
      TreeOf("[42u, 42U, 0x1Fu, 18446744073709551615u, 0xFFFFFFFFFFFFFFFFu]"),
      "[42u, 42u, 31u, 18446744073709551615u, 18446744073709551615u]");
}

TEST(ParserLiteralTest, DoublesBoolsAndNull) {
  EXPECT_EQ(TreeOf("[1.5, .5, 1e3, 1E-3, 1.5e+3, 2.5E2, 0.0]"),
            "[1.5, 0.5, 1000.0, 0.001, 1500.0, 250.0, 0.0]");
  // Underflow to zero is allowed; only overflow to infinity is an error.
  EXPECT_EQ(TreeOf("1e-400"), "0.0");
  EXPECT_EQ(TreeOf("[true, false, null]"), "[true, false, null]");
}

TEST(ParserLiteralTest, QuotedAndTripleQuotedStrings) {
  EXPECT_EQ(
      TreeOf("['single', \"double\", 'say \"hi\"', '', 'h\xc3\xa9']"),
      "[\"single\", \"double\", \"say \\\"hi\\\"\", \"\", \"h\xc3\xa9\"]");
  EXPECT_EQ(TreeOf("['''a'b\nc''', \"\"\"x\"y\"\"\", '''tab\\tescape''']"),
            R"(["a'b\nc", "x\"y", "tab\tescape"])");
}

TEST(ParserLiteralTest, RawStringsKeepBackslashes) {
  EXPECT_EQ(TreeOf(R"--([r'a\nb', R"\d+", r'\', r'''x\ny'''])--"),
            R"(["a\\nb", "\\d+", "\\", "x\\ny"])");
}

TEST(ParserLiteralTest, BytesWithEveryPrefix) {
  EXPECT_EQ(TreeOf(R"([b'abc', B'\xff', br'\x', rb'\x', Rb'z', b'''a'b'''])"),
            R"([b"abc", b"\xff", b"\\x", b"\\x", b"z", b"a'b"])");
  // Octal and hex escapes are octets in bytes; UTF-8 text stays as it is.
  EXPECT_EQ(TreeOf("[b'\\101\\377\\xff', b'\xc3\xa9']"),
            R"([b"A\xff\xff", b"\xc3\xa9"])");
}

TEST(ParserLiteralTest, EverySimpleEscape) {
  EXPECT_EQ(LiteralOf(R"('\a\b\f\n\r\t\v\\\?\"\'\`')").string_value(),
            "\a\b\f\n\r\t\v\\?\"'`");
}

TEST(ParserLiteralTest, NumericEscapesInStringsAreCodePoints) {
  EXPECT_EQ(LiteralOf(R"('\101\x41\X41')").string_value(), "AAA");
  // \377 and \xff are U+00FF in a string, encoded as two UTF-8 bytes.
  EXPECT_EQ(LiteralOf(R"('\377')").string_value(), "\xc3\xbf");
  EXPECT_EQ(LiteralOf(R"('\xff')").string_value(), "\xc3\xbf");
  EXPECT_EQ(LiteralOf(R"('\000')").string_value(), std::string(1, '\0'));
  EXPECT_EQ(LiteralOf(R"('\u00e9')").string_value(), "\xc3\xa9");
  EXPECT_EQ(LiteralOf(R"('\u20AC')").string_value(), "\xe2\x82\xac");
  EXPECT_EQ(LiteralOf(R"('\U0001F600')").string_value(), "\xf0\x9f\x98\x80");
  EXPECT_EQ(LiteralOf(R"('\U0010FFFF')").string_value(), "\xf4\x8f\xbf\xbf");
}

TEST(ParserLiteralTest, InvalidEscapesPointAtTheBackslash) {
  ExpectError(R"('\q')", 2, "invalid escape sequence '\\q'");
  ExpectError(R"('ab\400')", 4, "invalid escape sequence '\\4'");
  ExpectError(R"('\12')", 2, "an octal escape needs three digits, as in \\101");
  ExpectError(R"('\x4')", 2, "\\x must be followed by two hex digits");
  ExpectError(R"('\u12')", 2, "\\u must be followed by 4 hex digits");
  ExpectError(R"("\U0000")", 2, "\\U must be followed by 8 hex digits");
}

TEST(ParserLiteralTest, EscapesNamingNoScalarValueAreRejected) {
  ExpectError(R"('\uD800')", 2, "escape names an invalid code point");
  ExpectError(R"('\U00110000')", 2, "escape names an invalid code point");
  ExpectError(R"(b'\u0041')", 3,
              "\\u and \\U escapes are not allowed in bytes");
}

TEST(ParserLiteralTest, NumbersOutOfRange) {
  ExpectError("9223372036854775808", 1,
              "int literal is out of range (largest is 9223372036854775807)");
  ExpectError("[0x8000000000000000]", 2,
              "int literal is out of range (largest is 9223372036854775807)");
  ExpectError(
      "18446744073709551616u", 1,
      "uint literal is out of range (largest is 18446744073709551615u)");
  ExpectError("1e400", 1, "double literal is out of range");
}

TEST(ParserLiteralTest, MalformedNumbers) {
  ExpectError("1e", 3, "expected digits in the exponent, found end of input");
  ExpectError("0x", 3, "expected hex digits after '0x', found end of input");
  ExpectError("123abc", 1, "expected an expression, found '123abc'");
  // CEL wants a digit after the point: "1." is a select with no field name.
  ExpectError("1.", 3,
              "expected a field or method name after '.', found end of input");
}

// ---- Negative literals ------------------------------------------------------

TEST(ParserNegationTest, MinusBeforeAnIntLiteralIsPartOfTheLiteral) {
  Value min = LiteralOf("-9223372036854775808");
  ASSERT_EQ(min.kind(), ValueKind::kInt);
  EXPECT_EQ(min.int_value(), INT64_MIN);
  EXPECT_EQ(LiteralOf("-0x8000000000000000").int_value(), INT64_MIN);
  EXPECT_EQ(LiteralOf("- 5").int_value(), -5);
  EXPECT_EQ(TreeOf("1 + -9223372036854775808"), "(1 + -9223372036854775808)");
}

TEST(ParserNegationTest, OnlyTheInnermostMinusFolds) {
  EXPECT_EQ(TreeOf("--5"), "(--5)");
  EXPECT_EQ(TreeOf("-(-9223372036854775808)"), "(--9223372036854775808)");
  EXPECT_EQ(TreeOf("--9223372036854775808"), "(--9223372036854775808)");
  // Parentheses, uints and doubles keep an explicit negation.
  EXPECT_EQ(TreeOf("-(5)"), "(-5)");
  EXPECT_EQ(TreeOf("-5u"), "(-5u)");
  EXPECT_EQ(TreeOf("-1.5"), "(-1.5)");
  // A minus after an operand is a subtraction.
  EXPECT_EQ(TreeOf("1-1"), "(1 - 1)");
  EXPECT_EQ(TreeOf("a - -b"), "(a - (-b))");
  EXPECT_EQ(TreeOf("a+-1"), "(a + -1)");
}

TEST(ParserNegationTest, TwoToTheSixtyThreeNeedsTheMinus) {
  const char* out_of_range =
      "int literal is out of range (largest is 9223372036854775807)";
  ExpectError("-(9223372036854775808)", 3, out_of_range);
  ExpectError("1-9223372036854775808", 3, out_of_range);
  ExpectError("-9223372036854775809", 2,
              "int literal is out of range (ints go from "
              "-9223372036854775808 to 9223372036854775807)");
}

// ---- Precedence and associativity -------------------------------------------

TEST(ParserPrecedenceTest, ArithmeticBindsTighterThanRelations) {
  EXPECT_EQ(TreeOf("1 + 2 * 3"), "(1 + (2 * 3))");
  EXPECT_EQ(TreeOf("1 + 2 * 3 % 4"), "(1 + ((2 * 3) % 4))");
  EXPECT_EQ(TreeOf("(1 + 2) * 3"), "((1 + 2) * 3)");
  EXPECT_EQ(TreeOf("a + b < c * d"), "((a + b) < (c * d))");
  EXPECT_EQ(TreeOf("a < b == c"), "((a < b) == c)");
  EXPECT_EQ(TreeOf("x in y == z"), "((x in y) == z)");
}

TEST(ParserPrecedenceTest, BinaryOperatorsAreLeftAssociative) {
  EXPECT_EQ(TreeOf("1 - 2 - 3"), "((1 - 2) - 3)");
  EXPECT_EQ(TreeOf("8 / 4 / 2"), "((8 / 4) / 2)");
  EXPECT_EQ(TreeOf("a == b != c"), "((a == b) != c)");
  EXPECT_EQ(TreeOf("a <= b >= c > d < e"), "((((a <= b) >= c) > d) < e)");
  EXPECT_EQ(TreeOf("a || b || c"), "((a || b) || c)");
  EXPECT_EQ(TreeOf("a && b && c"), "((a && b) && c)");
}

TEST(ParserPrecedenceTest, AndBindsTighterThanOrAndConditionalIsLowest) {
  EXPECT_EQ(TreeOf("a || b && c"), "(a || (b && c))");
  EXPECT_EQ(TreeOf("a && b || c"), "((a && b) || c)");
  EXPECT_EQ(TreeOf("a == 1 && b in c"), "((a == 1) && (b in c))");
  // ?: is lowest and right-associative.
  EXPECT_EQ(TreeOf("a || b ? c : d"), "((a || b) ? c : d)");
  EXPECT_EQ(TreeOf("a ? b : c ? d : e"), "(a ? b : (c ? d : e))");
  EXPECT_EQ(TreeOf("a ? (b ? c : d) : e"), "(a ? (b ? c : d) : e)");
}

TEST(ParserPrecedenceTest, UnaryAndMemberAccess) {
  EXPECT_EQ(TreeOf("!a && b"), "((!a) && b)");
  EXPECT_EQ(TreeOf("!!a"), "(!(!a))");
  EXPECT_EQ(TreeOf("-a.b"), "(-a.b)");
  EXPECT_EQ(TreeOf("-a[0]"), "(-a[0])");
  EXPECT_EQ(TreeOf("a.b.c[0][1]"), "a.b.c[0][1]");
  EXPECT_EQ(TreeOf("a.f(x).g()"), "a.f(x).g()");
  EXPECT_EQ(TreeOf("a . f ( 1 , 2 )"), "a.f(1, 2)");
  EXPECT_EQ(TreeOf("f()"), "f()");
  EXPECT_EQ(TreeOf(".f(1) + .x"), "(f(1) + x)");
}

TEST(ParserPrecedenceTest, ListAndMapLiterals) {
  EXPECT_EQ(TreeOf("[]"), "[]");
  EXPECT_EQ(TreeOf("{}"), "{}");
  EXPECT_EQ(TreeOf("[1, 'a', [2], ]"), R"([1, "a", [2]])");
  EXPECT_EQ(TreeOf("{1: 2, 'k': [3],}"), R"({1: 2, "k": [3]})");
  EXPECT_EQ(TreeOf("{a ? b : c: d}"), "{(a ? b : c): d}");
}

TEST(ParserPrecedenceTest, OffsetsPointAtOperatorsAndNames) {
  ParseResult r = ParseText("a.b + f(c)");
  ASSERT_NE(r.root, nullptr);
  EXPECT_EQ(r.root->offset, 4);               // '+'
  EXPECT_EQ(r.root->children[0]->offset, 2);  // 'b'
  EXPECT_EQ(r.root->children[1]->offset, 6);  // 'f'
  EXPECT_EQ(r.root->children[1]->children[0]->offset, 8);
  EXPECT_EQ(r.root->depth, 3);
}

// ---- Macros -----------------------------------------------------------------

TEST(ParserMacroTest, ComprehensionsExpand) {
  EXPECT_EQ(TreeOf("l.all(x, x > 0)"), "l.all(x: (x > 0))");
  EXPECT_EQ(TreeOf("l.exists(x, x)"), "l.exists(x: x)");
  EXPECT_EQ(TreeOf("l.exists_one(x, x)"), "l.exists_one(x: x)");
  EXPECT_EQ(TreeOf("l.existsOne(x, x)"), "l.exists_one(x: x)");
  EXPECT_EQ(TreeOf("l.map(x, x * 2)"), "l.map(x: (x * 2))");
  EXPECT_EQ(TreeOf("l.map(x, x > 1, x * 2)"), "l.map(x: (x > 1), (x * 2))");
  EXPECT_EQ(TreeOf("l.filter(x, x != 0)"), "l.filter(x: (x != 0))");
  EXPECT_EQ(TreeOf("l.map(x, x).filter(y, y)"), "l.map(x: x).filter(y: y)");
  EXPECT_EQ(TreeOf("l.all(x, m.exists(y, y == x))"),
            "l.all(x: m.exists(y: (y == x)))");
}

TEST(ParserMacroTest, OtherArgumentCountsAndGlobalFormsAreCalls) {
  EXPECT_EQ(TreeOf("l.all(x)"), "l.all(x)");
  EXPECT_EQ(TreeOf("l.map(x, y, z, w)"), "l.map(x, y, z, w)");
  EXPECT_EQ(TreeOf("all(l, x, y)"), "all(l, x, y)");
  EXPECT_EQ(TreeOf("l.size()"), "l.size()");
}

TEST(ParserMacroTest, TwoVariableForms) {
  EXPECT_EQ(TreeOf("m.all(k, v, v > 0)"), "m.all(k, v: (v > 0))");
  EXPECT_EQ(TreeOf("l.exists(i, v, i == v)"), "l.exists(i, v: (i == v))");
  EXPECT_EQ(TreeOf("l.existsOne(i, v, v)"), "l.exists_one(i, v: v)");
  EXPECT_EQ(TreeOf("l.transformList(i, v, v * i)"),
            "l.transformList(i, v: (v * i))");
  EXPECT_EQ(TreeOf("m.transformMap(k, v, v > 0, -v)"),
            "m.transformMap(k, v: (v > 0), (-v))");
  EXPECT_EQ(TreeOf("l.transformList(i, v)"), "l.transformList(i, v)");
}

TEST(ParserMacroTest, IterationVariablesMustBeDistinctNames) {
  ExpectError("l.all(1, true)", 7,
              "argument 1 of all() must be a variable name, as in "
              "list.exists(x, x > 0)");
  ExpectError("l.map(y.z, 1)", 9,
              "argument 1 of map() must be a variable name, as in "
              "list.exists(x, x > 0)");
  ExpectError("l.exists(i, 2, true)", 13,
              "argument 2 of exists() must be a variable name, as in "
              "list.exists(x, x > 0)");
  ExpectError("l.exists(i, i, true)", 13,
              "the two variables of exists() need different names");
}

TEST(ParserMacroTest, HasTakesOneFieldSelection) {
  EXPECT_EQ(TreeOf("has(a.b)"), "has(a.b)");
  EXPECT_EQ(TreeOf("has(a.b.c)"), "has(a.b.c)");
  EXPECT_EQ(TreeOf("has(a.`x-y`)"), "has(a.x-y)");
  for (const char* bad :
       {"has(a)", "has()", "has(a.b, c)", "has(a[0])", "has(a.f())"}) {
    ExpectError(bad, 1,
                "has() takes one field selection, as in has(account.phone)");
  }
  // As a method it is an ordinary (unknown) call, not the macro.
  EXPECT_EQ(TreeOf("x.has(y)"), "x.has(y)");
}

// ---- Names ------------------------------------------------------------------

TEST(ParserNameTest, ReservedWordsAreFieldAndMethodNames) {
  EXPECT_EQ(TreeOf("a.true"), "a.true");
  EXPECT_EQ(TreeOf("a.in"), "a.in");
  EXPECT_EQ(TreeOf("a.null.if"), "a.null.if");
  EXPECT_EQ(TreeOf("a.while()"), "a.while()");
  EXPECT_EQ(TreeOf("a.namespace.package"), "a.namespace.package");
}

TEST(ParserNameTest, ReservedWordsCannotNameVariables) {
  for (const char* word :
       {"if", "in", "let", "for", "var", "return", "package"}) {
    ExpectError(word, 1,
                std::string("expected an expression, found '") + word +
                    "'; '" + word +
                    "' is a reserved word, which cannot name a variable");
  }
}

TEST(ParserNameTest, WordsThatStartWithAKeywordAreNames) {
  EXPECT_EQ(TreeOf("truex"), "truex");
  EXPECT_EQ(TreeOf("null_value"), "null_value");
  EXPECT_EQ(TreeOf("in_x"), "in_x");
  EXPECT_EQ(TreeOf("ain [1]"), "ain[1]");
  EXPECT_EQ(TreeOf("a in[1]"), "(a in [1])");
}

TEST(ParserNameTest, BacktickFieldNames) {
  EXPECT_EQ(TreeOf("a.`content-type`"), "a.content-type");
  EXPECT_EQ(TreeOf("a.`b c`.d"), "a.b c.d");
  ExpectError("`a`", 1, "expected an expression, found '`'");
  ExpectError("a.``", 4,
              "expected a field or method name after '.', found '`'");
}

TEST(ParserNameTest, CommentsAndBlanks) {
  EXPECT_EQ(TreeOf("a.b // comment\n + 1"), "(a.b + 1)");
  EXPECT_EQ(TreeOf("1 // trailing"), "1");
  EXPECT_EQ(TreeOf("\t a\n.\r\nb \f"), "a.b");
  EXPECT_EQ(TreeOf("f // c\n (1)"), "f(1)");
  ExpectError("// only a comment", 18,
              "expected an expression, found end of input");
}

// ---- Syntax errors, word for word -------------------------------------------

TEST(ParserErrorTest, MissingOperands) {
  ExpectError("1 + ", 5,
              "expected an expression after '+', found end of input");
  ExpectError("a == )", 6, "expected an expression after '==', found ')'");
  ExpectError("1 in", 5,
              "expected an expression after 'in', found end of input");
  ExpectError("!", 2, "expected an expression after '!', found end of input");
  ExpectError("-", 2, "expected an expression after '-', found end of input");
  // CEL's grammar has no '-' directly after '!'.
  ExpectError("!-a", 2, "expected an expression after '!', found '-'");
}

TEST(ParserErrorTest, UnclosedBrackets) {
  ExpectError("(", 2, "expected an expression after '(', found end of input");
  ExpectError("(1 + 2", 7, "expected ')' to close '(', found end of input");
  ExpectError(
      "f(1", 4,
      "expected ',' or ')' after a function argument, found end of input");
  ExpectError("x[", 3, "expected an index after '[', found end of input");
  ExpectError("x[1", 4, "expected ']' after the index, found end of input");
  ExpectError("[1,2", 5, "expected ',' or ']' in the list, found end of input");
  ExpectError("{1: 2", 6, "expected ',' or '}' in the map, found end of input");
}

TEST(ParserErrorTest, MissingArgumentsAndMapParts) {
  ExpectError("f(1,)", 5, "expected an argument after ',', found ')'");
  ExpectError("{1: }", 5, "expected a value after ':', found '}'");
  ExpectError("{1 2}", 4, "expected ':' after the map key, found '2'");
  ExpectError("a.1", 3, "expected a field or method name after '.', found '1'");
}

TEST(ParserErrorTest, Conditionals) {
  ExpectError("true ? 1", 9,
              "expected ':' in the conditional expression, found end of input");
  ExpectError("a ? : b", 5, "expected an expression after '?', found ':'");
  ExpectError("a ? b :", 8,
              "expected an expression after ':', found end of input");
  // The middle operand of ?: is not itself a conditional in CEL's grammar.
  ExpectError("a ? b ? c : d : e", 7,
              "expected ':' in the conditional expression, found '?'");
}

TEST(ParserErrorTest, TrailingInputWithHints) {
  ExpectError("a = b", 3,
              "unexpected '=' after a complete expression; did you mean '=='?");
  ExpectError("a & b", 3,
              "unexpected '&' after a complete expression; did you mean '&&'?");
  ExpectError("a | b", 3,
              "unexpected '|' after a complete expression; did you mean '||'?");
  ExpectError("1 2", 3, "unexpected '2' after a complete expression");
  EXPECT_EQ(ErrorOf("a\xc3\xa9"),
            "<expr>:1:2: unexpected '\xc3\xa9' after a complete expression\n"
            "    a\xc3\xa9\n"
            "     ^\n");
}

TEST(ParserErrorTest, EmptyInput) {
  // No text, so no line and caret under it.
  EXPECT_EQ(ErrorOf("", Limits()),
            "<expr>:1:1: expected an expression, found end of input\n");
  ExpectError("   ", 4, "expected an expression, found end of input");
}

TEST(ParserErrorTest, UnterminatedStrings) {
  ExpectError("\"abc", 5,
              "unterminated string: expected a closing \" on the same line");
  EXPECT_EQ(
      ErrorOf("'a\nb'"),
      "<expr>:1:3: unterminated string: expected a closing ' on the same line\n"
      "    'a\n"
      "      ^\n");
  ExpectError("'''abc", 7, "unterminated string: expected a closing '''");
  ExpectError("x + \"\"\"abc", 11,
              "unterminated string: expected a closing \"\"\"");
}

TEST(ParserErrorTest, PositionsAreInTheFileAndCountCodePoints) {
  Source source;
  source.name = "provision.yaml";
  source.text = "is_email(account.\n  email) && (1 +";
  source.first_line = 14;
  source.first_column = 9;
  ParseResult r = Parse(source);
  EXPECT_EQ(RenderAll(source, r.diagnostics),
            "provision.yaml:15:17: expected an expression after '+', found end "
            "of input\n"
            "      email) && (1 +\n"
            "                    ^\n");
  source.text = "'\xc3\xa9\xc3\xa9' +";
  source.first_line = 3;
  r = Parse(source);
  EXPECT_EQ(RenderAll(source, r.diagnostics),
            "provision.yaml:3:15: expected an expression after '+', found end "
            "of input\n"
            "    '\xc3\xa9\xc3\xa9' +\n"
            "          ^\n");
}

TEST(ParserErrorTest, TabsKeepTheirWidthUnderTheCaret) {
  EXPECT_EQ(ErrorOf("\t1 +\t"),
            "<expr>:1:6: expected an expression after '+', found end of input\n"
            "    \t1 +\t\n"
            "    \t   \t^\n");
}

// Columns count characters; the caret line gives a wide character (CJK,
// emoji) the two columns a terminal shows it in.
TEST(ParserErrorTest, WideCharactersTakeTwoColumnsUnderTheCaret) {
  EXPECT_EQ(ErrorOf("'\xe6\x9d\xb1\xe4\xba\xac' +"),
            "<expr>:1:7: expected an expression after '+', found end of input\n"
            "    '\xe6\x9d\xb1\xe4\xba\xac' +\n"
            "            ^\n");
}

// ---- Input checks and limits ------------------------------------------------

TEST(ParserLimitTest, InvalidUtf8PointsAtTheFirstBadByte) {
  EXPECT_EQ(ErrorOf("'a\xff'"),
            "<expr>:1:3: expression is not valid UTF-8\n"
            "    'a\xff'\n"
            "      ^\n");
  EXPECT_EQ(ErrorOf("x + '\xed\xa0\x80'"),
            "<expr>:1:6: expression is not valid UTF-8\n"
            "    x + '\xed\xa0\x80'\n"
            "         ^\n");
  EXPECT_EQ(ErrorOf("\xc0\xaf"),
            "<expr>:1:1: expression is not valid UTF-8\n"
            "    \xc0\xaf\n"
            "    ^\n");
}

TEST(ParserLimitTest, TooLongInput) {
  Limits limits;
  limits.max_expression_length = 10;
  EXPECT_EQ(TreeOf("1234567890", limits), "1234567890");
  ExpectError("12345678901", 1, "expression is 11 bytes long; the limit is 10",
              limits);
}

TEST(ParserLimitTest, NestingDeeperThanTheLimitIsADiagnostic) {
  Limits limits;
  limits.max_nesting_depth = 3;
  EXPECT_EQ(TreeOf("((1))", limits), "1");
  EXPECT_EQ(TreeOf("[[1]]", limits), "[[1]]");
  const char* too_deep = "expression nests more than 3 levels deep";
  ExpectError("((((((1))))))", 5, too_deep, limits);
  ExpectError("[[[[[1]]]]]", 5, too_deep, limits);
  ExpectError("f(g(h(i(1))))", 9, too_deep, limits);
  ExpectError("{1: {2: {3: {4: 5}}}}", 14, too_deep, limits);
}

TEST(ParserLimitTest, HugeNestingNeverOverflowsTheStack) {
  for (char open : {'(', '[', '{'}) {
    ParseResult r = ParseText(std::string(99'000, open));
    ASSERT_EQ(r.diagnostics.size(), 1u);
    EXPECT_EQ(r.diagnostics[0].message,
              "expression nests more than 64 levels deep");
    EXPECT_EQ(r.diagnostics[0].offset, 65);
  }
  std::string calls;
  for (int i = 0; i < 20'000; ++i) calls += "f(";
  EXPECT_EQ(ParseText(calls).diagnostics.size(), 1u);
}

TEST(ParserLimitTest, TallTreesHitTheAstDepthLimit) {
  Limits limits;
  limits.max_ast_depth = 5;
  EXPECT_EQ(TreeOf("1 + 2 + 3 + 4 + 5", limits), "((((1 + 2) + 3) + 4) + 5)");
  const char* too_tall = "expression is too deeply nested (more than 5 levels)";
  ExpectError("1 + 2 + 3 + 4 + 5 + 6", 19, too_tall, limits);
  ExpectError("!!!!!a", 1, too_tall, limits);
  ExpectError("a.b.c.d.e.f", 11, too_tall, limits);
}

TEST(ParserLimitTest, LongFlatChainsHitTheDefaultAstDepth) {
  std::string chain = "a";
  for (int i = 0; i < 300; ++i) chain += " || a";
  ParseResult r = ParseText(chain);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].message,
            "expression is too deeply nested (more than 256 levels)");
  EXPECT_EQ(r.diagnostics[0].offset, 2 + 5 * 255);  // the 256th '||'
  std::string minus(50'000, '-');
  EXPECT_EQ(ParseText(minus + "1").diagnostics.size(), 1u);
}

TEST(ParserLimitTest, EveryPrefixOfAnExpressionParsesOrFailsCleanly) {
  const std::string text =
      "has(a.b) && a.items.exists(i, i.price * 2u >= -1.5e3) ? "
      "{'k': [b'\\x00', r\"\\d\", '''t'''], 0x1F: a.`x-y`}[k] : !f(.g, "
      "-9223372036854775808)";
  ASSERT_NE(ParseText(text).root, nullptr);
  for (size_t n = 0; n < text.size(); ++n) {
    ParseResult r = ParseText(text.substr(0, n));
    EXPECT_EQ(r.root == nullptr, r.diagnostics.size() == 1)
        << text.substr(0, n);
  }
}

TEST(ParserLimitTest, EverySingleByteParsesOrFailsCleanly) {
  for (int c = 0; c < 256; ++c) {
    std::string text(1, static_cast<char>(c));
    for (const std::string& input : {text, "a" + text + "b", "'" + text}) {
      ParseResult r = ParseText(input);
      EXPECT_EQ(r.root == nullptr, r.diagnostics.size() == 1) << c;
    }
  }
}

}  // namespace
}  // namespace bssflow::dsl

namespace bssflow::dsl {
namespace {

// Regression: the whole expression counted as a level, so exactly
// max_nesting_depth levels were rejected.
TEST(ParserLimitTest, NestingExactlyAtTheLimitIsAccepted) {
  Limits limits;
  limits.max_nesting_depth = 3;
  for (const char* text :
       {"(((1)))", "[[[1]]]", "f(g(h(1)))", "{1: {2: {3: 4}}}"}) {
    EXPECT_EQ(ErrorOf(text, limits).rfind("parsed as ", 0), 0u) << text;
  }
}

// Regression: a missing element after a comma was reported as a missing
// comma, and '||' as a single '|'.
TEST(ParserMessageTest, EmptyElementsAndDoubledOperators) {
  ExpectError("[1,,2]", 4, "expected a list element after ',', found ','");
  ExpectError("[,]", 2, "expected a list element or ']', found ','");
  ExpectError("f(,)", 3, "expected an argument or ')', found ','");
  ExpectError("{,}", 2, "expected a map entry or '}', found ','");
  ExpectError("{1: 2,,}", 7, "expected a map entry after ',', found ','");
  ExpectError("a && || b", 6, "expected an expression after '&&', found '||'");
  ExpectError("a | b", 3,
              "unexpected '|' after a complete expression; did you mean '||'?");
}

}  // namespace
}  // namespace bssflow::dsl

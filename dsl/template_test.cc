#include "dsl/template.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "dsl/json_value.h"
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

// The shipped workflows/data/merge_fields.yaml, parsed under its base name
// so that messages do not depend on where the checkout is.
std::shared_ptr<const MergeFieldMap> ShippedMergeFields() {
  static const std::shared_ptr<const MergeFieldMap> fields = [] {
    std::filesystem::path path =
        std::filesystem::path(testing::ShippedPostalCodeRulesPath())
            .parent_path() /
        "merge_fields.yaml";
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = MergeFieldMap::Parse(text.str(), "merge_fields.yaml");
    if (!parsed.ok()) throw std::runtime_error(parsed.status().message());
    return parsed.value();
  }();
  return fields;
}

// Compiles and renders templates against the members of a JSON object, each
// declared as a dyn variable.
class TemplateRunner {
 public:
  explicit TemplateRunner(
      std::string_view data = "{}",
      const MergeFieldMap* fields = ShippedMergeFields().get(),
      CompileOptions options = CompileOptions())
      : json_(nlohmann::json::parse(data)),
        env_(testing::ShippedRegistry()),
        fields_(fields),
        options_(options) {
    for (const auto& [name, value] : json_.items()) env_.Declare(name);
  }

  // The compiled template, or null after recording the rendered diagnostics.
  std::shared_ptr<const Template> Compile(std::string_view text,
                                          Source source = Source()) {
    source.name = "notify.yaml";
    source.text = std::string(text);
    TemplateCompileResult compiled =
        CompileTemplate(source, env_, fields_, options_);
    diagnostics_ = RenderAll(source, compiled.diagnostics);
    EXPECT_EQ(compiled.ok(), compiled.diagnostics.empty());
    return compiled.template_;
  }

  // Renders `text` once: the described result, or the diagnostics.
  std::string Render(std::string_view text, Source source = Source()) {
    std::shared_ptr<const Template> compiled = Compile(text, source);
    if (compiled == nullptr) return diagnostics_;
    Activation activation(env_);
    for (const auto& [name, value] : json_.items()) {
      activation.Bind(name, ValueFromJson(value).value());
    }
    return Describe(compiled->Render(activation));
  }

 private:
  nlohmann::json json_;
  Env env_;
  const MergeFieldMap* fields_;
  CompileOptions options_;
  std::string diagnostics_;
};

std::string Render(std::string_view text, std::string_view data = "{}") {
  return TemplateRunner(data).Render(text);
}

// ---- Text and parts ---------------------------------------------------------

TEST(TemplateTest, TextWithoutPartsRendersAsItself) {
  EXPECT_EQ(Render("Hello, world"), R"("Hello, world")");
  EXPECT_EQ(Render(""), R"("")");
  EXPECT_EQ(Render("$ { } # {# #} $5 {x} {#1#}"),
            R"("$ { } # {# #} $5 {x} {#1#}")");
  auto compiled = TemplateRunner().Compile("Hello");
  ASSERT_NE(compiled, nullptr);
  EXPECT_FALSE(compiled->single_part());
  EXPECT_TRUE(compiled->parts().empty());
  EXPECT_EQ(compiled->result_kind(), ValueKind::kString);
}

TEST(TemplateTest, ExactlyOneExpressionKeepsItsType) {
  constexpr std::string_view kData =
      R"({"account": {"seats": 25, "tags": ["a", "b"], "name": "Contoso"}})";
  EXPECT_EQ(Render("${ account.seats }", kData), "25");
  EXPECT_EQ(Render("${account.seats}", kData), "25");
  EXPECT_EQ(Render("${ account.tags }", kData), R"(["a", "b"])");
  EXPECT_EQ(Render("${ account }", kData),
            R"({"name": "Contoso", "seats": 25, "tags": ["a", "b"]})");
  EXPECT_EQ(Render("${ account.name }", kData), R"("Contoso")");
  EXPECT_EQ(Render("${ 1u }"), "1u");
  EXPECT_EQ(Render("${ 2.5 }"), "2.5");
  EXPECT_EQ(Render("${ true }"), "true");
  EXPECT_EQ(Render("${ null }"), "null");
  EXPECT_EQ(Render("${ b'x' }"), R"(b"x")");
  EXPECT_EQ(Render("${ type(1) }"), "int");
  auto compiled = TemplateRunner(kData).Compile("${ account.seats }");
  ASSERT_NE(compiled, nullptr);
  EXPECT_TRUE(compiled->single_part());
  EXPECT_EQ(compiled->result_kind(), std::nullopt);  // account is dyn
  EXPECT_EQ(TemplateRunner().Compile("${ 1 + 1 }")->result_kind(),
            ValueKind::kInt);
}

TEST(TemplateTest, AnythingAroundTheExpressionMakesAString) {
  constexpr std::string_view kData = R"({"account": {"seats": 25}})";
  EXPECT_EQ(Render(" ${ account.seats }", kData), R"(" 25")");
  EXPECT_EQ(Render("${ account.seats } ", kData), R"("25 ")");
  EXPECT_EQ(Render("${ account.seats }${ account.seats }", kData), R"("2525")");
  EXPECT_EQ(Render("${ account.seats }\n", kData), R"("25\n")");
  auto compiled = TemplateRunner(kData).Compile("${ account.seats } ");
  ASSERT_NE(compiled, nullptr);
  EXPECT_FALSE(compiled->single_part());
  EXPECT_EQ(compiled->result_kind(), ValueKind::kString);
}

TEST(TemplateTest, ScalarsAreInterpolatedAsStringWouldConvertThem) {
  constexpr std::string_view kData =
      R"({"i": -42, "u": 18446744073709551615, "d": 1.0, "big": 1e6,
          "small": 0.00001, "half": 0.5, "t": true, "f": false, "s": "text",
          "n": null})";
  EXPECT_EQ(Render("i=${i} u=${u} d=${d} big=${big} small=${small} "
                   "half=${half} t=${t} f=${f} s=${s} n=[${n}] type=${type(i)}",
                   kData),
            R"("i=-42 u=18446744073709551615 d=1 big=1e+06 small=1e-05 )"
            R"(half=0.5 t=true f=false s=text n=[] type=int")");
  // The same, folded when the template is compiled.
  EXPECT_EQ(Render("${-42} ${7u} ${1.0} ${1e6} ${true} ${'x'} [${null}]"),
            R"("-42 7 1 1e+06 true x []")");
}

TEST(TemplateTest, ValuesWithoutTextAreErrorValuesAtTheirPart) {
  constexpr std::string_view kData =
      R"({"tags": ["a"], "address": {"city": "Oslo"}, "code": "eA=="})";
  EXPECT_EQ(Render("Tags: ${ tags }.", kData),
            "error(no_matching_overload@6): cannot interpolate a list into "
            "text; interpolate its elements one by one, e.g. ${ list[0] }");
  EXPECT_EQ(Render("City: ${ address }", kData),
            "error(no_matching_overload@6): cannot interpolate a map into "
            "text; interpolate its values one by one, e.g. ${ map.key }");
  EXPECT_EQ(Render("Code: ${ dyn(bytes(code)) }", kData),
            "error(no_matching_overload@6): cannot interpolate bytes into "
            "text; convert them with string(...)");
  // What the messages suggest.
  EXPECT_EQ(
      Render("${ tags[0] }, ${ address.city }, ${ string(b'ok') }", kData),
      R"("a, Oslo, ok")");
}

TEST(TemplateTest, ValuesKnownToHaveNoTextAreDiagnostics) {
  EXPECT_EQ(Render("Seats: ${ [1, 2] }"),
            "notify.yaml:1:8: cannot interpolate a list into text; "
            "interpolate its elements one by one, e.g. ${ list[0] }\n"
            "    Seats: ${ [1, 2] }\n"
            "           ^\n");
  EXPECT_EQ(Render("${ {'a': 1} }, ${ b'x' }"),
            "notify.yaml:1:1: cannot interpolate a map into text; interpolate "
            "its values one by one, e.g. ${ map.key }\n"
            "    ${ {'a': 1} }, ${ b'x' }\n"
            "    ^\n"
            "notify.yaml:1:16: cannot interpolate bytes into text; convert "
            "them with string(...)\n"
            "    ${ {'a': 1} }, ${ b'x' }\n"
            "                   ^\n");
}

TEST(TemplateTest, EvaluationErrorsPointIntoTheTemplate) {
  constexpr std::string_view kData = R"({"account": {"seats": 5}})";
  // Offset 16 is the 'n' of 'name' in the template.
  EXPECT_EQ(Render("Dear ${ account.name }", kData),
            R"(error(no_such_key@16): no such key: "name")");
  EXPECT_EQ(Render("${ account.email }", kData),
            R"(error(no_such_key@11): no such key: "email")");
  EXPECT_EQ(Render("Per seat: ${ 100 / (account.seats - 5) }", kData),
            "error(divide_by_zero@17): division by zero");
  // The first failing part is the result.
  EXPECT_EQ(Render("${ account.a } ${ account.b }", kData),
            R"(error(no_such_key@11): no such key: "a")");
}

// ---- Escapes, quotes and braces -----------------------------------------

TEST(TemplateTest, DoubleDollarBraceIsALiteralDollarBrace) {
  EXPECT_EQ(Render("$${ not an expression }"), R"("${ not an expression }")");
  EXPECT_EQ(Render("$${a} is ${ 1 + 1 }"), R"("${a} is 2")");
  EXPECT_EQ(Render("$${"), R"("${")");
  // Only '$${' is an escape: '$$' elsewhere stays, and '$$${' is '$' then
  // the escape.
  EXPECT_EQ(Render("$$ and $$$${x}"), R"("$$ and $$${x}")");
  // A literal dollar right before an expression goes inside it.
  EXPECT_EQ(Render("Total: ${ '$' }${ 42 }"), R"("Total: $42")");
  auto compiled = TemplateRunner().Compile("$${x}");
  ASSERT_NE(compiled, nullptr);
  EXPECT_FALSE(compiled->single_part());
  EXPECT_EQ(TemplateRunner().Render("$${x}"), R"("${x}")");
}

TEST(TemplateTest, BracesInsideTheExpressionDoNotCloseIt) {
  EXPECT_EQ(Render(R"(${ {"a": "}"}["a"] })"), R"("}")");
  EXPECT_EQ(Render(R"(x${ {"a": "}"}["a"] }y)"), R"("x}y")");
  EXPECT_EQ(Render(R"(${ {"k": {"n": 1}}["k"]["n"] })"), "1");
  EXPECT_EQ(Render(R"(${ {"k": {}} })"), R"({"k": {}})");
  EXPECT_EQ(Render(R"(${ size({'{': 1}) } } and {)"), R"("1 } and {")");
}

TEST(TemplateTest, QuotesInsideTheExpressionAreStringLiterals) {
  EXPECT_EQ(Render(R"(${ "it's" })"), R"("it's")");
  EXPECT_EQ(Render(R"(${ 'say "}"' })"), R"("say \"}\"")");
  EXPECT_EQ(Render(R"(${ "a\"}" })"), R"("a\"}")");
  EXPECT_EQ(Render(R"(${ 'a\'}' })"), R"("a'}")");
  EXPECT_EQ(Render(R"(${ "\\" + "}" })"), R"("\\}")");
  // Raw strings have no escapes: r"\" is one backslash.
  EXPECT_EQ(Render(R"(${ r"\" + "}" })"), R"("\\}")");
  EXPECT_EQ(Render(R"(${ R'\' + '}' })"), R"("\\}")");
  EXPECT_EQ(Render(R"(${ string(b"}") })"), R"("}")");
  EXPECT_EQ(Render(R"(${ string(br"\}") + string(Rb'\') })"), R"("\\}\\")");
  EXPECT_EQ(Render(R"(${ """a "}" b""" })"), R"("a \"}\" b")");
  EXPECT_EQ(Render("${ '''one\n}two''' }"), R"("one\n}two")");
  // A word ending in r or b before a quote is not a prefix.
  EXPECT_EQ(Render(R"(${ {"br": 1}.br })"), "1");
  EXPECT_EQ(Render(R"(${ {"a}b": 1}.`a}b` })"), "1");
  // Merge fields are not looked for inside an expression.
  EXPECT_EQ(Render(R"(${ "{#Accounts.Email#}" })"), R"("{#Accounts.Email#}")");
}

TEST(TemplateTest, CommentsRunToTheEndOfTheLine) {
  EXPECT_EQ(Render("${ 1 // not the end: }\n + 2 }"), "3");
  EXPECT_EQ(Render("${ 'http://x' }"), R"("http://x")");
}

// ---- Diagnostics ------------------------------------------------------------

TEST(TemplateTest, UnterminatedDollarBrace) {
  EXPECT_EQ(Render("Dear ${ account.name"),
            "notify.yaml:1:6: expected '}' to close '${', found the end of "
            "the template\n"
            "    Dear ${ account.name\n"
            "         ^\n");
  EXPECT_EQ(Render("${ {'a': 1}['a'] "),
            "notify.yaml:1:1: expected '}' to close '${', found the end of "
            "the template\n"
            "    ${ {'a': 1}['a'] \n"
            "    ^\n");
  EXPECT_EQ(Render("${ 1 // }"),
            "notify.yaml:1:1: expected '}' to close '${', found the end of "
            "the template\n"
            "    ${ 1 // }\n"
            "    ^\n");
}

TEST(TemplateTest, UnterminatedStringInsideDollarBrace) {
  EXPECT_EQ(Render(R"(Hi ${ "abc })"),
            "notify.yaml:1:7: unterminated string: expected a closing \" on "
            "the same line\n"
            "    Hi ${ \"abc }\n"
            "          ^\n");
  EXPECT_EQ(Render("${ 'it's' }"),
            "notify.yaml:1:9: unterminated string: expected a closing ' on "
            "the same line\n"
            "    ${ 'it's' }\n"
            "            ^\n");
  EXPECT_EQ(Render("${ 'a\n' }"),
            "notify.yaml:1:4: unterminated string: expected a closing ' on "
            "the same line\n"
            "    ${ 'a\n"
            "       ^\n");
  EXPECT_EQ(Render("${ '''a }"),
            "notify.yaml:1:4: unterminated string: expected a closing '''\n"
            "    ${ '''a }\n"
            "       ^\n");
  EXPECT_EQ(Render("${ m.`a} }"),
            "notify.yaml:1:6: unterminated field name: expected a closing ` "
            "on the same line\n"
            "    ${ m.`a} }\n"
            "         ^\n");
}

TEST(TemplateTest, EmptyDollarBrace) {
  EXPECT_EQ(Render("a ${} b"),
            "notify.yaml:1:3: expected an expression between '${' and '}'; "
            "write '$${' for a literal '${'\n"
            "    a ${} b\n"
            "      ^\n");
  EXPECT_EQ(Render("${ \t }"),
            "notify.yaml:1:1: expected an expression between '${' and '}'; "
            "write '$${' for a literal '${'\n"
            "    ${ \t }\n"
            "    ^\n");
}

TEST(TemplateTest, ExpressionDiagnosticsArePositionedInTheTemplate) {
  constexpr std::string_view kData = R"({"account": {}})";
  EXPECT_EQ(Render("Dear ${ acount.name },", kData),
            "notify.yaml:1:9: undeclared reference to 'acount'; did you mean "
            "'account'?\n"
            "    Dear ${ acount.name },\n"
            "            ^\n");
  EXPECT_EQ(Render("Seats: ${ 1 + }", kData),
            "notify.yaml:1:15: expected an expression after '+', found '}'\n"
            "    Seats: ${ 1 + }\n"
            "                  ^\n");
  EXPECT_EQ(Render("${ 1 + 'a' }", kData),
            "notify.yaml:1:6: no matching overload for '+' applied to (int, "
            "string); convert with string()\n"
            "    ${ 1 + 'a' }\n"
            "         ^\n");
}

TEST(TemplateTest, EveryProblemIsReported) {
  EXPECT_EQ(Render("${ x } and ${} and {#Acounts.Email#} and ${ y"),
            "notify.yaml:1:4: undeclared reference to 'x'\n"
            "    ${ x } and ${} and {#Acounts.Email#} and ${ y\n"
            "       ^\n"
            "notify.yaml:1:12: expected an expression between '${' and '}'; "
            "write '$${' for a literal '${'\n"
            "    ${ x } and ${} and {#Acounts.Email#} and ${ y\n"
            "               ^\n"
            "notify.yaml:1:20: unknown merge field {#Acounts.Email#}; did "
            "you mean {#Accounts.Email#}?\n"
            "    ${ x } and ${} and {#Acounts.Email#} and ${ y\n"
            "                       ^\n"
            "notify.yaml:1:42: expected '}' to close '${', found the end of "
            "the template\n"
            "    ${ x } and ${} and {#Acounts.Email#} and ${ y\n"
            "                                             ^\n");
}

TEST(TemplateTest, InvalidUtf8) {
  EXPECT_EQ(Render("ok \xC3( ${ 1 }"),
            "notify.yaml:1:4: template is not valid UTF-8\n"
            "    ok \xC3( ${ 1 }\n"
            "       ^\n");
}

TEST(TemplateTest, MultiLineTemplates) {
  constexpr std::string_view kData =
      R"({"account": {"name": "Contoso", "seats": 25}})";
  EXPECT_EQ(Render("Dear ${ account.name },\n\n"
                   "you now have ${ account.seats } seats.\n",
                   kData),
            R"("Dear Contoso,\n\nyou now have 25 seats.\n")");
  // An expression may span lines.
  EXPECT_EQ(Render("${ account.seats +\n   1 }", kData), "26");
  // Positions count lines from where the template starts in its file.
  Source source;
  source.first_line = 12;
  source.first_column = 11;
  EXPECT_EQ(TemplateRunner(kData).Render(
                "Dear ${ account.name },\n\nyou have ${ acount.seats } seats.",
                source),
            "notify.yaml:14:13: undeclared reference to 'acount'; did you "
            "mean 'account'?\n"
            "    you have ${ acount.seats } seats.\n"
            "                ^\n");
  EXPECT_EQ(TemplateRunner(kData).Render("Dear ${ account.name ", source),
            "notify.yaml:12:16: expected '}' to close '${', found the end of "
            "the template\n"
            "    Dear ${ account.name \n"
            "         ^\n");
}

// ---- Merge fields -----------------------------------------------------------

constexpr std::string_view kAccountData = R"({"vars": {
  "account": {
    "name": "Contoso Ltd", "email": "it@contoso.com",
    "phone": "+1 425 555 0100", "customer_code": 100042,
    "reseller": {"name": "Fabrikam", "email": "sales@fabrikam.com"},
    "sync_options": {"username": "admin", "domain_prefix": "contoso"}
  },
  "tenant": {
    "domain": "contoso.onmicrosoft.com",
    "admin": {"user_name": "admin@contoso.onmicrosoft.com",
              "password": "Tq7!vR2#"}
  }
}})";

TEST(TemplateMergeFieldTest, EveryShippedFieldReadsItsData) {
  TemplateRunner runner(kAccountData);
  EXPECT_EQ(runner.Render("{#Accounts.Name#}"), R"("Contoso Ltd")");
  EXPECT_EQ(runner.Render("{#Accounts.Email#}"), R"("it@contoso.com")");
  EXPECT_EQ(runner.Render("{#Accounts.Phone#}"), R"("+1 425 555 0100")");
  EXPECT_EQ(runner.Render("{#Accounts.ParentAccountEmail#}"),
            R"("sales@fabrikam.com")");
  EXPECT_EQ(runner.Render("{#Accounts.CustomerCode#}"), "100042");
  EXPECT_EQ(runner.Render("{#Accounts.Username#}"), R"("admin")");
  EXPECT_EQ(runner.Render("{#Accounts.DomainPrefix#}"), R"("contoso")");
  EXPECT_EQ(runner.Render("{#Tenant.Domain#}"), R"("contoso.onmicrosoft.com")");
  EXPECT_EQ(runner.Render("{#Tenant.AdminUserName#}"),
            R"("admin@contoso.onmicrosoft.com")");
  EXPECT_EQ(runner.Render("{#Tenant.AdminPassword#}"), R"("Tq7!vR2#")");
}

TEST(TemplateMergeFieldTest, MergeFieldsMixWithTextAndExpressions) {
  EXPECT_EQ(
      TemplateRunner(kAccountData)
          .Render("Dear {#Accounts.Name#},\n"
                  "your tenant {#Tenant.Domain#} is ready. Sign in as "
                  "{#Tenant.AdminUserName#}.\n"
                  "Questions? Write to {#Accounts.ParentAccountEmail#} "
                  "(${ vars.account.reseller.name }).\n"),
      "\"Dear Contoso Ltd,\\nyour tenant contoso.onmicrosoft.com is ready. "
      "Sign in as admin@contoso.onmicrosoft.com.\\nQuestions? Write to "
      "sales@fabrikam.com (Fabrikam).\\n\"");
  // A single merge field keeps the type; with text around it, it is text.
  EXPECT_EQ(TemplateRunner(kAccountData).Render("#{#Accounts.CustomerCode#}"),
            R"("#100042")");
}

TEST(TemplateMergeFieldTest, AFieldUsedTwiceIsCompiledOnce) {
  auto compiled = TemplateRunner(kAccountData)
                      .Compile("{#Accounts.Email#}, {#Accounts.Email#}");
  ASSERT_NE(compiled, nullptr);
  ASSERT_EQ(compiled->parts().size(), 2u);
  EXPECT_EQ(compiled->parts()[0].program, compiled->parts()[1].program);
  EXPECT_EQ(compiled->parts()[1].offset, 20);
  EXPECT_EQ(compiled->parts()[1].merge_field,
            "{#Accounts.Email#} (vars.account.email)");
}

TEST(TemplateMergeFieldTest, MissingDataIsAnErrorValueNamingTheField) {
  TemplateRunner runner(R"({"vars": {"account": {"name": "Contoso"}, "tenant": {}}})");
  EXPECT_EQ(runner.Render("Reseller: {#Accounts.ParentAccountEmail#}"),
            "error(no_such_key@10): {#Accounts.ParentAccountEmail#} "
            "(vars.account.reseller.email): no such key: \"reseller\"");
  EXPECT_EQ(runner.Render("{#Tenant.Domain#}"),
            "error(no_such_key@0): {#Tenant.Domain#} (vars.tenant.domain): no such "
            "key: \"domain\"");
}

TEST(TemplateMergeFieldTest, UnknownFieldSuggestsTheClosestName) {
  TemplateRunner runner(kAccountData);
  EXPECT_EQ(runner.Render("To: {#Acounts.Email#}"),
            "notify.yaml:1:5: unknown merge field {#Acounts.Email#}; did you "
            "mean {#Accounts.Email#}?\n"
            "    To: {#Acounts.Email#}\n"
            "        ^\n");
  EXPECT_EQ(runner.Render("{#accounts.email#}"),
            "notify.yaml:1:1: unknown merge field {#accounts.email#}; did you "
            "mean {#Accounts.Email#}?\n"
            "    {#accounts.email#}\n"
            "    ^\n");
  EXPECT_EQ(runner.Render("{#Invoice.Total#}"),
            "notify.yaml:1:1: unknown merge field {#Invoice.Total#} (not in "
            "merge_fields.yaml)\n"
            "    {#Invoice.Total#}\n"
            "    ^\n");
}

TEST(TemplateMergeFieldTest, UnclosedMergeField) {
  TemplateRunner runner(kAccountData);
  EXPECT_EQ(runner.Render("To: {#Accounts.Email}"),
            "notify.yaml:1:21: expected '#}' to close merge field "
            "{#Accounts.Email, found '}'\n"
            "    To: {#Accounts.Email}\n"
            "                        ^\n");
  EXPECT_EQ(runner.Render("To: {#Accounts.Email"),
            "notify.yaml:1:21: expected '#}' to close merge field "
            "{#Accounts.Email, found the end of the template\n"
            "    To: {#Accounts.Email\n"
            "                        ^\n");
  // '{#' not followed by a letter or '_' is text.
  EXPECT_EQ(runner.Render("{# note #} {#1#} {##}"),
            R"("{# note #} {#1#} {##}")");
}

TEST(TemplateMergeFieldTest, MappingThatDoesNotCompileInTheEnv) {
  auto fields = MergeFieldMap::Parse(
      "version: 1\n"
      "fields:\n"
      "  Accounts.Email:\n"
      "    expression: account.email\n"
      "    description: The account's email address.\n"
      "  Tenant.Domain:\n"
      "    expression: tenant.domain\n"
      "    description: The tenant's domain.\n"
      "  Accounts.Valid:\n"
      "    expression: is_emial(account.email)\n"
      "    description: Broken on purpose.\n",
      "fields.yaml");
  ASSERT_TRUE(fields.ok()) << fields.status().message();
  TemplateRunner runner(R"({"account": {}})", fields.value().get());
  EXPECT_EQ(runner.Render("{#Accounts.Email#} on {#Tenant.Domain#}"),
            "notify.yaml:1:23: merge field {#Tenant.Domain#} maps to "
            "'tenant.domain' (fields.yaml:6), which does not compile here: "
            "undeclared reference to 'tenant'\n"
            "    {#Accounts.Email#} on {#Tenant.Domain#}\n"
            "                          ^\n");
  EXPECT_EQ(runner.Render("{#Accounts.Valid#}"),
            "notify.yaml:1:1: merge field {#Accounts.Valid#} maps to "
            "'is_emial(account.email)' (fields.yaml:9), which does not compile "
            "here: unknown function 'is_emial'; did you mean 'is_email'?\n"
            "    {#Accounts.Valid#}\n"
            "    ^\n");
}

TEST(TemplateMergeFieldTest, WithoutAMappingMergeFieldsAreDiagnostics) {
  EXPECT_EQ(TemplateRunner(kAccountData, nullptr).Render("{#Accounts.Email#}"),
            "notify.yaml:1:1: merge field {#Accounts.Email#} cannot be used "
            "here: no merge field mapping is loaded\n"
            "    {#Accounts.Email#}\n"
            "    ^\n");
  EXPECT_EQ(TemplateRunner(kAccountData, nullptr).Render("${ 1 } {# x #}"),
            R"("1 {# x #}")");
}

// ---- Compile once, render many --------------------------------------------

TEST(TemplateTest, ConstantPartsAreFoldedIntoTheText) {
  auto compiled = TemplateRunner().Compile("a${ 'b' }c${ 1 + 1 }d");
  ASSERT_NE(compiled, nullptr);
  EXPECT_TRUE(compiled->parts().empty());
  EXPECT_EQ(Render("a${ 'b' }c${ 1 + 1 }d"), R"("abc2d")");
  // A single part is kept, so that it keeps its type.
  compiled = TemplateRunner().Compile("${ 1 + 1 }");
  ASSERT_NE(compiled, nullptr);
  EXPECT_EQ(compiled->parts().size(), 1u);
}

TEST(TemplateTest, RendersManyTimesWithDifferentData) {
  Env env(testing::ShippedRegistry());
  int name = env.Declare("name");
  Source source;
  source.text = "Hello, ${ name }!";
  TemplateCompileResult compiled = CompileTemplate(source, env, nullptr);
  ASSERT_TRUE(compiled.ok()) << RenderAll(source, compiled.diagnostics);
  for (std::string who : {"Ada", "Grace", "Linus"}) {
    Activation activation(env);
    activation.Bind(name, Value::String(who));
    EXPECT_EQ(Describe(compiled.template_->Render(activation)),
              "\"Hello, " + who + "!\"");
  }
}

TEST(TemplateTest, DeferredCheckingTurnsMistakesIntoErrorValues) {
  CompileOptions options;
  options.mode = CheckMode::kDeferToRuntime;
  TemplateRunner runner("{}", ShippedMergeFields().get(), options);
  EXPECT_EQ(runner.Render("x: ${ [1] }"),
            "error(no_matching_overload@3): cannot interpolate a list into "
            "text; interpolate its elements one by one, e.g. ${ list[0] }");
  EXPECT_EQ(runner.Render("x: ${ nope }"),
            "error(undeclared_reference@6): undeclared reference to 'nope'");
  // Template syntax is still a diagnostic.
  EXPECT_EQ(runner.Render("${"),
            "notify.yaml:1:1: expected '}' to close '${', found the end of "
            "the template\n"
            "    ${\n"
            "    ^\n");
}

}  // namespace
}  // namespace bssflow::dsl

#include "dsl/merge_fields.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "dsl/compiler.h"
#include "dsl/template.h"
#include "dsl/testing/shipped_data.h"

namespace bssflow::dsl {
namespace {

// workflows/data/merge_fields.yaml of this checkout.
std::string ShippedMergeFieldsPath() {
  return (std::filesystem::path(testing::ShippedPostalCodeRulesPath())
              .parent_path() /
          "merge_fields.yaml")
      .string();
}

std::string ParseError(std::string_view yaml) {
  auto result = MergeFieldMap::Parse(yaml, "fields.yaml");
  return result.ok() ? "loaded" : result.status().message();
}

constexpr std::string_view kHeader = "version: 1\nfields:\n";

// ---- The shipped mapping ----------------------------------------------------

class ShippedMergeFieldsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loaded = MergeFieldMap::LoadFile(ShippedMergeFieldsPath());
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    fields_ = loaded.value();
  }
  const MergeFieldMap& fields() const { return *fields_; }

  std::shared_ptr<const MergeFieldMap> fields_;
};

TEST_F(ShippedMergeFieldsTest, ListsTheBssFields) {
  EXPECT_EQ(
      fields().Names(),
      (std::vector<std::string>{
          "Accounts.CustomerCode", "Accounts.DomainPrefix", "Accounts.Email",
          "Accounts.Name", "Accounts.ParentAccountEmail", "Accounts.Phone",
          "Accounts.Username", "Tenant.AdminPassword", "Tenant.AdminUserName",
          "Tenant.Domain"}));
  for (const auto& [name, field] : fields().fields()) {
    EXPECT_EQ(field.name, name);
    EXPECT_FALSE(field.description.empty()) << name;
    EXPECT_GT(field.line, 0) << name;
  }
}

TEST_F(ShippedMergeFieldsTest, MapsEachFieldToItsData) {
  auto expression = [&](std::string_view name) {
    const MergeField* field = fields().Find(name);
    return field == nullptr ? "(missing)" : field->expression;
  };
  EXPECT_EQ(expression("Accounts.Name"), "vars.account.name");
  EXPECT_EQ(expression("Accounts.Email"), "vars.account.email");
  EXPECT_EQ(expression("Accounts.Phone"), "vars.account.phone");
  EXPECT_EQ(expression("Accounts.ParentAccountEmail"),
            "vars.account.reseller.email");
  EXPECT_EQ(expression("Accounts.CustomerCode"), "vars.account.customer_code");
  EXPECT_EQ(expression("Accounts.Username"), "vars.account.sync_options.username");
  EXPECT_EQ(expression("Accounts.DomainPrefix"),
            "vars.account.sync_options.domain_prefix");
  EXPECT_EQ(expression("Tenant.Domain"), "vars.tenant.domain");
  EXPECT_EQ(expression("Tenant.AdminUserName"), "vars.tenant.admin.user_name");
  EXPECT_EQ(expression("Tenant.AdminPassword"), "vars.tenant.admin.password");
  EXPECT_EQ(fields().Find("accounts.email"), nullptr);  // case matters
}

TEST_F(ShippedMergeFieldsTest, EveryFieldCompilesWithAccountAndTenant) {
  Env env(testing::ShippedRegistry());
  env.Declare("vars");  // the shipped fields read vars.account, vars.tenant
  for (const std::string& name : fields().Names()) {
    Source source;
    source.text = "{#" + name + "#}";
    TemplateCompileResult compiled = CompileTemplate(source, env, &fields());
    EXPECT_TRUE(compiled.ok()) << RenderAll(source, compiled.diagnostics);
  }
}

TEST(MergeFieldPathTest, DefaultPathFollowsBssflowDataDir) {
  const char* saved = std::getenv("BSSFLOW_DATA_DIR");
  std::string restore = saved == nullptr ? "" : saved;
  setenv("BSSFLOW_DATA_DIR", "/srv/bssflow/data", 1);
  EXPECT_EQ(DefaultMergeFieldsPath(), "/srv/bssflow/data/merge_fields.yaml");
  // Unset or empty: the shipped file of the source tree this was built from.
  setenv("BSSFLOW_DATA_DIR", "", 1);
  EXPECT_TRUE(std::filesystem::equivalent(DefaultMergeFieldsPath(),
                                          ShippedMergeFieldsPath()));
  unsetenv("BSSFLOW_DATA_DIR");
  EXPECT_TRUE(std::filesystem::equivalent(DefaultMergeFieldsPath(),
                                          ShippedMergeFieldsPath()));
  if (saved != nullptr) setenv("BSSFLOW_DATA_DIR", restore.c_str(), 1);
}

// ---- Parsing ----------------------------------------------------------------

TEST(MergeFieldParseTest, MinimalFile) {
  auto result = MergeFieldMap::Parse(
      "version: 1\n"
      "fields:\n"
      "  Accounts.Email:\n"
      "    expression: account.email\n"
      "    description: The account's email address.\n"
      "  Accounts.Address.City: {expression: 'account.address[\"city\"]', "
      "description: City.}\n",
      "fields.yaml");
  ASSERT_TRUE(result.ok()) << result.status().message();
  const MergeFieldMap& fields = *result.value();
  EXPECT_EQ(fields.name(), "fields.yaml");
  EXPECT_EQ(fields.Names(), (std::vector<std::string>{"Accounts.Address.City",
                                                      "Accounts.Email"}));
  const MergeField* email = fields.Find("Accounts.Email");
  ASSERT_NE(email, nullptr);
  EXPECT_EQ(email->name, "Accounts.Email");
  EXPECT_EQ(email->expression, "account.email");
  EXPECT_EQ(email->description, "The account's email address.");
  EXPECT_EQ(email->line, 3);
  EXPECT_EQ(fields.Find("Accounts.Address.City")->expression,
            "account.address[\"city\"]");
  EXPECT_EQ(fields.Find("Accounts.Address.City")->line, 6);
  EXPECT_EQ(fields.Find("Accounts"), nullptr);
  EXPECT_EQ(ParseError("version: 1\nfields: {}\n"), "loaded");
}

// The example in docs/expressions.md, "Merge fields".
TEST(MergeFieldParseTest, TheDocumentedExampleLoads) {
  auto result = MergeFieldMap::Parse(
      "version: 1\n"
      "fields:\n"
      "  Accounts.ParentAccountEmail:         # the name, as templates write "
      "it between {# and #}\n"
      "    expression: account.reseller.email # evaluated in the workflow's "
      "environment\n"
      "    description: >-                    # required: what the field is, "
      "for people\n"
      "      The email address of the account's parent account: the reseller "
      "that\n"
      "      sells to this customer.\n",
      "fields.yaml");
  ASSERT_TRUE(result.ok()) << result.status().message();
  const MergeField* field = result.value()->Find("Accounts.ParentAccountEmail");
  ASSERT_NE(field, nullptr);
  EXPECT_EQ(field->expression, "account.reseller.email");
  EXPECT_EQ(field->description,
            "The email address of the account's parent account: the reseller "
            "that sells to this customer.");
}

TEST(MergeFieldParseTest, VersionAndFieldsAreRequired) {
  EXPECT_EQ(ParseError(""), "fields.yaml: expected 'version: 1'");
  EXPECT_EQ(ParseError("fields: {}\n"), "fields.yaml: expected 'version: 1'");
  EXPECT_EQ(ParseError("version: 2\nfields: {}\n"),
            "fields.yaml: expected 'version: 1'");
  EXPECT_EQ(ParseError("version: 1\n"), "fields.yaml: expected a 'fields' map");
  EXPECT_EQ(ParseError("version: 1\nfields: [a]\n"),
            "fields.yaml: expected a 'fields' map");
}

TEST(MergeFieldParseTest, KeysMustBeMergeFieldNames) {
  const std::string expected_tail =
      ": key must be a merge field name such as Accounts.Email: words of "
      "letters, digits and '_' joined by dots";
  auto entry = [](std::string key) {
    return std::string(kHeader) + "  " + key +
           ": {expression: a, description: d}\n";
  };
  EXPECT_EQ(ParseError(entry("Email")),
            "fields.yaml:3: merge field Email" + expected_tail);
  EXPECT_EQ(ParseError(entry("Accounts..Email")),
            "fields.yaml:3: merge field Accounts..Email" + expected_tail);
  EXPECT_EQ(ParseError(entry("Accounts.Email.")),
            "fields.yaml:3: merge field Accounts.Email." + expected_tail);
  EXPECT_EQ(ParseError(entry("Accounts.1Email")),
            "fields.yaml:3: merge field Accounts.1Email" + expected_tail);
  EXPECT_EQ(ParseError(entry("'Accounts. Email'")),
            "fields.yaml:3: merge field Accounts. Email" + expected_tail);
  EXPECT_EQ(ParseError(std::string(kHeader) + "  [a]: x\n"),
            "fields.yaml:3: merge field keys must be names such as "
            "Accounts.Email");
  EXPECT_EQ(ParseError(entry("_Tenant.Admin_User2")), "loaded");
}

TEST(MergeFieldParseTest, FieldsNeedAnExpressionAndADescription) {
  EXPECT_EQ(ParseError(std::string(kHeader) + "  Accounts.Email: x\n"),
            "fields.yaml:3: merge field Accounts.Email: expected the keys "
            "expression and description");
  EXPECT_EQ(
      ParseError(std::string(kHeader) + "  Accounts.Email: {description: d}\n"),
      "fields.yaml:3: merge field Accounts.Email: missing 'expression', "
      "e.g. expression: account.email");
  EXPECT_EQ(ParseError(std::string(kHeader) +
                       "  Accounts.Email: {expression: '', description: d}\n"),
            "fields.yaml:3: merge field Accounts.Email: missing 'expression', "
            "e.g. expression: account.email");
  EXPECT_EQ(ParseError(std::string(kHeader) +
                       "  Accounts.Email:\n    expression: account.email\n"),
            "fields.yaml:3: merge field Accounts.Email: missing "
            "'description', e.g. description: The account's email address.");
  EXPECT_EQ(ParseError(std::string(kHeader) +
                       "  Accounts.Email: {expression: [a], description: d}\n"),
            "fields.yaml:3: merge field Accounts.Email: 'expression' must be "
            "a single value");
  EXPECT_EQ(ParseError(std::string(kHeader) +
                       "  Accounts.Email: {expression: a, description: {}}\n"),
            "fields.yaml:3: merge field Accounts.Email: 'description' must be "
            "a single value");
}

TEST(MergeFieldParseTest, UnknownKeysAreRejected) {
  EXPECT_EQ(ParseError(std::string(kHeader) + "  Accounts.Email:\n"
                                              "    expresion: account.email\n"
                                              "    description: d\n"),
            "fields.yaml:3: merge field Accounts.Email: unknown key "
            "'expresion'; did you mean 'expression'?");
  EXPECT_EQ(ParseError(std::string(kHeader) + "  Accounts.Email:\n"
                                              "    expression: account.email\n"
                                              "    description: d\n"
                                              "    default: ''\n"),
            "fields.yaml:3: merge field Accounts.Email: unknown key "
            "'default'; expected expression and description");
}

TEST(MergeFieldParseTest, ExpressionsMustParse) {
  EXPECT_EQ(
      ParseError(std::string(kHeader) +
                 "  Accounts.Email: {expression: account., description: d}\n"),
      "fields.yaml:3: merge field Accounts.Email: expression 'account.' does "
      "not parse at column 9: expected a field or method name after '.', "
      "found end of input");
  EXPECT_EQ(ParseError(std::string(kHeader) + "  Accounts.Email:\n"
                                              "    expression: |-\n"
                                              "      account\n"
                                              "        .email +\n"
                                              "    description: d\n"),
            "fields.yaml:3: merge field Accounts.Email: expression "
            "'account\n  .email +' does not parse at line 2, column 11: "
            "expected an expression after '+', found end of input");
}

TEST(MergeFieldParseTest, AFieldListedTwice) {
  EXPECT_EQ(ParseError(std::string(kHeader) +
                       "  Accounts.Email: {expression: a.b, description: d}\n"
                       "  Accounts.Email: {expression: a.c, description: d}\n"),
            "fields.yaml:4: merge field Accounts.Email is listed twice");
}

TEST(MergeFieldParseTest, YamlSyntaxErrorsNameLineAndColumn) {
  EXPECT_EQ(ParseError(std::string(kHeader) + "  Accounts.Email: [\n"),
            "fields.yaml:4:1: end of sequence flow not found");
}

TEST(MergeFieldParseTest, UnreadableFileSaysHowToFixIt) {
  auto result = MergeFieldMap::LoadFile("/nonexistent/merge_fields.yaml");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(),
            "merge fields '/nonexistent/merge_fields.yaml': cannot read the "
            "file: No such file or directory; set BSSFLOW_DATA_DIR to the "
            "directory that holds merge_fields.yaml");
}

TEST(MergeFieldNameTest, WordsJoinedByDots) {
  EXPECT_TRUE(IsMergeFieldName("Accounts.Email"));
  EXPECT_TRUE(IsMergeFieldName("Accounts.Address.City"));
  EXPECT_TRUE(IsMergeFieldName("_a.b_2"));
  EXPECT_FALSE(IsMergeFieldName(""));
  EXPECT_FALSE(IsMergeFieldName("Accounts"));
  EXPECT_FALSE(IsMergeFieldName(".Email"));
  EXPECT_FALSE(IsMergeFieldName("Accounts."));
  EXPECT_FALSE(IsMergeFieldName("Accounts..Email"));
  EXPECT_FALSE(IsMergeFieldName("Accounts.2nd"));
  EXPECT_FALSE(IsMergeFieldName("Accounts.E-mail"));
}

}  // namespace
}  // namespace bssflow::dsl

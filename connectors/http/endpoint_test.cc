#include "connectors/http/endpoint.h"

#include <gtest/gtest.h>

namespace bssflow::connectors::http {
namespace {

TextTemplate Text(std::string_view text) {
  ParsedTemplate parsed = ParseTextTemplate(text);
  EXPECT_FALSE(parsed.error.has_value()) << parsed.error->message;
  return parsed.text;
}

std::string ErrorOf(std::string_view text) {
  ParsedTemplate parsed = ParseTextTemplate(text);
  if (!parsed.error.has_value()) return "(no error)";
  return std::to_string(parsed.error->offset) + ": " + parsed.error->message;
}

TEST(ParseTextTemplate, SplitsLiteralsAndPlaceholders) {
  TextTemplate text = Text("https://crm.example/api/accounts/{account_id}/x");
  ASSERT_EQ(text.pieces.size(), 3u);
  EXPECT_FALSE(text.pieces[0].placeholder);
  EXPECT_EQ(text.pieces[0].text, "https://crm.example/api/accounts/");
  EXPECT_EQ(text.pieces[0].offset, 0u);
  EXPECT_TRUE(text.pieces[1].placeholder);
  EXPECT_EQ(text.pieces[1].text, "account_id");
  EXPECT_EQ(text.pieces[1].offset, 33u);
  EXPECT_EQ(text.pieces[2].text, "/x");
  EXPECT_TRUE(text.HasPlaceholders());
  EXPECT_FALSE(text.IsSinglePlaceholder());
}

TEST(ParseTextTemplate, DoubledBracesAreLiteral) {
  TextTemplate text = Text("{{\"a\": {b}}}");
  ASSERT_EQ(text.pieces.size(), 3u);
  EXPECT_EQ(text.pieces[0].text, "{\"a\": ");
  EXPECT_EQ(text.pieces[1].text, "b");
  EXPECT_EQ(text.pieces[2].text, "}");
  EXPECT_EQ(TemplateSource(text), "{{\"a\": {b}}}");
}

TEST(ParseTextTemplate, ASinglePlaceholderAndPlainText) {
  EXPECT_TRUE(Text("{seats}").IsSinglePlaceholder());
  EXPECT_FALSE(Text(" {seats}").IsSinglePlaceholder());
  TextTemplate plain = Text("bssflow");
  EXPECT_FALSE(plain.HasPlaceholders());
  ASSERT_EQ(plain.pieces.size(), 1u);
  EXPECT_EQ(plain.pieces[0].text, "bssflow");
  EXPECT_TRUE(Text("").pieces.empty());
}

TEST(ParseTextTemplate, ReportsWhereAndWhy) {
  EXPECT_EQ(ErrorOf("/accounts/{account id}"),
            "10: placeholder '{account id}' must be an identifier: letters, "
            "digits and '_', not starting with a digit");
  EXPECT_EQ(ErrorOf("/x/{1st}"),
            "3: placeholder '{1st}' must be an identifier: letters, digits "
            "and '_', not starting with a digit");
  EXPECT_EQ(ErrorOf("/x/{}"),
            "3: placeholder '{}' must be an identifier: letters, digits and "
            "'_', not starting with a digit");
  EXPECT_EQ(ErrorOf("/x/{id"),
            "3: '{' opens a placeholder that is not closed; write '{{' for "
            "a literal '{'");
  EXPECT_EQ(ErrorOf("/x/id}"),
            "5: '}' closes no placeholder; write '}}' for a literal '}'");
}

TEST(IsIdentifier, LettersDigitsUnderscore) {
  EXPECT_TRUE(IsIdentifier("account_id"));
  EXPECT_TRUE(IsIdentifier("_x9"));
  EXPECT_FALSE(IsIdentifier(""));
  EXPECT_FALSE(IsIdentifier("9x"));
  EXPECT_FALSE(IsIdentifier("crm-account"));
}

HttpEndpoint Endpoint() {
  HttpEndpoint endpoint;
  endpoint.name = "crm_account";
  endpoint.url = Text("https://crm.example/api/{tenant}/accounts/{id}");
  endpoint.query = {{"expand", Text("{expand}"), false},
                    {"tenant", Text("t-{tenant}"), false}};
  BodyTemplate name;
  name.kind = BodyTemplate::Kind::kArgument;
  name.text = Text("{name}");
  BodyTemplate note;
  note.kind = BodyTemplate::Kind::kText;
  note.text = Text("for {name} ({id})");
  BodyTemplate body;
  body.kind = BodyTemplate::Kind::kObject;
  body.keys = {"name", "note"};
  body.children = {name, note};
  endpoint.body = body;
  return endpoint;
}

TEST(PlaceholderUses, ListsEveryUseInOrder) {
  std::vector<PlaceholderUse> uses = PlaceholderUses(Endpoint());
  std::vector<std::string> seen;
  for (const PlaceholderUse& use : uses)
    seen.push_back(use.name + "@" +
                   std::to_string(static_cast<int>(use.place)) + ":" +
                   use.where);
  EXPECT_EQ(seen,
            (std::vector<std::string>{"tenant@0:", "id@0:", "expand@1:expand",
                                      "tenant@1:tenant", "name@2:name",
                                      "name@3:note", "id@3:note"}));
  EXPECT_EQ(ArgumentNames(Endpoint()),
            (std::vector<std::string>{"tenant", "id", "expand", "name"}));
}

TEST(JsonPointerProblem, AcceptsRfc6901Pointers) {
  EXPECT_EQ(JsonPointerProblem(""), std::nullopt);
  EXPECT_EQ(JsonPointerProblem("/owner/email"), std::nullopt);
  EXPECT_EQ(JsonPointerProblem("/a~1b/~0c/0"), std::nullopt);
  EXPECT_EQ(JsonPointerProblem("owner/email"),
            "a JSON pointer starts with '/' (or is empty, for the whole "
            "body), e.g. /owner/email");
  EXPECT_EQ(JsonPointerProblem("/a~2"),
            "'~' must be followed by 0 (for '~') or 1 (for '/')");
  EXPECT_EQ(JsonPointerProblem("/a~"),
            "'~' must be followed by 0 (for '~') or 1 (for '/')");
}

TEST(SecretMemberName, NamesTheMemberTheLogRedacts) {
  HttpEndpoint endpoint;
  EXPECT_EQ(SecretMemberName(endpoint, "token"), "token");
  EXPECT_EQ(SecretMemberName(endpoint, "credentials.password"), "password");
  endpoint.result = std::vector<ResultField>{{"key", "/data/api~1key"},
                                             {"first", "/keys/0"},
                                             {"all", ""},
                                             {"user", "/user"}};
  EXPECT_EQ(SecretMemberName(endpoint, "key"), "api/key");
  EXPECT_EQ(SecretMemberName(endpoint, "first"), std::nullopt);
  EXPECT_EQ(SecretMemberName(endpoint, "all"), std::nullopt);
  EXPECT_EQ(SecretMemberName(endpoint, "user.password"), "password");
  EXPECT_EQ(SecretMemberName(endpoint, "nothing"), std::nullopt);
}

}  // namespace
}  // namespace bssflow::connectors::http

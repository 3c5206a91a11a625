#include "connectors/http/endpoint.h"

#include <algorithm>

namespace bssflow::connectors::http {
namespace {

bool IsIdentifierStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool IsIdentifierChar(char c) {
  return IsIdentifierStart(c) || (c >= '0' && c <= '9');
}

// Appends literal text to the last piece when it is literal too, so that
// "a{{b" is one piece.
void AddLiteral(TextTemplate& out, std::string_view text, size_t offset) {
  if (!out.pieces.empty() && !out.pieces.back().placeholder) {
    out.pieces.back().text += text;
    return;
  }
  out.pieces.push_back({false, std::string(text), offset});
}

void AddUses(const TextTemplate& text, PlaceholderPlace place,
             const std::string& where, std::vector<PlaceholderUse>& out) {
  for (const TextTemplate::Piece& piece : text.pieces) {
    if (piece.placeholder) out.push_back({piece.text, place, where});
  }
}

std::string MemberPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

void AddBodyUses(const BodyTemplate& body, const std::string& where,
                 std::vector<PlaceholderUse>& out) {
  switch (body.kind) {
    case BodyTemplate::Kind::kLiteral:
      return;
    case BodyTemplate::Kind::kText:
      AddUses(body.text, PlaceholderPlace::kBodyText, where, out);
      return;
    case BodyTemplate::Kind::kArgument:
      AddUses(body.text, PlaceholderPlace::kBodyValue, where, out);
      return;
    case BodyTemplate::Kind::kObject:
      for (size_t i = 0; i < body.children.size(); ++i)
        AddBodyUses(body.children[i], MemberPath(where, body.keys[i]), out);
      return;
    case BodyTemplate::Kind::kArray:
      for (size_t i = 0; i < body.children.size(); ++i) {
        AddBodyUses(body.children[i], where + "[" + std::to_string(i) + "]",
                    out);
      }
      return;
  }
}

// The tokens of a valid JSON pointer, unescaped ("/a~1b/c" -> a/b, c).
std::vector<std::string> PointerTokens(std::string_view pointer) {
  std::vector<std::string> tokens;
  size_t at = 0;
  while (at < pointer.size()) {
    size_t next = pointer.find('/', at + 1);
    std::string_view raw = pointer.substr(
        at + 1,
        (next == std::string_view::npos ? pointer.size() : next) - at - 1);
    std::string token;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '~' && i + 1 < raw.size()) {
        token += raw[i + 1] == '1' ? '/' : '~';
        ++i;
      } else {
        token += raw[i];
      }
    }
    tokens.push_back(std::move(token));
    at = next == std::string_view::npos ? pointer.size() : next;
  }
  return tokens;
}

bool AllDigits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

}  // namespace

bool TextTemplate::HasPlaceholders() const {
  return std::any_of(pieces.begin(), pieces.end(),
                     [](const Piece& p) { return p.placeholder; });
}

std::string TemplateSource(const TextTemplate& text) {
  std::string out;
  for (const TextTemplate::Piece& piece : text.pieces) {
    if (piece.placeholder) {
      out += "{" + piece.text + "}";
      continue;
    }
    for (char c : piece.text) {
      out += c;
      if (c == '{' || c == '}') out += c;
    }
  }
  return out;
}

BodyTemplate BodyString(TextTemplate text) {
  BodyTemplate body;
  if (!text.HasPlaceholders()) {
    body.kind = BodyTemplate::Kind::kLiteral;
    body.literal = text.pieces.empty() ? std::string() : text.pieces[0].text;
    return body;
  }
  body.kind = text.IsSinglePlaceholder() ? BodyTemplate::Kind::kArgument
                                         : BodyTemplate::Kind::kText;
  body.text = std::move(text);
  return body;
}

bool IsIdentifier(std::string_view name) {
  return !name.empty() && IsIdentifierStart(name[0]) &&
         std::all_of(name.begin(), name.end(), IsIdentifierChar);
}

ParsedTemplate ParseTextTemplate(std::string_view text) {
  ParsedTemplate parsed;
  size_t i = 0;
  while (i < text.size()) {
    size_t brace = text.find_first_of("{}", i);
    if (brace == std::string_view::npos) brace = text.size();
    if (brace > i) AddLiteral(parsed.text, text.substr(i, brace - i), i);
    if (brace == text.size()) break;
    // A doubled brace is a literal one.
    if (brace + 1 < text.size() && text[brace + 1] == text[brace]) {
      AddLiteral(parsed.text, text.substr(brace, 1), brace);
      i = brace + 2;
      continue;
    }
    if (text[brace] == '}') {
      parsed.error = TemplateError{
          brace, "'}' closes no placeholder; write '}}' for a literal '}'"};
      return parsed;
    }
    size_t close = text.find('}', brace);
    if (close == std::string_view::npos) {
      parsed.error = TemplateError{
          brace,
          "'{' opens a placeholder that is not closed; write '{{' for "
          "a literal '{'"};
      return parsed;
    }
    std::string_view name = text.substr(brace + 1, close - brace - 1);
    if (!IsIdentifier(name)) {
      parsed.error = TemplateError{
          brace, "placeholder '{" + std::string(name) +
                     "}' must be an identifier: letters, digits and '_', not "
                     "starting with a digit"};
      return parsed;
    }
    parsed.text.pieces.push_back({true, std::string(name), brace});
    i = close + 1;
  }
  return parsed;
}

std::vector<PlaceholderUse> PlaceholderUses(const HttpEndpoint& endpoint) {
  std::vector<PlaceholderUse> uses;
  AddUses(endpoint.url, PlaceholderPlace::kUrl, "", uses);
  for (const QueryParameter& parameter : endpoint.query)
    AddUses(parameter.value, PlaceholderPlace::kQuery, parameter.name, uses);
  if (endpoint.body.has_value()) AddBodyUses(*endpoint.body, "", uses);
  return uses;
}

std::vector<std::string> ArgumentNames(const HttpEndpoint& endpoint) {
  std::vector<std::string> names;
  for (const PlaceholderUse& use : PlaceholderUses(endpoint)) {
    if (std::find(names.begin(), names.end(), use.name) == names.end())
      names.push_back(use.name);
  }
  return names;
}

bool IsOptional(const HttpEndpoint& endpoint, std::string_view name) {
  return std::find(endpoint.optional.begin(), endpoint.optional.end(), name) !=
         endpoint.optional.end();
}

std::optional<std::string> JsonPointerProblem(std::string_view pointer) {
  if (pointer.empty()) return std::nullopt;
  if (pointer[0] != '/') {
    return "a JSON pointer starts with '/' (or is empty, for the whole "
           "body), e.g. /owner/email";
  }
  for (size_t i = 0; i < pointer.size(); ++i) {
    if (pointer[i] != '~') continue;
    if (i + 1 >= pointer.size() ||
        (pointer[i + 1] != '0' && pointer[i + 1] != '1'))
      return "'~' must be followed by 0 (for '~') or 1 (for '/')";
  }
  return std::nullopt;
}

std::optional<std::string> SecretMemberName(const HttpEndpoint& endpoint,
                                            std::string_view path) {
  size_t dot = path.rfind('.');
  if (!endpoint.result.has_value() || dot != std::string_view::npos) {
    // Inside a result field (or the whole body), the last segment is a
    // member name: dotted paths never index arrays.
    return std::string(dot == std::string_view::npos ? path
                                                     : path.substr(dot + 1));
  }
  for (const ResultField& field : *endpoint.result) {
    if (field.name != path) continue;
    std::vector<std::string> tokens = PointerTokens(field.pointer);
    if (tokens.empty() || AllDigits(tokens.back())) return std::nullopt;
    return tokens.back();
  }
  return std::nullopt;
}

}  // namespace bssflow::connectors::http

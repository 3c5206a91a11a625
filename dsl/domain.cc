// Domain functions for provisioning rules: contact checks, postal codes and
// small string helpers.
#include "dsl/functions.h"
#include "dsl/nondeterminism.h"
#include "dsl/postal_codes.h"
#include "dsl/regex.h"

namespace bssflow::dsl {

namespace {

Value WrongKinds(const char* name, Args args) {
  std::string kinds;
  for (const Value* a : args) {
    kinds += (kinds.empty() ? "" : ", ") + std::string(KindName(a->kind()));
  }
  return Value::MakeError(ErrorKind::kNoMatchingOverload,
                          "no matching overload for '" + std::string(name) +
                              "' applied to (" + kinds + ")");
}

// The HTML living standard's "valid e-mail address", with the lengths of
// RFC 5321 checked apart: 64 bytes of local part, 254 in all.
bool IsEmail(const std::string& s) {
  static const std::shared_ptr<const Regex> kEmail =
      Regex::Compile(
          "^[A-Za-z0-9.!#$%&'*+/"
          "=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
          "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
          .value();
  size_t at = s.find('@');
  if (s.size() > 254 || at == std::string::npos || at == 0 || at > 64)
    return false;
  std::string_view local(s.data(), at);
  if (local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return false;
  }
  return kEmail->PartialMatch(s);  // anchored at both ends: a full match
}

// A phone number as people write it: an optional leading '+', then digits
// grouped by spaces, '-', '.', '/' or parentheses; 7 to 15 digits (E.164).
bool IsPhone(const std::string& s) {
  int digits = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (c == '+') {
      if (i != 0) return false;
    } else if (c != ' ' && c != '-' && c != '.' && c != '/' && c != '(' &&
               c != ')') {
      return false;
    }
  }
  return digits >= 7 && digits <= 15;
}

std::string MapAscii(std::string s, bool upper) {
  for (char& c : s) {
    if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

std::string Trim(const std::string& s) {
  const char* blanks = " \t\n\r\f\v";
  size_t begin = s.find_first_not_of(blanks);
  if (begin == std::string::npos) return "";
  size_t end = s.find_last_not_of(blanks);
  return s.substr(begin, end - begin + 1);
}

template <typename Fn>
FunctionImpl OnString(const char* name, Fn fn) {
  return [name, fn](Args args) -> Value {
    if (args[0]->kind() != ValueKind::kString) return WrongKinds(name, args);
    return fn(args[0]->string_value());
  };
}

FunctionImpl PostalCodeValid(std::shared_ptr<const PostalCodeRules> rules) {
  return [rules](Args args) -> Value {
    if (args[0]->kind() != ValueKind::kString ||
        args[1]->kind() != ValueKind::kString) {
      return WrongKinds("postal_code_valid", args);
    }
    std::optional<bool> valid =
        rules->IsValid(args[0]->string_value(), args[1]->string_value());
    if (!valid.has_value()) {
      return Value::MakeError(
          ErrorKind::kInvalidArgument,
          "unknown country code " + DebugString(*args[0]) +
              "; expected an ISO 3166-1 alpha-2 code such as \"DE\"");
    }
    return Value::Bool(*valid);
  };
}

// now() and uuid(): no arguments, never folded at planning time, answered
// by the source installed for the evaluation (nondeterminism.h).
FunctionDecl Nondeterministic(std::string name, std::string synopsis,
                              std::string (*text)()) {
  FunctionDecl d;
  d.name = std::move(name);
  d.min_args = d.max_args = 0;
  d.result = ValueKind::kString;
  d.pure = false;
  d.synopsis = std::move(synopsis);
  d.impl = [text](Args) { return Value::String(text()); };
  return d;
}

FunctionDecl StringFunction(std::string name, bool receiver, ValueKind result,
                            std::string synopsis, FunctionImpl impl) {
  FunctionDecl d;
  d.name = std::move(name);
  d.receiver = receiver;
  d.signatures = {{ValueKind::kString}};
  d.result = result;
  d.synopsis = std::move(synopsis);
  d.impl = std::move(impl);
  return d;
}

}  // namespace

Status RegisterDomainFunctions(FunctionRegistry& r,
                               std::shared_ptr<const PostalCodeRules> rules) {
  using K = ValueKind;
  std::vector<FunctionDecl> decls;
  decls.push_back(StringFunction(
      "is_email", false, K::kBool, "is_email(string) -> bool",
      OnString("is_email",
               [](const std::string& s) { return Value::Bool(IsEmail(s)); })));
  decls.push_back(StringFunction(
      "is_phone", false, K::kBool, "is_phone(string) -> bool",
      OnString("is_phone",
               [](const std::string& s) { return Value::Bool(IsPhone(s)); })));
  decls.push_back(StringFunction("lower", true, K::kString,
                                 "lower(string) -> string",
                                 OnString("lower", [](const std::string& s) {
                                   return Value::String(MapAscii(s, false));
                                 })));
  decls.push_back(StringFunction("upper", true, K::kString,
                                 "upper(string) -> string",
                                 OnString("upper", [](const std::string& s) {
                                   return Value::String(MapAscii(s, true));
                                 })));
  decls.push_back(StringFunction(
      "trim", true, K::kString, "trim(string) -> string",
      OnString("trim",
               [](const std::string& s) { return Value::String(Trim(s)); })));
  if (rules != nullptr) {
    FunctionDecl postal =
        StringFunction("postal_code_valid", false, K::kBool,
                       "postal_code_valid(country, code) -> bool",
                       PostalCodeValid(std::move(rules)));
    postal.min_args = postal.max_args = 2;
    postal.signatures = {{K::kString, K::kString}};
    decls.push_back(std::move(postal));
  }
  FunctionDecl fallback;
  fallback.name = "default";
  fallback.min_args = fallback.max_args = 2;
  fallback.strict = false;
  fallback.synopsis =
      "default(x, fallback) -> x, or fallback when x is null or an error";
  fallback.impl = [](Args args) {
    const Value& x = *args[0];
    if (IsFatal(x)) return x;
    return x.is_error() || x.is_null() ? *args[1] : x;
  };
  decls.push_back(std::move(fallback));
  decls.push_back(Nondeterministic(
      "now", "now() -> string (RFC 3339, UTC, e.g. \"2026-11-23T09:30:00.250Z\")",
      [] { return FormatRfc3339(CurrentNondeterminism().NowMs()); }));
  decls.push_back(Nondeterministic(
      "uuid", "uuid() -> string (a version 4 UUID)",
      [] { return CurrentNondeterminism().NewUuid(); }));
  for (FunctionDecl& d : decls) {
    if (Status s = r.Register(std::move(d)); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace bssflow::dsl

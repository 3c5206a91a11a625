// CEL's standard functions: size, the string methods, matches and the type
// conversions.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "dsl/functions.h"

namespace bssflow::dsl {

namespace {

constexpr ValueKind kString = ValueKind::kString;

Value Size(Args args) {
  const Value& v = *args[0];
  switch (v.kind()) {
    case ValueKind::kString:
      return Value::Int(CodePointCount(v.string_value()));
    case ValueKind::kBytes:
      return Value::Int(static_cast<int64_t>(v.bytes_value().size()));
    case ValueKind::kList:
      return Value::Int(static_cast<int64_t>(v.list_value().size()));
    case ValueKind::kMap:
      return Value::Int(static_cast<int64_t>(v.map_value().size()));
    default:
      break;
  }
  return Value::MakeError(ErrorKind::kNoMatchingOverload,
                          "no matching overload for 'size' applied to (" +
                              std::string(KindName(v.kind())) + ")");
}

// Checks that every argument is a string; the error otherwise.
bool AllStrings(Args args, const char* name, Value& error) {
  for (const Value* arg : args) {
    if (arg->kind() == kString) continue;
    std::string kinds;
    for (const Value* a : args) {
      kinds += (kinds.empty() ? "" : ", ") + std::string(KindName(a->kind()));
    }
    error = Value::MakeError(ErrorKind::kNoMatchingOverload,
                             "no matching overload for '" + std::string(name) +
                                 "' applied to (" + kinds + ")");
    return false;
  }
  return true;
}

template <typename Predicate>
FunctionImpl StringPredicate(const char* name, Predicate predicate) {
  return [name, predicate](Args args) {
    Value error;
    if (!AllStrings(args, name, error)) return error;
    return Value::Bool(
        predicate(args[0]->string_value(), args[1]->string_value()));
  };
}

Value ConversionError(ErrorKind kind, const char* type, const Value& v) {
  return Value::MakeError(kind,
                          "cannot convert " + DebugString(v) + " to " + type);
}

// Go's strconv, which CEL's reference implementation uses, accepts a sign.
std::string_view WithoutPlus(std::string_view s) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+')
    s.remove_prefix(1);
  return s;
}

constexpr double kTwoTo63 = 9223372036854775808.0;
constexpr double kTwoTo64 = 18446744073709551616.0;

Value ToInt(Args args) {
  const Value& v = *args[0];
  switch (v.kind()) {
    case ValueKind::kInt:
      return v;
    case ValueKind::kUint:
      if (v.uint_value() > static_cast<uint64_t>(INT64_MAX)) {
        return ConversionError(ErrorKind::kRange, "int", v);
      }
      return Value::Int(static_cast<int64_t>(v.uint_value()));
    case ValueKind::kDouble: {
      // CEL excludes both ends: -2^63 itself is out of range.
      double d = v.double_value();
      if (!(d > -kTwoTo63 && d < kTwoTo63))
        return ConversionError(ErrorKind::kRange, "int", v);
      return Value::Int(static_cast<int64_t>(d));
    }
    case ValueKind::kString: {
      std::string_view s = WithoutPlus(v.string_value());
      int64_t out = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
      if (end != s.data() + s.size())
        return ConversionError(ErrorKind::kInvalidArgument, "int", v);
      if (ec == std::errc::result_out_of_range)
        return ConversionError(ErrorKind::kRange, "int", v);
      if (ec != std::errc()) {
        return ConversionError(ErrorKind::kInvalidArgument, "int", v);
      }
      return Value::Int(out);
    }
    default:
      break;
  }
  return ConversionError(ErrorKind::kNoMatchingOverload, "int", v);
}

Value ToUint(Args args) {
  const Value& v = *args[0];
  switch (v.kind()) {
    case ValueKind::kUint:
      return v;
    case ValueKind::kInt:
      if (v.int_value() < 0)
        return ConversionError(ErrorKind::kRange, "uint", v);
      return Value::Uint(static_cast<uint64_t>(v.int_value()));
    case ValueKind::kDouble: {
      double d = v.double_value();
      if (!(d >= 0 && d < kTwoTo64))
        return ConversionError(ErrorKind::kRange, "uint", v);
      return Value::Uint(static_cast<uint64_t>(d));
    }
    case ValueKind::kString: {
      std::string_view s = WithoutPlus(v.string_value());
      uint64_t out = 0;
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
      if (end != s.data() + s.size())
        return ConversionError(ErrorKind::kInvalidArgument, "uint", v);
      if (ec == std::errc::result_out_of_range)
        return ConversionError(ErrorKind::kRange, "uint", v);
      if (ec != std::errc()) {
        return ConversionError(ErrorKind::kInvalidArgument, "uint", v);
      }
      return Value::Uint(out);
    }
    default:
      break;
  }
  return ConversionError(ErrorKind::kNoMatchingOverload, "uint", v);
}

Value ParseDouble(const Value& v) {
  const std::string& s = v.string_value();
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) {
    return ConversionError(ErrorKind::kInvalidArgument, "double", v);
  }
  errno = 0;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) {
    return ConversionError(ErrorKind::kInvalidArgument, "double", v);
  }
  return Value::Double(d);
}

Value ToDouble(Args args) {
  const Value& v = *args[0];
  switch (v.kind()) {
    case ValueKind::kDouble:
      return v;
    case ValueKind::kInt:
      return Value::Double(static_cast<double>(v.int_value()));
    case ValueKind::kUint:
      return Value::Double(static_cast<double>(v.uint_value()));
    case ValueKind::kString:
      return ParseDouble(v);
    default:
      break;
  }
  return ConversionError(ErrorKind::kNoMatchingOverload, "double", v);
}

Value ToString(Args args) {
  const Value& v = *args[0];
  switch (v.kind()) {
    case ValueKind::kString:
      return v;
    case ValueKind::kInt:
      return Value::String(std::to_string(v.int_value()));
    case ValueKind::kUint:
      return Value::String(std::to_string(v.uint_value()));
    case ValueKind::kDouble:
      return Value::String(FormatDouble(v.double_value()));
    case ValueKind::kBool:
      return Value::String(v.bool_value() ? "true" : "false");
    case ValueKind::kBytes:
      if (!IsValidUtf8(v.bytes_value())) {
        return Value::MakeError(
            ErrorKind::kInvalidUtf8,
            "cannot convert bytes to string: invalid UTF-8");
      }
      return Value::String(v.bytes_value());
    case ValueKind::kType:
      return Value::String(std::string(KindName(v.type_value())));
    default:
      break;
  }
  return ConversionError(ErrorKind::kNoMatchingOverload, "string", v);
}

Value ToBytes(Args args) {
  const Value& v = *args[0];
  if (v.kind() == ValueKind::kBytes) return v;
  if (v.kind() == kString) return Value::Bytes(v.string_value());
  return ConversionError(ErrorKind::kNoMatchingOverload, "bytes", v);
}

Value ToBool(Args args) {
  const Value& v = *args[0];
  if (v.is_bool()) return v;
  if (v.kind() != kString)
    return ConversionError(ErrorKind::kNoMatchingOverload, "bool", v);
  const std::string& s = v.string_value();
  // The spellings of Go's strconv.ParseBool.
  if (s == "1" || s == "t" || s == "T" || s == "true" || s == "TRUE" ||
      s == "True") {
    return Value::Bool(true);
  }
  if (s == "0" || s == "f" || s == "F" || s == "false" || s == "FALSE" ||
      s == "False") {
    return Value::Bool(false);
  }
  return ConversionError(ErrorKind::kInvalidArgument, "bool", v);
}

Value Matches(Args args) {
  Value error;
  if (!AllStrings(args, "matches", error)) return error;
  return MatchesPattern(args[0]->string_value(), args[1]->string_value());
}

FunctionDecl Decl(std::string name, bool global, bool receiver, int arity,
                  std::vector<Signature> signatures,
                  std::optional<ValueKind> result, std::string synopsis,
                  FunctionImpl impl) {
  FunctionDecl d;
  d.name = std::move(name);
  d.global = global;
  d.receiver = receiver;
  d.min_args = d.max_args = arity;
  d.signatures = std::move(signatures);
  d.result = result;
  d.synopsis = std::move(synopsis);
  d.impl = std::move(impl);
  return d;
}

Signature One(ValueKind k) { return Signature{k}; }

}  // namespace

Status RegisterStandardFunctions(FunctionRegistry& r) {
  using K = ValueKind;
  Signature two_strings{kString, kString};
  std::vector<FunctionDecl> decls;
  decls.push_back(
      Decl("size", true, true, 1,
           {One(K::kString), One(K::kBytes), One(K::kList), One(K::kMap)},
           K::kInt, "size(string|bytes|list|map) -> int", Size));
  decls.push_back(Decl("contains", false, true, 2, {two_strings}, K::kBool,
                       "string.contains(string) -> bool",
                       StringPredicate("contains", [](const std::string& s,
                                                      const std::string& t) {
                         return s.find(t) != std::string::npos;
                       })));
  decls.push_back(Decl("startsWith", false, true, 2, {two_strings}, K::kBool,
                       "string.startsWith(string) -> bool",
                       StringPredicate("startsWith", [](const std::string& s,
                                                        const std::string& t) {
                         return s.compare(0, t.size(), t) == 0;
                       })));
  decls.push_back(Decl("endsWith", false, true, 2, {two_strings}, K::kBool,
                       "string.endsWith(string) -> bool",
                       StringPredicate("endsWith", [](const std::string& s,
                                                      const std::string& t) {
                         return s.size() >= t.size() &&
                                s.compare(s.size() - t.size(), t.size(), t) ==
                                    0;
                       })));
  decls.push_back(Decl("matches", true, true, 2, {two_strings}, K::kBool,
                       "string.matches(regex) -> bool", Matches));
  decls.push_back(
      Decl("int", true, false, 1, {}, K::kInt, "int(x) -> int", ToInt));
  decls.push_back(
      Decl("uint", true, false, 1, {}, K::kUint, "uint(x) -> uint", ToUint));
  decls.push_back(Decl("double", true, false, 1, {}, K::kDouble,
                       "double(x) -> double", ToDouble));
  decls.push_back(Decl("string", true, false, 1, {}, K::kString,
                       "string(x) -> string", ToString));
  decls.push_back(Decl("bytes", true, false, 1, {}, K::kBytes,
                       "bytes(x) -> bytes", ToBytes));
  decls.push_back(
      Decl("bool", true, false, 1, {}, K::kBool, "bool(x) -> bool", ToBool));
  decls.push_back(Decl("dyn", true, false, 1, {}, std::nullopt, "dyn(x) -> x",
                       [](Args args) { return *args[0]; }));
  decls.push_back(Decl("type", true, false, 1, {}, K::kType, "type(x) -> type",
                       [](Args args) { return args[0]->TypeOf(); }));
  for (FunctionDecl& d : decls) {
    if (Status s = r.Register(std::move(d)); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace bssflow::dsl

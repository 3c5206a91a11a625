#include "dsl/value.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstring>

namespace bssflow::dsl {

std::string_view KindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNull:
      return "null_type";
    case ValueKind::kBool:
      return "bool";
    case ValueKind::kInt:
      return "int";
    case ValueKind::kUint:
      return "uint";
    case ValueKind::kDouble:
      return "double";
    case ValueKind::kString:
      return "string";
    case ValueKind::kBytes:
      return "bytes";
    case ValueKind::kList:
      return "list";
    case ValueKind::kMap:
      return "map";
    case ValueKind::kType:
      return "type";
    case ValueKind::kError:
      return "error";
  }
  return "unknown";
}

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kNoMatchingOverload:
      return "no_matching_overload";
    case ErrorKind::kDivideByZero:
      return "divide_by_zero";
    case ErrorKind::kModulusByZero:
      return "modulus_by_zero";
    case ErrorKind::kOverflow:
      return "overflow";
    case ErrorKind::kRange:
      return "range";
    case ErrorKind::kNoSuchKey:
      return "no_such_key";
    case ErrorKind::kIndexOutOfRange:
      return "index_out_of_range";
    case ErrorKind::kNoSuchField:
      return "no_such_field";
    case ErrorKind::kUndeclaredReference:
      return "undeclared_reference";
    case ErrorKind::kUnboundFunction:
      return "unbound_function";
    case ErrorKind::kInvalidUtf8:
      return "invalid_utf8";
    case ErrorKind::kRepeatedKey:
      return "repeated_key";
    case ErrorKind::kUnsupportedKeyType:
      return "unsupported_key_type";
    case ErrorKind::kInvalidArgument:
      return "invalid_argument";
    case ErrorKind::kLimitExceeded:
      return "limit_exceeded";
    case ErrorKind::kOther:
      return "other";
  }
  return "other";
}

struct Value::ListRep : HeapRep {
  ValueList items;
};
struct Value::MapRep : HeapRep {
  ValueMap map;
};
struct Value::ErrorRep : HeapRep {
  Error error;
};

namespace {

// A bounded per-thread cache of freed string payloads. A block freed on
// another thread than the one that allocated it simply joins that thread's
// cache; beyond the bound, blocks go back to the heap. The cache itself is
// trivially destructible, so that strings destroyed late (static values at
// exit) still find it; a separate guard empties it when the thread ends.
struct TextBlockCache {
  static constexpr size_t kCapacity = 256;
  void* blocks[kCapacity];
  size_t size;
  bool closed;
};

thread_local TextBlockCache text_blocks;

struct TextBlockCacheGuard {
  bool armed = false;
  ~TextBlockCacheGuard() {
    for (size_t i = 0; i < text_blocks.size; ++i)
      ::operator delete(text_blocks.blocks[i]);
    text_blocks.size = 0;
    text_blocks.closed = true;
  }
};

thread_local TextBlockCacheGuard text_blocks_guard;

void* TakeTextBlock(size_t bytes) {
  if (text_blocks.size > 0) return text_blocks.blocks[--text_blocks.size];
  if (!text_blocks.closed)
    text_blocks_guard.armed = true;  // registers the guard
  return ::operator new(bytes);
}

void GiveTextBlock(void* block) {
  if (!text_blocks.closed && text_blocks.size < TextBlockCache::kCapacity) {
    text_blocks_guard.armed = true;
    text_blocks.blocks[text_blocks.size++] = block;
  } else {
    ::operator delete(block);
  }
}

}  // namespace

void* Value::AllocateText() { return TakeTextBlock(sizeof(TextRep)); }

void Value::FreeText(void* block) { GiveTextBlock(block); }

Value Value::String(std::string text) {
  auto* rep = new (AllocateText()) TextRep;
  rep->text = std::move(text);
  return Value(ValueKind::kString, rep);
}

Value Value::Concatenation(std::string_view a, std::string_view b,
                           ValueKind kind) {
  auto* rep = new (AllocateText()) TextRep;
  rep->text.resize(a.size() + b.size());
  char* out = rep->text.data();
  if (!a.empty()) std::memcpy(out, a.data(), a.size());
  if (!b.empty()) std::memcpy(out + a.size(), b.data(), b.size());
  return Value(kind, rep);
}

Value Value::Bytes(std::string data) {
  auto* rep = new (AllocateText()) TextRep;
  rep->text = std::move(data);
  return Value(ValueKind::kBytes, rep);
}

Value Value::List(ValueList items) {
  auto* rep = new ListRep;
  rep->items = std::move(items);
  return Value(ValueKind::kList, rep);
}

Value Value::Map(ValueMap map) {
  auto* rep = new MapRep;
  rep->map = std::move(map);
  return Value(ValueKind::kMap, rep);
}

Value Value::MakeError(ErrorKind kind, std::string message, int32_t offset) {
  auto* rep = new ErrorRep;
  rep->error = Error{kind, std::move(message), offset};
  return Value(ValueKind::kError, rep);
}

void Value::Destroy() {
  switch (kind_) {
    case ValueKind::kString:
    case ValueKind::kBytes: {
      auto* rep = static_cast<TextRep*>(scalar_.heap);
      rep->~TextRep();
      FreeText(rep);
      break;
    }
    case ValueKind::kList:
      delete static_cast<ListRep*>(scalar_.heap);
      break;
    case ValueKind::kMap:
      delete static_cast<MapRep*>(scalar_.heap);
      break;
    case ValueKind::kError:
      delete static_cast<ErrorRep*>(scalar_.heap);
      break;
    default:
      break;
  }
}

const ValueList& Value::list_value() const {
  return static_cast<const ListRep*>(scalar_.heap)->items;
}

const ValueMap& Value::map_value() const {
  return static_cast<const MapRep*>(scalar_.heap)->map;
}

const Error& Value::error_value() const {
  return static_cast<const ErrorRep*>(scalar_.heap)->error;
}

// ---------------------------------------------------------------------------
// Maps

namespace {

// A key reduced to one canonical form, so that 1 and 1u are the same key.
struct CanonicalKey {
  enum Tag : uint8_t { kBool, kSigned, kBigUnsigned, kString, kNone } tag;
  uint64_t number = 0;
  std::string_view text;

  bool operator==(const CanonicalKey& o) const {
    return tag == o.tag && number == o.number && text == o.text;
  }
};

constexpr double kTwoTo63 = 9223372036854775808.0;
constexpr double kTwoTo64 = 18446744073709551616.0;

CanonicalKey CanonicalizeInt(int64_t i) {
  return {CanonicalKey::kSigned, static_cast<uint64_t>(i), {}};
}

CanonicalKey CanonicalizeUint(uint64_t u) {
  if (u <= static_cast<uint64_t>(INT64_MAX)) {
    return CanonicalizeInt(static_cast<int64_t>(u));
  }
  return {CanonicalKey::kBigUnsigned, u, {}};
}

// `for_lookup` lets a double with an integral value find an int/uint key;
// doubles are never keys themselves.
CanonicalKey Canonicalize(const Value& key, bool for_lookup) {
  switch (key.kind()) {
    case ValueKind::kBool:
      return {CanonicalKey::kBool, key.bool_value() ? 1u : 0u, {}};
    case ValueKind::kInt:
      return CanonicalizeInt(key.int_value());
    case ValueKind::kUint:
      return CanonicalizeUint(key.uint_value());
    case ValueKind::kString:
      return {CanonicalKey::kString, 0, key.string_value()};
    case ValueKind::kDouble: {
      double d = key.double_value();
      if (!for_lookup || std::trunc(d) != d) break;
      if (d >= -kTwoTo63 && d < kTwoTo63) {
        return CanonicalizeInt(static_cast<int64_t>(d));
      }
      if (d >= 0 && d < kTwoTo64) {
        return CanonicalizeUint(static_cast<uint64_t>(d));
      }
      break;
    }
    default:
      break;
  }
  return {CanonicalKey::kNone, 0, {}};
}

}  // namespace

bool ValueMap::IsKeyKind(ValueKind kind) {
  return kind == ValueKind::kBool || kind == ValueKind::kInt ||
         kind == ValueKind::kUint || kind == ValueKind::kString;
}

ValueMap::InsertResult ValueMap::Insert(Value key, Value value) {
  if (!IsKeyKind(key.kind())) return InsertResult::kUnsupportedKeyType;
  if (Find(key) != nullptr) return InsertResult::kRepeatedKey;
  entries_.emplace_back(std::move(key), std::move(value));
  return InsertResult::kInserted;
}

ValueMap ValueMap::OfDistinctKeys(
    std::vector<std::pair<Value, Value>> entries) {
  ValueMap map;
  map.entries_ = std::move(entries);
#ifndef NDEBUG
  for (size_t i = 0; i < map.entries_.size(); ++i) {
    const Value& key = map.entries_[i].first;
    assert(IsKeyKind(key.kind()));
    for (size_t j = 0; j < i; ++j) {
      assert(!(key.kind() == map.entries_[j].first.kind() &&
               Equal(key, map.entries_[j].first)));
    }
  }
#endif
  return map;
}

const Value* ValueMap::Find(const Value& key) const {
  // Field access (`account.email`) looks up string keys: compare them
  // directly, without canonicalising every entry.
  if (key.kind() == ValueKind::kString) {
    const std::string& text = key.string_value();
    for (const auto& [k, v] : entries_) {
      if (k.kind() == ValueKind::kString && SameBytes(k.string_value(), text))
        return &v;
    }
    return nullptr;
  }
  CanonicalKey wanted = Canonicalize(key, /*for_lookup=*/true);
  if (wanted.tag == CanonicalKey::kNone) return nullptr;
  for (const auto& [k, v] : entries_) {
    if (Canonicalize(k, false) == wanted) return &v;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------
// Equality and ordering

namespace {

bool IsNumber(ValueKind k) {
  return k == ValueKind::kInt || k == ValueKind::kUint ||
         k == ValueKind::kDouble;
}

int Sign(double a, double b) { return a < b ? -1 : (a > b ? 1 : 0); }

template <typename T>
int Three(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

double AsDouble(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kInt:
      return static_cast<double>(v.int_value());
    case ValueKind::kUint:
      return static_cast<double>(v.uint_value());
    default:
      return v.double_value();
  }
}

// Numbers of any two numeric kinds. Integers compare exactly; against a
// double the integer is converted to double, as CEL implementations do.
std::optional<int> CompareNumbers(const Value& a, const Value& b) {
  ValueKind ka = a.kind(), kb = b.kind();
  if (ka == ValueKind::kDouble || kb == ValueKind::kDouble) {
    double x = AsDouble(a), y = AsDouble(b);
    if (std::isnan(x) || std::isnan(y)) return kUnordered;
    return Sign(x, y);
  }
  if (ka == kb) {
    return ka == ValueKind::kInt ? Three(a.int_value(), b.int_value())
                                 : Three(a.uint_value(), b.uint_value());
  }
  if (ka == ValueKind::kInt) {
    if (a.int_value() < 0) return -1;
    return Three(static_cast<uint64_t>(a.int_value()), b.uint_value());
  }
  if (b.int_value() < 0) return 1;
  return Three(a.uint_value(), static_cast<uint64_t>(b.int_value()));
}

bool ListsEqual(const ValueList& a, const ValueList& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!Equal(a[i], b[i])) return false;
  }
  return true;
}

bool MapsEqual(const ValueMap& a, const ValueMap& b) {
  if (a.size() != b.size()) return false;
  for (const auto& [key, value] : a.entries()) {
    const Value* other = b.Find(key);
    if (other == nullptr || !Equal(value, *other)) return false;
  }
  return true;
}

}  // namespace

bool Equal(const Value& a, const Value& b) {
  ValueKind ka = a.kind(), kb = b.kind();
  if (IsNumber(ka) && IsNumber(kb)) {
    return CompareNumbers(a, b) == 0;
  }
  if (ka != kb) return false;
  switch (ka) {
    case ValueKind::kNull:
      return true;
    case ValueKind::kBool:
      return a.bool_value() == b.bool_value();
    case ValueKind::kString:
      return a.string_value() == b.string_value();
    case ValueKind::kBytes:
      return a.bytes_value() == b.bytes_value();
    case ValueKind::kList:
      return ListsEqual(a.list_value(), b.list_value());
    case ValueKind::kMap:
      return MapsEqual(a.map_value(), b.map_value());
    case ValueKind::kType:
      return a.type_value() == b.type_value();
    default:
      return false;
  }
}

std::optional<int> Compare(const Value& a, const Value& b) {
  ValueKind ka = a.kind(), kb = b.kind();
  if (IsNumber(ka) && IsNumber(kb)) return CompareNumbers(a, b);
  if (ka != kb) return std::nullopt;
  switch (ka) {
    case ValueKind::kBool:
      return Three(a.bool_value(), b.bool_value());
    case ValueKind::kString: {
      int c = a.string_value().compare(b.string_value());
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case ValueKind::kBytes: {
      // std::string compares char, which may be signed: compare as bytes.
      const std::string& x = a.bytes_value();
      const std::string& y = b.bytes_value();
      size_t n = std::min(x.size(), y.size());
      int c = n == 0 ? 0 : std::memcmp(x.data(), y.data(), n);
      if (c != 0) return c < 0 ? -1 : 1;
      return Three(x.size(), y.size());
    }
    default:
      return std::nullopt;
  }
}

// ---------------------------------------------------------------------------
// Formatting

std::string FormatDouble(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  if (d == 0) return std::signbit(d) ? "-0" : "0";
  char buf[64];
  auto [end, ec] =
      std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, end);  // e.g. "-1.2345e+02"
  size_t e = sci.find('e');
  int exponent = std::stoi(sci.substr(e + 1));
  std::string mantissa = sci.substr(0, e);
  bool negative = mantissa[0] == '-';
  std::string digits;
  for (char c : mantissa) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  std::string out = negative ? "-" : "";
  if (exponent < -4 || exponent >= 6) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exp_buf[16];
    std::snprintf(exp_buf, sizeof exp_buf, "e%c%02d", exponent < 0 ? '-' : '+',
                  std::abs(exponent));
    return out + exp_buf;
  }
  if (exponent < 0) {
    return out + "0." + std::string(static_cast<size_t>(-exponent - 1), '0') +
           digits;
  }
  size_t int_digits = static_cast<size_t>(exponent) + 1;
  if (digits.size() <= int_digits) {
    return out + digits + std::string(int_digits - digits.size(), '0');
  }
  return out + digits.substr(0, int_digits) + "." + digits.substr(int_digits);
}

namespace {

void AppendQuoted(std::string& out, std::string_view text, char prefix) {
  if (prefix) out.push_back(prefix);
  out.push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f || (prefix && c >= 0x80)) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02x", c);
          out += hex;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void AppendDebug(std::string& out, const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      out += "null";
      return;
    case ValueKind::kBool:
      out += v.bool_value() ? "true" : "false";
      return;
    case ValueKind::kInt:
      out += std::to_string(v.int_value());
      return;
    case ValueKind::kUint:
      out += std::to_string(v.uint_value()) + "u";
      return;
    case ValueKind::kDouble: {
      std::string s = FormatDouble(v.double_value());
      if (s.find_first_of(".eIN") == std::string::npos) s += ".0";
      out += s;
      return;
    }
    case ValueKind::kString:
      AppendQuoted(out, v.string_value(), 0);
      return;
    case ValueKind::kBytes:
      AppendQuoted(out, v.bytes_value(), 'b');
      return;
    case ValueKind::kList: {
      out.push_back('[');
      const char* sep = "";
      for (const Value& item : v.list_value()) {
        out += sep;
        AppendDebug(out, item);
        sep = ", ";
      }
      out.push_back(']');
      return;
    }
    case ValueKind::kMap: {
      out.push_back('{');
      const char* sep = "";
      for (const auto& [key, value] : v.map_value().entries()) {
        out += sep;
        AppendDebug(out, key);
        out += ": ";
        AppendDebug(out, value);
        sep = ", ";
      }
      out.push_back('}');
      return;
    }
    case ValueKind::kType:
      out += KindName(v.type_value());
      return;
    case ValueKind::kError:
      out += "error(" + v.error_value().message + ")";
      return;
  }
}

}  // namespace

std::string DebugString(const Value& v) {
  std::string out;
  AppendDebug(out, v);
  return out;
}

// ---------------------------------------------------------------------------
// UTF-8

bool IsValidUtf8(std::string_view text) {
  size_t i = 0, n = text.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + static_cast<size_t>(len) > n) return false;
    for (int k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(text[i + static_cast<size_t>(k)]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    i += static_cast<size_t>(len);
  }
  return true;
}

int64_t CodePointCount(std::string_view text) {
  int64_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace bssflow::dsl

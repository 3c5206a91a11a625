// Values of the expression language: the CEL types null, bool, int, uint,
// double, string, bytes, list, map and type, plus error values.
//
// A Value is small (24 bytes) and cheap to copy: scalars are stored inline,
// strings, bytes, lists, maps and errors are immutable and shared by
// reference count, so copying a Value never copies a payload and scalar
// results never allocate. Values are immutable once built and may be shared
// between threads.
#ifndef BSSFLOW_DSL_VALUE_H_
#define BSSFLOW_DSL_VALUE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace bssflow::dsl {

/// The kind of a value; also the payload of a `type` value. The order is the
/// order of the alternatives in Value's variant.
enum class ValueKind : uint8_t {
  kNull,
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kList,
  kMap,
  kType,
  kError,
};

/// The CEL name of a kind: "null_type", "bool", "int", ... "type", "error".
std::string_view KindName(ValueKind kind);

/// Why an evaluation failed. The names follow the normalised kinds of the CEL
/// conformance vectors (see ErrorKindName).
enum class ErrorKind : uint8_t {
  kNoMatchingOverload,
  kDivideByZero,
  kModulusByZero,
  kOverflow,
  kRange,
  kNoSuchKey,
  kIndexOutOfRange,
  kNoSuchField,
  kUndeclaredReference,
  kUnboundFunction,
  kInvalidUtf8,
  kRepeatedKey,
  kUnsupportedKeyType,
  kInvalidArgument,
  kLimitExceeded,
  kOther,
};

/// "no_matching_overload", "divide_by_zero", ... as in the conformance files.
std::string_view ErrorKindName(ErrorKind kind);

/// An evaluation error: a value that flows through the expression until an
/// operator absorbs it (`||`, `&&`, `default`) or it becomes the result.
struct Error {
  ErrorKind kind = ErrorKind::kOther;
  std::string message;
  /// Byte offset in the expression source of the operation that failed, or
  /// -1 when unknown.
  int32_t offset = -1;
};

class Value;
class ValueMap;
using ValueList = std::vector<Value>;

/// One value of the expression language.
class Value {
 public:
  /// Distinct payload types, so that string and bytes stay apart.
  struct StringRep {
    std::string text;
  };
  struct BytesRep {
    std::string data;
  };
  struct TypeTag {
    ValueKind kind;
  };

  /// null.
  Value() = default;

  static Value Null() { return Value(); }
  static Value Bool(bool b) { return Value(b); }
  static Value Int(int64_t i) { return Value(i); }
  static Value Uint(uint64_t u) { return Value(u); }
  static Value Double(double d) { return Value(d); }
  /// `text` must be valid UTF-8; the caller checks (literals, JSON, functions).
  static Value String(std::string text);
  static Value Bytes(std::string data);
  static Value List(ValueList items);
  static Value Map(ValueMap map);
  static Value Type(ValueKind kind) { return Value(TypeTag{kind}); }
  static Value MakeError(ErrorKind kind, std::string message,
                         int32_t offset = -1);

  ValueKind kind() const { return static_cast<ValueKind>(rep_.index()); }
  bool is_null() const { return kind() == ValueKind::kNull; }
  bool is_bool() const { return kind() == ValueKind::kBool; }
  bool is_error() const { return kind() == ValueKind::kError; }

  // Accessors: the kind must match (checked by std::get in debug builds).
  bool bool_value() const { return *std::get_if<bool>(&rep_); }
  int64_t int_value() const { return *std::get_if<int64_t>(&rep_); }
  uint64_t uint_value() const { return *std::get_if<uint64_t>(&rep_); }
  double double_value() const { return *std::get_if<double>(&rep_); }
  const std::string& string_value() const;
  const std::string& bytes_value() const;
  const ValueList& list_value() const;
  const ValueMap& map_value() const;
  ValueKind type_value() const { return std::get_if<TypeTag>(&rep_)->kind; }
  const Error& error_value() const;

  /// The CEL type of this value as a `type` value (`type(x)`).
  Value TypeOf() const { return Type(kind()); }

 private:
  using Rep = std::variant<std::monostate, bool, int64_t, uint64_t, double,
                           std::shared_ptr<const StringRep>,
                           std::shared_ptr<const BytesRep>,
                           std::shared_ptr<const ValueList>,
                           std::shared_ptr<const ValueMap>, TypeTag,
                           std::shared_ptr<const Error>>;
  template <typename T>
  explicit Value(T v) : rep_(std::move(v)) {}

  Rep rep_;
};

/// A CEL map: keys are bool, int, uint or string; int and uint keys with the
/// same numeric value are the same key (`{1: 'a'}[1u]` finds it). Iteration
/// follows insertion order, so output is stable.
class ValueMap {
 public:
  enum class InsertResult { kInserted, kRepeatedKey, kUnsupportedKeyType };

  /// Adds an entry unless its key is present or of a kind maps cannot hold.
  InsertResult Insert(Value key, Value value);

  /// The value under `key`, or nullptr. A double key finds the int or uint
  /// key of the same value (`{3u: 'x'}[3.0]`); other kinds find nothing.
  const Value* Find(const Value& key) const;

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const std::vector<std::pair<Value, Value>>& entries() const {
    return entries_;
  }

  /// Whether `kind` may be a map key.
  static bool IsKeyKind(ValueKind kind);

 private:
  std::vector<std::pair<Value, Value>> entries_;
};

/// CEL equality (`==`): numbers compare by value across int, uint and double;
/// lists and maps element by element; values of different kinds are unequal.
/// Neither argument may be an error.
bool Equal(const Value& a, const Value& b);

/// The result of Compare() when either side is NaN: ordered neither way, so
/// every ordering operator is false.
inline constexpr int kUnordered = 2;

/// CEL ordering (`<` and friends): -1, 0 or 1, kUnordered for NaN, or
/// nullopt when the kinds have no ordering (lists, or string against int).
std::optional<int> Compare(const Value& a, const Value& b);

/// A readable, CEL-like rendering for messages: strings quoted, bytes as
/// b"..", lists and maps in literal syntax.
std::string DebugString(const Value& v);

/// Formats a double as CEL's `string(double)` does (Go's "%g": the shortest
/// digits that round-trip, exponent form below 1e-4 and from 1e+06 up).
std::string FormatDouble(double d);

/// Whether `text` is well-formed UTF-8.
bool IsValidUtf8(std::string_view text);

/// Number of Unicode code points in valid UTF-8 `text`.
int64_t CodePointCount(std::string_view text);

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_VALUE_H_

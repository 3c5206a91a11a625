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

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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
  /// null.
  Value() noexcept { scalar_.i = 0; }
  Value(const Value& other) noexcept
      : scalar_(other.scalar_), kind_(other.kind_) {
    Retain();
  }
  Value(Value&& other) noexcept : scalar_(other.scalar_), kind_(other.kind_) {
    other.kind_ = ValueKind::kNull;
  }
  Value& operator=(const Value& other) noexcept {
    other.Retain();
    Release();
    scalar_ = other.scalar_;
    kind_ = other.kind_;
    return *this;
  }
  Value& operator=(Value&& other) noexcept {
    if (this != &other) {
      Release();
      scalar_ = other.scalar_;
      kind_ = other.kind_;
      other.kind_ = ValueKind::kNull;
    }
    return *this;
  }
  ~Value() { Release(); }

  static Value Null() { return Value(); }
  static Value Bool(bool b) {
    Value v(ValueKind::kBool);
    v.scalar_.b = b;
    return v;
  }
  static Value Int(int64_t i) {
    Value v(ValueKind::kInt);
    v.scalar_.i = i;
    return v;
  }
  static Value Uint(uint64_t u) {
    Value v(ValueKind::kUint);
    v.scalar_.u = u;
    return v;
  }
  static Value Double(double d) {
    Value v(ValueKind::kDouble);
    v.scalar_.d = d;
    return v;
  }
  /// `text` must be valid UTF-8; the caller checks (literals, JSON, functions).
  static Value String(std::string text);
  static Value Bytes(std::string data);
  /// a + b as a string (kind kString) or bytes (kBytes), built in place.
  static Value Concatenation(std::string_view a, std::string_view b,
                             ValueKind kind);
  static Value List(ValueList items);
  static Value Map(ValueMap map);
  static Value Type(ValueKind kind) {
    Value v(ValueKind::kType);
    v.scalar_.t = kind;
    return v;
  }
  static Value MakeError(ErrorKind kind, std::string message,
                         int32_t offset = -1);

  ValueKind kind() const { return kind_; }
  bool is_null() const { return kind_ == ValueKind::kNull; }
  bool is_bool() const { return kind_ == ValueKind::kBool; }
  bool is_error() const { return kind_ == ValueKind::kError; }

  // Accessors: the kind must match.
  bool bool_value() const { return scalar_.b; }
  int64_t int_value() const { return scalar_.i; }
  uint64_t uint_value() const { return scalar_.u; }
  double double_value() const { return scalar_.d; }
  const std::string& string_value() const {
    return static_cast<const TextRep*>(scalar_.heap)->text;
  }
  const std::string& bytes_value() const {
    return static_cast<const TextRep*>(scalar_.heap)->text;
  }
  const ValueList& list_value() const;
  const ValueMap& map_value() const;
  ValueKind type_value() const { return scalar_.t; }
  const Error& error_value() const;

  /// The CEL type of this value as a `type` value (`type(x)`).
  Value TypeOf() const { return Type(kind()); }

 private:
  // Payloads of the kinds that live on the heap, shared by reference count
  // (atomic, so that values may cross threads).
  struct HeapRep {
    std::atomic<uint32_t> refs{1};
  };
  // Strings are made and dropped at a high rate (every concatenation), so
  // their payloads come from a small per-thread free list.
  static void* AllocateText();
  static void FreeText(void* block);
  struct TextRep : HeapRep {
    std::string text;
  };
  struct ListRep;
  struct MapRep;
  struct ErrorRep;

  explicit Value(ValueKind kind) : kind_(kind) { scalar_.i = 0; }
  Value(ValueKind kind, HeapRep* rep) : kind_(kind) { scalar_.heap = rep; }

  bool on_heap() const {
    return kind_ >= ValueKind::kString && kind_ != ValueKind::kType;
  }
  void Retain() const {
    if (on_heap()) scalar_.heap->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void Release() {
    if (on_heap() &&
        scalar_.heap->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      Destroy();
    }
  }
  void Destroy();  // frees the payload; out of line

  union Scalar {
    bool b;
    int64_t i;
    uint64_t u;
    double d;
    ValueKind t;
    HeapRep* heap;
  } scalar_;
  ValueKind kind_ = ValueKind::kNull;
};

/// A CEL map: keys are bool, int, uint or string; int and uint keys with the
/// same numeric value are the same key (`{1: 'a'}[1u]` finds it). Iteration
/// follows insertion order, so output is stable.
class ValueMap {
 public:
  enum class InsertResult { kInserted, kRepeatedKey, kUnsupportedKeyType };

  /// Adds an entry unless its key is present or of a kind maps cannot hold.
  InsertResult Insert(Value key, Value value);

  /// A map of `entries` in their order, for a caller that knows the keys
  /// are distinct and of key kinds (asserted in debug builds): no lookup per
  /// entry, where Insert() looks for the key first.
  static ValueMap OfDistinctKeys(std::vector<std::pair<Value, Value>> entries);

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

/// Whether `v` is an error that nothing may absorb: an exceeded limit ends
/// the evaluation, whatever `||`, `&&`, exists() or default() around it would
/// otherwise make of an error.
inline bool IsFatal(const Value& v) {
  return v.is_error() && v.error_value().kind == ErrorKind::kLimitExceeded;
}

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

/// Byte equality of two strings; short ones (the usual codes and names of
/// conditions) are compared inline rather than through a memcmp call.
inline bool SameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.size() > 16) return a == b;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

/// Whether `text` is well-formed UTF-8.
bool IsValidUtf8(std::string_view text);

/// Number of Unicode code points in valid UTF-8 `text`.
int64_t CodePointCount(std::string_view text);

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_VALUE_H_

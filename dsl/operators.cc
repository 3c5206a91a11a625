#include "dsl/operators.h"

#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

namespace bssflow::dsl {

Value NoMatchingOverload(const char* what, const Value* const* args, int count,
                         int32_t offset) {
  std::string message =
      "no matching overload for '" + std::string(what) + "' applied to (";
  for (int i = 0; i < count; ++i) {
    if (i > 0) message += ", ";
    message += KindName(args[i]->kind());
  }
  return Value::MakeError(ErrorKind::kNoMatchingOverload, message + ")",
                          offset);
}

namespace {

Value Mismatch(Operator op, const Value& a, const Value& b, int32_t offset) {
  const Value* args[] = {&a, &b};
  return NoMatchingOverload(OperatorText(op), args, 2, offset);
}

Value Overflow(Operator op, const char* type, int32_t offset) {
  return Value::MakeError(
      ErrorKind::kOverflow,
      std::string(type) + " overflow in '" + OperatorText(op) + "'", offset);
}

// int and uint arithmetic, every overflow and division by zero an error.
template <typename T>
Value CheckedArithmetic(Operator op, T a, T b, int32_t offset) {
  constexpr bool kSigned = std::is_signed_v<T>;
  const char* type = kSigned ? "int" : "uint";
  T r = 0;
  bool overflow = false;
  switch (op) {
    case Operator::kAdd:
      overflow = __builtin_add_overflow(a, b, &r);
      break;
    case Operator::kSubtract:
      overflow = __builtin_sub_overflow(a, b, &r);
      break;
    case Operator::kMultiply:
      overflow = __builtin_mul_overflow(a, b, &r);
      break;
    case Operator::kDivide:
    case Operator::kModulo:
      if (b == 0) {
        return op == Operator::kDivide
                   ? Value::MakeError(ErrorKind::kDivideByZero,
                                      "division by zero", offset)
                   : Value::MakeError(ErrorKind::kModulusByZero,
                                      "modulus by zero", offset);
      }
      if constexpr (kSigned) {
        if (a == std::numeric_limits<T>::min() && b == -1) {
          return Overflow(op, type, offset);
        }
      }
      r = op == Operator::kDivide ? a / b : a % b;
      break;
    default:
      break;
  }
  if (overflow) return Overflow(op, type, offset);
  if constexpr (kSigned) {
    return Value::Int(r);
  } else {
    return Value::Uint(r);
  }
}

Value DoubleArithmetic(Operator op, double a, double b) {
  switch (op) {
    case Operator::kAdd:
      return Value::Double(a + b);
    case Operator::kSubtract:
      return Value::Double(a - b);
    case Operator::kMultiply:
      return Value::Double(a * b);
    default:
      return Value::Double(a / b);
  }
}

Value Concatenate(const Value& a, const Value& b) {
  switch (a.kind()) {
    case ValueKind::kString:
    case ValueKind::kBytes:
      return Value::Concatenation(a.string_value(), b.string_value(), a.kind());
    default: {
      ValueList items = a.list_value();
      items.insert(items.end(), b.list_value().begin(), b.list_value().end());
      return Value::List(std::move(items));
    }
  }
}

Value Arithmetic(Operator op, const Value& a, const Value& b, int32_t offset) {
  ValueKind kind = a.kind();
  if (kind != b.kind()) return Mismatch(op, a, b, offset);
  switch (kind) {
    case ValueKind::kInt:
      return CheckedArithmetic(op, a.int_value(), b.int_value(), offset);
    case ValueKind::kUint:
      return CheckedArithmetic(op, a.uint_value(), b.uint_value(), offset);
    case ValueKind::kDouble:
      if (op == Operator::kModulo) break;
      return DoubleArithmetic(op, a.double_value(), b.double_value());
    case ValueKind::kString:
    case ValueKind::kBytes:
    case ValueKind::kList:
      if (op == Operator::kAdd) return Concatenate(a, b);
      break;
    default:
      break;
  }
  return Mismatch(op, a, b, offset);
}

Value Ordering(Operator op, const Value& a, const Value& b, int32_t offset) {
  std::optional<int> c = Compare(a, b);
  if (!c.has_value()) return Mismatch(op, a, b, offset);
  switch (op) {
    case Operator::kLess:
      return Value::Bool(*c == -1);
    case Operator::kLessEqual:
      return Value::Bool(*c == -1 || *c == 0);
    case Operator::kGreater:
      return Value::Bool(*c == 1);
    default:
      return Value::Bool(*c == 1 || *c == 0);
  }
}

Value Contains(const Value& element, const Value& container, int32_t offset) {
  if (container.kind() == ValueKind::kList) {
    for (const Value& item : container.list_value()) {
      if (Equal(element, item)) return Value::Bool(true);
    }
    return Value::Bool(false);
  }
  if (container.kind() == ValueKind::kMap) {
    return Value::Bool(container.map_value().Find(element) != nullptr);
  }
  return Mismatch(Operator::kIn, element, container, offset);
}

}  // namespace

Value ApplyBinary(Operator op, const Value& left, const Value& right,
                  int32_t offset) {
  switch (op) {
    case Operator::kEqual:
      return Value::Bool(Equal(left, right));
    case Operator::kNotEqual:
      return Value::Bool(!Equal(left, right));
    case Operator::kLess:
    case Operator::kLessEqual:
    case Operator::kGreater:
    case Operator::kGreaterEqual:
      return Ordering(op, left, right, offset);
    case Operator::kIn:
      return Contains(left, right, offset);
    default:
      return Arithmetic(op, left, right, offset);
  }
}

Value ApplyUnary(Operator op, const Value& operand, int32_t offset) {
  if (op == Operator::kNot && operand.is_bool()) {
    return Value::Bool(!operand.bool_value());
  }
  if (op == Operator::kNegate) {
    if (operand.kind() == ValueKind::kInt) {
      if (operand.int_value() == INT64_MIN) return Overflow(op, "int", offset);
      return Value::Int(-operand.int_value());
    }
    if (operand.kind() == ValueKind::kDouble) {
      return Value::Double(-operand.double_value());
    }
  }
  const Value* args[] = {&operand};
  return NoMatchingOverload(OperatorText(op), args, 1, offset);
}

namespace {

Value ListIndex(const ValueList& list, const Value& index, int32_t offset) {
  int64_t position = 0;
  switch (index.kind()) {
    case ValueKind::kInt:
      position = index.int_value();
      break;
    case ValueKind::kUint:
      position = index.uint_value() > static_cast<uint64_t>(INT64_MAX)
                     ? INT64_MAX
                     : static_cast<int64_t>(index.uint_value());
      break;
    case ValueKind::kDouble: {
      double d = index.double_value();
      if (std::trunc(d) != d || std::abs(d) > 9.0e18) {
        return Value::MakeError(
            ErrorKind::kInvalidArgument,
            "list index " + DebugString(index) + " is not a whole number",
            offset);
      }
      position = static_cast<int64_t>(d);
      break;
    }
    default: {
      const Value* args[] = {&index};
      return NoMatchingOverload("[] on a list with index", args, 1, offset);
    }
  }
  if (position < 0 || static_cast<uint64_t>(position) >= list.size()) {
    return Value::MakeError(ErrorKind::kIndexOutOfRange,
                            "index " + std::to_string(position) +
                                " out of range for a list of size " +
                                std::to_string(list.size()),
                            offset);
  }
  return list[static_cast<size_t>(position)];
}

Value NoSuchKey(const Value& key, int32_t offset) {
  return Value::MakeError(ErrorKind::kNoSuchKey,
                          "no such key: " + DebugString(key), offset);
}

}  // namespace

Value ApplyIndex(const Value& container, const Value& index, int32_t offset) {
  if (container.kind() == ValueKind::kList) {
    return ListIndex(container.list_value(), index, offset);
  }
  if (container.kind() == ValueKind::kMap) {
    const Value* found = container.map_value().Find(index);
    return found != nullptr ? *found : NoSuchKey(index, offset);
  }
  return Value::MakeError(
      ErrorKind::kNoMatchingOverload,
      "cannot index a value of type " + std::string(KindName(container.kind())),
      offset);
}

Value ApplySelect(const Value& operand, const Value& field, int32_t offset) {
  if (operand.kind() != ValueKind::kMap) {
    return Value::MakeError(ErrorKind::kNoSuchField,
                            "no field '" + field.string_value() +
                                "' on a value of type " +
                                std::string(KindName(operand.kind())),
                            offset);
  }
  const Value* found = operand.map_value().Find(field);
  return found != nullptr ? *found : NoSuchKey(field, offset);
}

Value ApplyHas(const Value& operand, const Value& field, int32_t offset) {
  if (operand.kind() != ValueKind::kMap) {
    return Value::MakeError(ErrorKind::kNoSuchField,
                            "has() needs a map, got a value of type " +
                                std::string(KindName(operand.kind())),
                            offset);
  }
  return Value::Bool(operand.map_value().Find(field) != nullptr);
}

}  // namespace bssflow::dsl

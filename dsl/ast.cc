#include "dsl/ast.h"

namespace bssflow::dsl {

const char* OperatorText(Operator op) {
  switch (op) {
    case Operator::kNone:
      return "";
    case Operator::kNot:
      return "!";
    case Operator::kNegate:
      return "-";
    case Operator::kAdd:
      return "+";
    case Operator::kSubtract:
      return "-";
    case Operator::kMultiply:
      return "*";
    case Operator::kDivide:
      return "/";
    case Operator::kModulo:
      return "%";
    case Operator::kEqual:
      return "==";
    case Operator::kNotEqual:
      return "!=";
    case Operator::kLess:
      return "<";
    case Operator::kLessEqual:
      return "<=";
    case Operator::kGreater:
      return ">";
    case Operator::kGreaterEqual:
      return ">=";
    case Operator::kIn:
      return "in";
  }
  return "";
}

const char* MacroName(Macro macro) {
  switch (macro) {
    case Macro::kNone:
      return "";
    case Macro::kAll:
      return "all";
    case Macro::kExists:
      return "exists";
    case Macro::kExistsOne:
      return "exists_one";
    case Macro::kMap:
      return "map";
    case Macro::kFilter:
      return "filter";
    case Macro::kTransformList:
      return "transformList";
    case Macro::kTransformMap:
      return "transformMap";
  }
  return "";
}

}  // namespace bssflow::dsl

// The error-message table of the grammar (grammar.h): one message per
// commit point, kept apart from the grammar and the actions. Included by
// parser.cc only.
#ifndef BSSFLOW_DSL_PARSER_ERRORS_H_
#define BSSFLOW_DSL_PARSER_ERRORS_H_

#include "dsl/grammar.h"

namespace bssflow::dsl {

// One message per commit point of the grammar. "{found}" is replaced by what
// stands at the error position ("')'", "end of input", ...).

template <typename Rule>
inline constexpr const char* kMessage = nullptr;

#define BSSFLOW_MESSAGE(rule, text) \
  template <>                       \
  inline constexpr const char* kMessage<rule> = text
BSSFLOW_MESSAGE(grammar::whole_expression,
                "expected an expression, found {found}");
BSSFLOW_MESSAGE(grammar::paren_content,
                "expected an expression after '(', found {found}");
BSSFLOW_MESSAGE(grammar::first_argument,
                "expected an argument or ')', found {found}");
BSSFLOW_MESSAGE(grammar::first_element,
                "expected a list element or ']', found {found}");
BSSFLOW_MESSAGE(grammar::next_element,
                "expected a list element after ',', found {found}");
BSSFLOW_MESSAGE(grammar::first_entry,
                "expected a map entry or '}', found {found}");
BSSFLOW_MESSAGE(grammar::next_entry,
                "expected a map entry after ',', found {found}");
BSSFLOW_MESSAGE(grammar::next_argument,
                "expected an argument after ',', found {found}");
BSSFLOW_MESSAGE(grammar::end_of_expression,
                "unexpected {found} after a complete expression");
BSSFLOW_MESSAGE(grammar::exponent_digits,
                "expected digits in the exponent, found {found}");
BSSFLOW_MESSAGE(grammar::hex_digits,
                "expected hex digits after '0x', found {found}");
BSSFLOW_MESSAGE(grammar::close_quote<'"'>,
                "unterminated string: expected a closing \" on the same line");
BSSFLOW_MESSAGE(grammar::close_quote<'\''>,
                "unterminated string: expected a closing ' on the same line");
BSSFLOW_MESSAGE(grammar::close_triple_quote<'"'>,
                "unterminated string: expected a closing \"\"\"");
BSSFLOW_MESSAGE(grammar::close_triple_quote<'\''>,
                "unterminated string: expected a closing '''");
BSSFLOW_MESSAGE(grammar::tok<grammar::close_args>,
                "expected ',' or ')' after a function argument, found {found}");
BSSFLOW_MESSAGE(grammar::tok<grammar::close_paren>,
                "expected ')' to close '(', found {found}");
BSSFLOW_MESSAGE(grammar::tok<grammar::close_list>,
                "expected ',' or ']' in the list, found {found}");
BSSFLOW_MESSAGE(grammar::tok<grammar::close_map>,
                "expected ',' or '}' in the map, found {found}");
BSSFLOW_MESSAGE(grammar::tok<grammar::map_colon>,
                "expected ':' after the map key, found {found}");
BSSFLOW_MESSAGE(grammar::map_value,
                "expected a value after ':', found {found}");
BSSFLOW_MESSAGE(grammar::field_name,
                "expected a field or method name after '.', found {found}");
BSSFLOW_MESSAGE(grammar::index_value,
                "expected an index after '[', found {found}");
BSSFLOW_MESSAGE(grammar::tok<grammar::close_index>,
                "expected ']' after the index, found {found}");
BSSFLOW_MESSAGE(grammar::not_operand,
                "expected an expression after '!', found {found}");
BSSFLOW_MESSAGE(grammar::negate_operand,
                "expected an expression after '-', found {found}");
BSSFLOW_MESSAGE(grammar::then_branch,
                "expected an expression after '?', found {found}");
BSSFLOW_MESSAGE(grammar::tok<grammar::colon>,
                "expected ':' in the conditional expression, found {found}");
BSSFLOW_MESSAGE(grammar::else_branch,
                "expected an expression after ':', found {found}");
#undef BSSFLOW_MESSAGE

template <typename Op>
inline constexpr const char* kOperandMessage = nullptr;
#define BSSFLOW_OPERAND(op, text)                    \
  template <>                                        \
  inline constexpr const char* kOperandMessage<op> = \
      "expected an expression after '" text "', found {found}"
BSSFLOW_OPERAND(grammar::multiply_op, "*");
BSSFLOW_OPERAND(grammar::divide_op, "/");
BSSFLOW_OPERAND(grammar::modulo_op, "%");
BSSFLOW_OPERAND(grammar::add_op, "+");
BSSFLOW_OPERAND(grammar::subtract_op, "-");
BSSFLOW_OPERAND(grammar::less_equal_op, "<=");
BSSFLOW_OPERAND(grammar::less_op, "<");
BSSFLOW_OPERAND(grammar::greater_equal_op, ">=");
BSSFLOW_OPERAND(grammar::greater_op, ">");
BSSFLOW_OPERAND(grammar::equal_op, "==");
BSSFLOW_OPERAND(grammar::not_equal_op, "!=");
BSSFLOW_OPERAND(grammar::in_op, "in");
BSSFLOW_OPERAND(grammar::and_op, "&&");
BSSFLOW_OPERAND(grammar::or_op, "||");
#undef BSSFLOW_OPERAND

template <typename Op, typename Operand>
inline constexpr const char* kMessage<grammar::operand_after<Op, Operand>> =
    kOperandMessage<Op>;

struct ErrorTable {
  template <typename Rule>
  static constexpr const char* message = kMessage<Rule>;
};

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_PARSER_ERRORS_H_

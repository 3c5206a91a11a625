// The PEGTL grammar of the expression language: CEL's syntax, one named rule
// per construct, lowest precedence first. Only the grammar lives here; the
// actions that build the syntax tree and the table of error messages are in
// parser.cc.
//
// Conventions: every token rule consumes the blanks and comments after it
// (tok<>), so a rule starts at a significant character. `must<>` marks the
// commit points: once an operator or an opening bracket has been read, what
// must follow is certain, and its absence is reported with a message.
#ifndef BSSFLOW_DSL_GRAMMAR_H_
#define BSSFLOW_DSL_GRAMMAR_H_

#include <tao/pegtl.hpp>

#include "dsl/ast.h"

static_assert(TAO_PEGTL_VERSION_MAJOR == 3 && TAO_PEGTL_VERSION_MINOR == 2,
              "bssflow pins PEGTL 3.2.x (Debian 12: tao-pegtl-dev 3.2.7)");

namespace bssflow::dsl::grammar {

namespace pegtl = tao::pegtl;

// ---- Blanks and comments --------------------------------------------------

/// `// ...` up to the end of the line.
struct line_comment : pegtl::seq<pegtl::two<'/'>, pegtl::until<pegtl::eolf>> {};
/// CEL's whitespace: space, tab, newline, carriage return, form feed.
struct blank : pegtl::one<' ', '\t', '\n', '\r', '\f'> {};
struct skip : pegtl::star<pegtl::sor<blank, line_comment>> {};
/// A token and the blanks after it.
template <typename Rule>
struct tok : pegtl::seq<Rule, skip> {};

// ---- Names ----------------------------------------------------------------

struct word_first : pegtl::ranges<'a', 'z', 'A', 'Z', '_'> {};
struct word_rest : pegtl::ranges<'a', 'z', 'A', 'Z', '0', '9', '_'> {};
struct word : pegtl::seq<word_first, pegtl::star<word_rest>> {};

/// Words that cannot name a variable or function (they may still follow a
/// '.' as a field or method name).
struct reserved_word
    : pegtl::sor<TAO_PEGTL_KEYWORD("true"), TAO_PEGTL_KEYWORD("false"),
                 TAO_PEGTL_KEYWORD("null"), TAO_PEGTL_KEYWORD("in"),
                 TAO_PEGTL_KEYWORD("as"), TAO_PEGTL_KEYWORD("break"),
                 TAO_PEGTL_KEYWORD("const"), TAO_PEGTL_KEYWORD("continue"),
                 TAO_PEGTL_KEYWORD("else"), TAO_PEGTL_KEYWORD("for"),
                 TAO_PEGTL_KEYWORD("function"), TAO_PEGTL_KEYWORD("if"),
                 TAO_PEGTL_KEYWORD("import"), TAO_PEGTL_KEYWORD("let"),
                 TAO_PEGTL_KEYWORD("loop"), TAO_PEGTL_KEYWORD("package"),
                 TAO_PEGTL_KEYWORD("namespace"), TAO_PEGTL_KEYWORD("return"),
                 TAO_PEGTL_KEYWORD("var"), TAO_PEGTL_KEYWORD("void"),
                 TAO_PEGTL_KEYWORD("while")> {};
struct identifier : pegtl::seq<pegtl::not_at<reserved_word>, word> {};
/// `a.`content-type`` : a field name that is not a word.
struct backtick_name
    : pegtl::seq<pegtl::one<'`'>, pegtl::plus<pegtl::not_one<'`', '\n', '\r'>>,
                 pegtl::one<'`'>> {};
struct field_name : pegtl::sor<word, backtick_name> {};

// ---- Literals ---------------------------------------------------------------

struct exponent_digits : pegtl::plus<pegtl::digit> {};
struct exponent
    : pegtl::seq<pegtl::one<'e', 'E'>, pegtl::opt<pegtl::one<'+', '-'>>,
                 pegtl::must<exponent_digits>> {};
/// 1.5, .5, 1.5e3, 1e3 (but not "1." : CEL needs a digit after the point).
struct double_literal
    : pegtl::sor<pegtl::seq<pegtl::star<pegtl::digit>, pegtl::one<'.'>,
                            pegtl::plus<pegtl::digit>, pegtl::opt<exponent>>,
                 pegtl::seq<pegtl::plus<pegtl::digit>, exponent>> {};
struct hex_digits : pegtl::plus<pegtl::xdigit> {};
struct hex_number : pegtl::seq<pegtl::one<'0'>, pegtl::one<'x', 'X'>,
                               pegtl::must<hex_digits>> {};
struct int_number : pegtl::sor<hex_number, pegtl::plus<pegtl::digit>> {};
struct uint_literal : pegtl::seq<int_number, pegtl::one<'u', 'U'>> {};
struct int_literal : int_number {};
struct number_literal
    : pegtl::seq<pegtl::sor<double_literal, uint_literal, int_literal>,
                 pegtl::not_at<word_rest>> {};

template <char Q>
struct close_quote : pegtl::one<Q> {};
template <char Q>
struct close_triple_quote : pegtl::three<Q> {};
struct escape : pegtl::seq<pegtl::one<'\\'>, pegtl::any> {};
/// '...' or "..." on one line; escapes are decoded by the action.
template <char Q>
struct quoted
    : pegtl::seq<
          pegtl::one<Q>,
          pegtl::star<pegtl::sor<escape, pegtl::not_one<Q, '\\', '\n', '\r'>>>,
          pegtl::must<close_quote<Q>>> {};
template <char Q>
struct raw_quoted
    : pegtl::seq<pegtl::one<Q>, pegtl::star<pegtl::not_one<Q, '\n', '\r'>>,
                 pegtl::must<close_quote<Q>>> {};
/// '''...''' or """...""", may span lines.
template <char Q>
struct triple_quoted : pegtl::seq<pegtl::three<Q>,
                                  pegtl::star<pegtl::not_at<pegtl::three<Q>>,
                                              pegtl::sor<escape, pegtl::any>>,
                                  pegtl::must<close_triple_quote<Q>>> {};
template <char Q>
struct raw_triple_quoted
    : pegtl::seq<pegtl::three<Q>,
                 pegtl::star<pegtl::not_at<pegtl::three<Q>>, pegtl::any>,
                 pegtl::must<close_triple_quote<Q>>> {};
struct cooked_body : pegtl::sor<triple_quoted<'"'>, triple_quoted<'\''>,
                                quoted<'"'>, quoted<'\''>> {};
struct raw_body : pegtl::sor<raw_triple_quoted<'"'>, raw_triple_quoted<'\''>,
                             raw_quoted<'"'>, raw_quoted<'\''>> {};
struct raw_prefix : pegtl::one<'r', 'R'> {};
struct bytes_prefix : pegtl::one<'b', 'B'> {};
/// Strings and bytes with every CEL prefix: "", r"", b"", br"", rb"".
struct string_literal
    : pegtl::sor<pegtl::seq<bytes_prefix, raw_prefix, raw_body>,
                 pegtl::seq<raw_prefix, bytes_prefix, raw_body>,
                 pegtl::seq<bytes_prefix, cooked_body>,
                 pegtl::seq<raw_prefix, raw_body>, cooked_body> {};

struct true_literal : TAO_PEGTL_KEYWORD("true") {};
struct false_literal : TAO_PEGTL_KEYWORD("false") {};
struct null_literal : TAO_PEGTL_KEYWORD("null") {};
struct literal : pegtl::sor<number_literal, string_literal, true_literal,
                            false_literal, null_literal> {};

// ---- Expressions ------------------------------------------------------------

/// Rules derived from this one enter a deeper level of the expression; the
/// parser counts them against Limits::max_nesting_depth.
struct counts_nesting {};

struct expr;

struct comma : tok<pegtl::one<','>> {};
struct open_args : pegtl::one<'('> {};
struct close_args : pegtl::one<')'> {};
/// (a, b, c) after a function or method name.
// A rule with an error message raises whenever it fails (pegtl::must_if),
// so the "is it closed already?" tests below use message-less copies of the
// closing tokens, and the elements after a comma are rules of their own.
struct first_argument;
struct next_argument;
struct no_arguments : tok<close_args> {};
/// (a, b, c) after a function or method name.
struct call_args
    : pegtl::seq<
          tok<open_args>,
          pegtl::sor<no_arguments, pegtl::seq<first_argument,
                                              pegtl::star<comma, next_argument>,
                                              pegtl::must<tok<close_args>>>>> {
};

struct leading_dot : pegtl::one<'.'> {};
/// f(x), .f(x)
struct global_call
    : pegtl::seq<pegtl::opt<leading_dot>, identifier, skip, call_args> {};
/// x, .x
struct variable : pegtl::seq<pegtl::opt<leading_dot>, identifier> {};

struct open_paren : pegtl::one<'('> {};
struct close_paren : pegtl::one<')'> {};
struct paren_content;
struct parenthesized : pegtl::seq<tok<open_paren>, pegtl::must<paren_content>,
                                  pegtl::must<tok<close_paren>>> {};

struct open_list : pegtl::one<'['> {};
struct close_list : pegtl::one<']'> {};
struct empty_list_end : tok<close_list> {};
struct first_element;
struct next_element;
/// [a, b, c], a trailing comma allowed.
struct list_literal
    : pegtl::seq<
          tok<open_list>,
          pegtl::sor<
              empty_list_end,
              pegtl::seq<first_element,
                         pegtl::star<comma, pegtl::sor<pegtl::at<close_list>,
                                                       next_element>>,
                         pegtl::must<tok<close_list>>>>> {};

struct open_map : pegtl::one<'{'> {};
struct close_map : pegtl::one<'}'> {};
struct map_colon : pegtl::one<':'> {};
struct map_value;
struct map_entry
    : pegtl::seq<expr, pegtl::must<tok<map_colon>>, pegtl::must<map_value>> {};
struct empty_map_end : tok<close_map> {};
struct first_entry : map_entry {};
struct next_entry : map_entry {};
/// {k: v, ...}, a trailing comma allowed.
struct map_literal
    : pegtl::seq<
          tok<open_map>,
          pegtl::sor<
              empty_map_end,
              pegtl::seq<first_entry,
                         pegtl::star<comma, pegtl::sor<pegtl::at<close_map>,
                                                       next_entry>>,
                         pegtl::must<tok<close_map>>>>> {};

struct primary : pegtl::sor<literal, global_call, variable, parenthesized,
                            list_literal, map_literal> {};

struct member_dot : pegtl::one<'.'> {};
struct dot_field : pegtl::seq<tok<member_dot>, pegtl::must<field_name>, skip> {
};
/// x.f(args)
struct method_call : pegtl::seq<dot_field, call_args> {};
/// x.f
struct field_select : dot_field {};
struct open_index : pegtl::one<'['> {};
struct close_index : pegtl::one<']'> {};
struct index_value;
/// x[i]
struct index_access : pegtl::seq<tok<open_index>, pegtl::must<index_value>,
                                 pegtl::must<tok<close_index>>> {};
struct member
    : pegtl::seq<
          tok<primary>,
          pegtl::star<pegtl::sor<method_call, field_select, index_access>>> {};

struct not_operator
    : pegtl::seq<pegtl::one<'!'>, pegtl::not_at<pegtl::one<'='>>> {};
struct negate_operator : pegtl::one<'-'> {};
struct not_operand : member {};
struct negate_operand : member {};
/// !x, !!x, ...
struct not_expr
    : pegtl::seq<pegtl::plus<tok<not_operator>>, pegtl::must<not_operand>> {};
/// -x, --x, ... ; a '-' right before an int literal is part of the literal.
struct negate_expr : pegtl::seq<pegtl::plus<tok<negate_operator>>,
                                pegtl::must<negate_operand>> {};
struct unary : pegtl::sor<not_expr, negate_expr, member> {};

/// A binary operator token that yields `Op`.
template <Operator Op, typename Match>
struct binary_operator : Match {
  static constexpr Operator kOperator = Op;
};
using multiply_op = binary_operator<Operator::kMultiply, pegtl::one<'*'>>;
using divide_op = binary_operator<Operator::kDivide, pegtl::one<'/'>>;
using modulo_op = binary_operator<Operator::kModulo, pegtl::one<'%'>>;
using add_op = binary_operator<Operator::kAdd, pegtl::one<'+'>>;
using subtract_op = binary_operator<Operator::kSubtract, pegtl::one<'-'>>;
using less_equal_op =
    binary_operator<Operator::kLessEqual, pegtl::string<'<', '='>>;
using less_op = binary_operator<Operator::kLess, pegtl::one<'<'>>;
using greater_equal_op =
    binary_operator<Operator::kGreaterEqual, pegtl::string<'>', '='>>;
using greater_op = binary_operator<Operator::kGreater, pegtl::one<'>'>>;
using equal_op = binary_operator<Operator::kEqual, pegtl::string<'=', '='>>;
using not_equal_op =
    binary_operator<Operator::kNotEqual, pegtl::string<'!', '='>>;
using in_op = binary_operator<Operator::kIn, TAO_PEGTL_KEYWORD("in")>;
// && and || are not binary_operator: they build kAnd / kOr nodes.
struct and_op : pegtl::two<'&'> {};
struct or_op : pegtl::two<'|'> {};

/// The right operand of operator Op: a distinct rule, so that its absence
/// names the operator in the error message.
template <typename Op, typename Operand>
struct operand_after : Operand {};
/// `op operand` after a left operand; the action folds it to the left.
template <typename Op, typename Operand>
struct binary_tail
    : pegtl::seq<tok<Op>, pegtl::must<operand_after<Op, Operand>>> {};

struct multiplication
    : pegtl::seq<unary,
                 pegtl::star<pegtl::sor<binary_tail<multiply_op, unary>,
                                        binary_tail<divide_op, unary>,
                                        binary_tail<modulo_op, unary>>>> {};
struct addition
    : pegtl::seq<
          multiplication,
          pegtl::star<pegtl::sor<binary_tail<add_op, multiplication>,
                                 binary_tail<subtract_op, multiplication>>>> {};
struct relation
    : pegtl::seq<addition,
                 pegtl::star<pegtl::sor<binary_tail<less_equal_op, addition>,
                                        binary_tail<less_op, addition>,
                                        binary_tail<greater_equal_op, addition>,
                                        binary_tail<greater_op, addition>,
                                        binary_tail<equal_op, addition>,
                                        binary_tail<not_equal_op, addition>,
                                        binary_tail<in_op, addition>>>> {};
struct conditional_and
    : pegtl::seq<relation, pegtl::star<binary_tail<and_op, relation>>> {};
struct conditional_or
    : pegtl::seq<conditional_and,
                 pegtl::star<binary_tail<or_op, conditional_and>>> {};

struct question : pegtl::one<'?'> {};
struct colon : pegtl::one<':'> {};
struct then_branch : conditional_or {};
struct else_branch;
/// `? a : b` after a condition.
struct conditional_tail
    : pegtl::seq<tok<question>, pegtl::must<then_branch>,
                 pegtl::must<tok<colon>>, pegtl::must<else_branch>> {};

struct expr : pegtl::seq<conditional_or, pegtl::opt<conditional_tail>>,
              counts_nesting {};
// Distinct names for `expr` where one must follow, so that each absence has
// its own message. (A rule with a message always raises when it fails, so
// plain `expr`, which may fail harmlessly in lists, has none.)
struct else_branch : expr {};
struct first_argument : expr {};
struct next_argument : expr {};
struct first_element : expr {};
struct next_element : expr {};
struct paren_content : expr {};
struct whole_expression : expr {};
struct map_value : expr {};
struct index_value : expr {};

struct end_of_expression : pegtl::eof {};
/// A whole expression: blanks, the expression, nothing after it.
struct expression : pegtl::seq<skip, pegtl::must<whole_expression>,
                               pegtl::must<end_of_expression>> {};

}  // namespace bssflow::dsl::grammar

#endif  // BSSFLOW_DSL_GRAMMAR_H_

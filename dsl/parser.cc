#include "dsl/parser.h"

#include <string>
#include <type_traits>
#include <utility>

#include "dsl/grammar.h"
#include "dsl/literals.h"
#include "dsl/parser_errors.h"

namespace bssflow::dsl {

namespace pegtl = tao::pegtl;
namespace g = grammar;

// ---- Parse state ------------------------------------------------------------

namespace {

/// A syntax error found by an action (the grammar's own errors are
/// pegtl::parse_error).
struct SyntaxError {
  int32_t offset;
  std::string message;
};

struct ParseState {
  const char* begin;
  const Limits& limits;
  std::vector<NodePtr> stack;
  std::vector<size_t> marks;  // stack sizes where argument lists began
  // Levels entered; the whole expression is level 0, so `(((1)))` nests 3.
  int nesting = -1;

  template <typename Input>
  int32_t OffsetOf(const Input& in) const {
    return static_cast<int32_t>(in.begin() - begin);
  }

  NodePtr Pop() {
    NodePtr node = std::move(stack.back());
    stack.pop_back();
    return node;
  }

  // Everything pushed since the last mark, which is removed.
  std::vector<NodePtr> PopToMark() {
    size_t mark = marks.back();
    marks.pop_back();
    std::vector<NodePtr> items;
    for (size_t i = mark; i < stack.size(); ++i) {
      items.push_back(std::move(stack[i]));
    }
    stack.resize(mark);
    return items;
  }

  NodePtr Make(NodeKind kind, int32_t offset,
               std::vector<NodePtr> children = {}) {
    auto node = std::make_unique<Node>();
    node->kind = kind;
    node->offset = offset;
    int32_t depth = 0;
    for (const NodePtr& child : children) depth = std::max(depth, child->depth);
    node->depth = depth + 1;
    if (node->depth > limits.max_ast_depth) {
      throw SyntaxError{offset, "expression is too deeply nested (more than " +
                                    std::to_string(limits.max_ast_depth) +
                                    " levels)"};
    }
    node->children = std::move(children);
    return node;
  }

  void Push(NodePtr node) { stack.push_back(std::move(node)); }
};

template <typename... Nodes>
std::vector<NodePtr> Children(Nodes... nodes) {
  std::vector<NodePtr> out;
  (out.push_back(std::move(nodes)), ...);
  return out;
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_';
}

// Skips blanks and // comments from `pos`.
size_t SkipBlanks(std::string_view text, size_t pos) {
  while (pos < text.size()) {
    char c = text[pos];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++pos;
    } else if (c == '/' && pos + 1 < text.size() && text[pos + 1] == '/') {
      while (pos < text.size() && text[pos] != '\n') ++pos;
    } else {
      break;
    }
  }
  return pos;
}

// The name at text[pos]: a word, or a `backtick` name without its ticks.
std::string NameAt(std::string_view text, size_t pos) {
  if (pos < text.size() && text[pos] == '`') {
    size_t end = text.find('`', pos + 1);
    return std::string(text.substr(pos + 1, end - pos - 1));
  }
  size_t end = pos;
  while (end < text.size() && IsWordChar(text[end])) ++end;
  return std::string(text.substr(pos, end - pos));
}

// How many `op` characters start `text` (blanks and comments between them).
int CountLeading(std::string_view text, char op) {
  int count = 0;
  size_t pos = 0;
  while ((pos = SkipBlanks(text, pos)) < text.size() && text[pos] == op) {
    ++count;
    ++pos;
  }
  return count;
}

// ---- Actions ----------------------------------------------------------------

template <typename Rule>
struct Action : pegtl::nothing<Rule> {};

template <>
struct Action<g::double_literal> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    double value = 0;
    if (!DecodeDouble(in.string_view(), value)) {
      throw SyntaxError{st.OffsetOf(in), "double literal is out of range"};
    }
    NodePtr node = st.Make(NodeKind::kLiteral, st.OffsetOf(in));
    node->literal = Value::Double(value);
    st.Push(std::move(node));
  }
};

template <>
struct Action<g::uint_literal> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    std::string_view text = in.string_view();
    uint64_t value = 0;
    if (!DecodeUnsigned(text.substr(0, text.size() - 1), value)) {
      throw SyntaxError{st.OffsetOf(in),
                        "uint literal is out of range (largest is "
                        "18446744073709551615u)"};
    }
    NodePtr node = st.Make(NodeKind::kLiteral, st.OffsetOf(in));
    node->literal = Value::Uint(value);
    st.Push(std::move(node));
  }
};

constexpr uint64_t kIntMinMagnitude = uint64_t{1} << 63;
constexpr const char* kIntRangeMessage =
    "int literal is out of range (ints go from -9223372036854775808 to "
    "9223372036854775807)";

template <>
struct Action<g::int_literal> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    uint64_t value = 0;
    if (!DecodeUnsigned(in.string_view(), value) || value > kIntMinMagnitude) {
      throw SyntaxError{st.OffsetOf(in), kIntRangeMessage};
    }
    NodePtr node = st.Make(NodeKind::kLiteral, st.OffsetOf(in));
    // 2^63 is only valid under a minus sign; the negation action folds it,
    // and the parser rejects it if it is left as it is.
    node->literal = value == kIntMinMagnitude
                        ? Value::Uint(value)
                        : Value::Int(static_cast<int64_t>(value));
    node->negatable_literal = true;
    st.Push(std::move(node));
  }
};

template <>
struct Action<g::string_literal> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    LiteralResult decoded = DecodeStringLiteral(in.string_view());
    if (!decoded.ok) {
      throw SyntaxError{st.OffsetOf(in) + decoded.error_offset, decoded.error};
    }
    NodePtr node = st.Make(NodeKind::kLiteral, st.OffsetOf(in));
    node->literal = std::move(decoded.value);
    st.Push(std::move(node));
  }
};

template <typename Rule, bool kValue>
struct BoolAction {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    NodePtr node = st.Make(NodeKind::kLiteral, st.OffsetOf(in));
    node->literal = Value::Bool(kValue);
    st.Push(std::move(node));
  }
};
template <>
struct Action<g::true_literal> : BoolAction<g::true_literal, true> {};
template <>
struct Action<g::false_literal> : BoolAction<g::false_literal, false> {};

template <>
struct Action<g::null_literal> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.Push(st.Make(NodeKind::kLiteral, st.OffsetOf(in)));
  }
};

template <>
struct Action<g::variable> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    std::string_view text = in.string_view();
    size_t at = text[0] == '.' ? 1 : 0;
    NodePtr node =
        st.Make(NodeKind::kIdent, st.OffsetOf(in) + static_cast<int32_t>(at));
    node->name = std::string(text.substr(at));
    node->root_scope = at == 1;
    st.Push(std::move(node));
  }
};

template <>
struct Action<g::open_args> {
  template <typename Input>
  static void apply(const Input&, ParseState& st) {
    st.marks.push_back(st.stack.size());
  }
};
template <>
struct Action<g::open_list> : Action<g::open_args> {};
template <>
struct Action<g::open_map> : Action<g::open_args> {};

NodePtr MakeHas(ParseState& st, int32_t offset, std::vector<NodePtr> args) {
  if (args.size() != 1 || args[0]->kind != NodeKind::kSelect) {
    throw SyntaxError{
        offset, "has() takes one field selection, as in has(account.phone)"};
  }
  NodePtr select = std::move(args[0]);
  NodePtr node = st.Make(NodeKind::kHas, offset, std::move(select->children));
  node->name = std::move(select->name);
  return node;
}

template <>
struct Action<g::global_call> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    std::string_view text = in.string_view();
    size_t at = text[0] == '.' ? 1 : 0;
    int32_t offset = st.OffsetOf(in) + static_cast<int32_t>(at);
    std::string name = NameAt(text, at);
    std::vector<NodePtr> args = st.PopToMark();
    if (name == "has") {
      st.Push(MakeHas(st, offset, std::move(args)));
      return;
    }
    NodePtr node = st.Make(NodeKind::kCall, offset, std::move(args));
    node->name = std::move(name);
    st.Push(std::move(node));
  }
};

// The macro that `name` with `arg_count` arguments denotes, and how many of
// the arguments name variables (1 or 2).
std::pair<Macro, size_t> MacroFor(std::string_view name, size_t arg_count) {
  bool quantifier_arity = arg_count == 2 || arg_count == 3;
  size_t vars = arg_count == 3 ? 2 : 1;
  if (quantifier_arity) {
    if (name == "all") return {Macro::kAll, vars};
    if (name == "exists") return {Macro::kExists, vars};
    if (name == "exists_one" || name == "existsOne")
      return {Macro::kExistsOne, vars};
  }
  if (name == "filter" && arg_count == 2) return {Macro::kFilter, 1};
  if (name == "map" && (arg_count == 2 || arg_count == 3))
    return {Macro::kMap, 1};
  if (arg_count == 3 || arg_count == 4) {
    if (name == "transformList") return {Macro::kTransformList, 2};
    if (name == "transformMap") return {Macro::kTransformMap, 2};
  }
  return {Macro::kNone, 0};
}

// range.macro(var, ...) -> a comprehension node.
NodePtr MakeComprehension(ParseState& st, Macro macro, size_t vars,
                          int32_t offset, NodePtr range,
                          std::vector<NodePtr> args) {
  for (size_t i = 0; i < vars; ++i) {
    if (args[i]->kind != NodeKind::kIdent) {
      throw SyntaxError{args[i]->offset,
                        std::string("argument ") + std::to_string(i + 1) +
                            " of " + MacroName(macro) +
                            "() must be a variable name, as in " +
                            "list.exists(x, x > 0)"};
    }
  }
  if (vars == 2 && args[0]->name == args[1]->name) {
    throw SyntaxError{args[1]->offset, std::string("the two variables of ") +
                                           MacroName(macro) +
                                           "() need different names"};
  }
  std::string variable = args[0]->name;
  std::string second = vars == 2 ? args[1]->name : "";
  std::vector<NodePtr> children;
  children.push_back(std::move(range));
  for (size_t i = vars; i < args.size(); ++i)
    children.push_back(std::move(args[i]));
  NodePtr node = st.Make(NodeKind::kComprehension, offset, std::move(children));
  node->macro = macro;
  node->name = std::move(variable);
  node->second_name = std::move(second);
  return node;
}

template <>
struct Action<g::method_call> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    std::string_view text = in.string_view();
    size_t at = SkipBlanks(text, 1);
    int32_t offset = st.OffsetOf(in) + static_cast<int32_t>(at);
    std::string name = NameAt(text, at);
    std::vector<NodePtr> args = st.PopToMark();
    NodePtr receiver = st.Pop();
    auto [macro, vars] = MacroFor(name, args.size());
    if (macro != Macro::kNone) {
      st.Push(MakeComprehension(st, macro, vars, offset, std::move(receiver),
                                std::move(args)));
      return;
    }
    std::vector<NodePtr> children;
    children.push_back(std::move(receiver));
    for (NodePtr& arg : args) children.push_back(std::move(arg));
    NodePtr node = st.Make(NodeKind::kCall, offset, std::move(children));
    node->name = std::move(name);
    node->receiver_call = true;
    st.Push(std::move(node));
  }
};

template <>
struct Action<g::field_select> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    std::string_view text = in.string_view();
    size_t at = SkipBlanks(text, 1);
    NodePtr node =
        st.Make(NodeKind::kSelect, st.OffsetOf(in) + static_cast<int32_t>(at),
                Children(st.Pop()));
    node->name = NameAt(text, at);
    st.Push(std::move(node));
  }
};

template <>
struct Action<g::index_access> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    NodePtr index = st.Pop();
    NodePtr target = st.Pop();
    st.Push(st.Make(NodeKind::kIndex, st.OffsetOf(in),
                    Children(std::move(target), std::move(index))));
  }
};

template <>
struct Action<g::parenthesized> {
  template <typename Input>
  static void apply(const Input&, ParseState& st) {
    st.stack.back()->parenthesized = true;
  }
};

template <>
struct Action<g::list_literal> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.Push(st.Make(NodeKind::kList, st.OffsetOf(in), st.PopToMark()));
  }
};

template <>
struct Action<g::map_literal> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    st.Push(st.Make(NodeKind::kMap, st.OffsetOf(in), st.PopToMark()));
  }
};

template <>
struct Action<g::not_expr> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    int count = CountLeading(in.string_view(), '!');
    NodePtr node = st.Pop();
    for (int i = 0; i < count; ++i) {
      node =
          st.Make(NodeKind::kUnary, st.OffsetOf(in), Children(std::move(node)));
      node->op = Operator::kNot;
    }
    st.Push(std::move(node));
  }
};

template <>
struct Action<g::negate_expr> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    int count = CountLeading(in.string_view(), '-');
    NodePtr node = st.Pop();
    // CEL reads "-9223372036854775808" as one literal, so the minus nearest
    // an int literal belongs to the literal.
    if (node->kind == NodeKind::kLiteral && node->negatable_literal &&
        !node->parenthesized) {
      const Value& v = node->literal;
      node->literal = v.kind() == ValueKind::kUint ? Value::Int(INT64_MIN)
                                                   : Value::Int(-v.int_value());
      node->negatable_literal = false;
      node->offset = st.OffsetOf(in);
      --count;
    }
    for (int i = 0; i < count; ++i) {
      node =
          st.Make(NodeKind::kUnary, st.OffsetOf(in), Children(std::move(node)));
      node->op = Operator::kNegate;
    }
    st.Push(std::move(node));
  }
};

template <typename Op, typename Operand>
struct Action<g::binary_tail<Op, Operand>> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    NodePtr right = st.Pop();
    NodePtr left = st.Pop();
    NodeKind kind = std::is_same_v<Op, g::and_op>  ? NodeKind::kAnd
                    : std::is_same_v<Op, g::or_op> ? NodeKind::kOr
                                                   : NodeKind::kBinary;
    NodePtr node = st.Make(kind, st.OffsetOf(in),
                           Children(std::move(left), std::move(right)));
    if constexpr (!std::is_same_v<Op, g::and_op> &&
                  !std::is_same_v<Op, g::or_op>) {
      node->op = Op::kOperator;
    }
    st.Push(std::move(node));
  }
};

template <>
struct Action<g::conditional_tail> {
  template <typename Input>
  static void apply(const Input& in, ParseState& st) {
    NodePtr otherwise = st.Pop();
    NodePtr then = st.Pop();
    NodePtr condition = st.Pop();
    st.Push(st.Make(
        NodeKind::kConditional, st.OffsetOf(in),
        Children(std::move(condition), std::move(then), std::move(otherwise))));
  }
};

// ---- Control: error messages and the nesting limit -------------------------

template <typename Rule>
struct Control : pegtl::must_if<ErrorTable>::control<Rule> {
  using Base = typename pegtl::must_if<ErrorTable>::template control<Rule>;
  static constexpr bool kNests = std::is_base_of_v<g::counts_nesting, Rule>;

  template <typename Input>
  static void start(const Input& in, ParseState& st) {
    if constexpr (kNests) {
      if (++st.nesting > st.limits.max_nesting_depth) {
        throw SyntaxError{static_cast<int32_t>(in.current() - st.begin),
                          "expression nests more than " +
                              std::to_string(st.limits.max_nesting_depth) +
                              " levels deep"};
      }
    }
  }
  template <typename Input>
  static void success(const Input&, ParseState& st) {
    if constexpr (kNests) --st.nesting;
  }
  template <typename Input>
  static void failure(const Input& in, ParseState& st) {
    if constexpr (kNests) --st.nesting;
    Base::failure(in, st);
  }
};

// ---- Messages
// -----------------------------------------------------------------

// What stands at `offset`, for "found {found}".
std::string Found(std::string_view text, size_t offset) {
  if (offset >= text.size()) return "end of input";
  char c = text[offset];
  if (c == '\n' || c == '\r') return "end of line";
  for (std::string_view op : {"||", "&&", "==", "!=", "<=", ">="}) {
    if (text.substr(offset, 2) == op) return "'" + std::string(op) + "'";
  }
  size_t end = offset + 1;
  if (IsWordChar(c)) {
    while (end < text.size() && IsWordChar(text[end])) ++end;
  } else {
    while (end < text.size() &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      ++end;
    }
  }
  return "'" + std::string(text.substr(offset, end - offset)) + "'";
}

// A word CEL reserves (grammar::reserved_word) where a name was expected:
// the message would otherwise read as if the word were not there.
std::string ReservedWordHint(std::string_view text, size_t offset) {
  size_t end = offset;
  while (end < text.size() && IsWordChar(text[end])) ++end;
  std::string_view word = text.substr(offset, end - offset);
  for (std::string_view reserved :
       {"in", "as", "break", "const", "continue", "else", "for", "function",
        "if", "import", "let", "loop", "package", "namespace", "return", "var",
        "void", "while"}) {
    if (word == reserved) {
      return "; '" + std::string(word) +
             "' is a reserved word, which cannot name a variable";
    }
  }
  return "";
}

std::string Hint(std::string_view text, size_t offset) {
  if (offset >= text.size()) return "";
  if (IsWordChar(text[offset])) return ReservedWordHint(text, offset);
  if (offset + 1 < text.size() && text[offset + 1] == text[offset]) return "";
  switch (text[offset]) {
    case '=':
      return "; did you mean '=='?";
    case '&':
      return "; did you mean '&&'?";
    case '|':
      return "; did you mean '||'?";
    default:
      return "";
  }
}

std::string ExpandMessage(std::string message, std::string_view text,
                          size_t offset) {
  size_t at = message.find("{found}");
  if (at == std::string::npos) return message;
  message.replace(at, 7, Found(text, offset));
  return message + Hint(text, offset);
}

// 2^63 without a minus sign in front survives as a uint literal.
const Node* FindUnnegatedIntMin(const Node& node) {
  if (node.kind == NodeKind::kLiteral && node.negatable_literal &&
      node.literal.kind() == ValueKind::kUint) {
    return &node;
  }
  for (const NodePtr& child : node.children) {
    if (const Node* found = FindUnnegatedIntMin(*child)) return found;
  }
  return nullptr;
}

// The first byte of `text` that is not part of valid UTF-8, or npos.
size_t FirstInvalidUtf8(std::string_view text) {
  if (IsValidUtf8(text)) return std::string_view::npos;
  size_t lo = 0, hi = text.size();
  // The shortest invalid prefix ends at the bad byte (within 3 bytes).
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (IsValidUtf8(text.substr(0, mid + 1))) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  while (lo > 0 && (static_cast<unsigned char>(text[lo]) & 0xC0) == 0x80) --lo;
  return lo;
}

}  // namespace

ParseResult Parse(const Source& source, const Limits& limits) {
  ParseResult result;
  std::string_view text = source.text;
  auto fail = [&](size_t offset, std::string message) {
    result.diagnostics.push_back(
        {static_cast<int32_t>(offset), std::move(message)});
    return std::move(result);
  };
  if (text.size() > limits.max_expression_length) {
    return fail(0, "expression is " + std::to_string(text.size()) +
                       " bytes long; the limit is " +
                       std::to_string(limits.max_expression_length));
  }
  if (size_t bad = FirstInvalidUtf8(text); bad != std::string_view::npos) {
    return fail(bad, "expression is not valid UTF-8");
  }
  ParseState state{text.data(), limits, {}, {}};
  try {
    pegtl::memory_input<pegtl::tracking_mode::lazy> in(text.data(), text.size(),
                                                       source.name);
    pegtl::parse<g::expression, Action, Control>(in, state);
  } catch (const pegtl::parse_error& e) {
    size_t offset = e.positions().empty() ? 0 : e.positions().front().byte;
    return fail(offset, ExpandMessage(std::string(e.message()), text, offset));
  } catch (const SyntaxError& e) {
    return fail(static_cast<size_t>(e.offset), e.message);
  }
  NodePtr root = state.Pop();
  if (const Node* bad = FindUnnegatedIntMin(*root)) {
    return fail(static_cast<size_t>(bad->offset),
                "int literal is out of range (largest is 9223372036854775807)");
  }
  result.root = std::move(root);
  return result;
}

}  // namespace bssflow::dsl

#include "dsl/regex.h"

#include <re2/re2.h>

#include <algorithm>
#include <bitset>
#include <map>
#include <optional>

namespace bssflow::dsl {

namespace {

using CharSet = std::bitset<128>;

constexpr size_t kMaxNfaStates = 1000;
constexpr size_t kMaxDfaStates = 256;
constexpr int kMaxRepeat = 64;

constexpr uint32_t kAccepting = 0x1;
constexpr uint32_t kDead = 0x2;
constexpr uint32_t kBail = 0x4;
constexpr uint32_t kFlags = kAccepting | kDead | kBail;

// The syntax tree of a pattern in the supported subset.
struct RegexNode {
  enum Kind { kSet, kConcat, kAlternation, kRepeat } kind = kConcat;
  CharSet set;
  std::vector<RegexNode> children;
  int min = 0, max = 0;  // kRepeat; max -1 = unbounded
};

CharSet Range(char lo, char hi) {
  CharSet s;
  for (int c = lo; c <= hi; ++c) s.set(static_cast<size_t>(c));
  return s;
}

CharSet Digits() { return Range('0', '9'); }
CharSet WordChars() {
  return Range('0', '9') | Range('a', 'z') | Range('A', 'Z') | Range('_', '_');
}
CharSet Spaces() {
  CharSet s;
  for (char c : {'\t', '\n', '\f', '\r', ' '}) s.set(static_cast<size_t>(c));
  return s;
}

bool IsPunctuation(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') ||
         (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
}

// Parses the subset; std::nullopt for anything outside it (RE2 then handles
// the pattern alone).
class SubsetParser {
 public:
  explicit SubsetParser(std::string_view pattern) : p_(pattern) {}

  std::optional<RegexNode> Parse() {
    std::optional<RegexNode> node = Alternation();
    if (!node || pos_ != p_.size()) return std::nullopt;
    return node;
  }

 private:
  bool AtEnd() const { return pos_ >= p_.size(); }
  char Peek() const { return p_[pos_]; }

  std::optional<RegexNode> Alternation() {
    RegexNode alt;
    alt.kind = RegexNode::kAlternation;
    while (true) {
      std::optional<RegexNode> branch = Concatenation();
      if (!branch) return std::nullopt;
      alt.children.push_back(std::move(*branch));
      if (AtEnd() || Peek() != '|') break;
      ++pos_;
    }
    if (alt.children.size() == 1) return std::move(alt.children[0]);
    return alt;
  }

  std::optional<RegexNode> Concatenation() {
    RegexNode concat;
    while (!AtEnd() && Peek() != '|' && Peek() != ')') {
      std::optional<RegexNode> atom = Atom();
      if (!atom) return std::nullopt;
      if (!Quantify(*atom)) return std::nullopt;
      concat.children.push_back(std::move(*atom));
    }
    return concat;
  }

  bool Quantify(RegexNode& atom) {
    if (AtEnd()) return true;
    int min, max;
    char c = Peek();
    if (c == '*') {
      min = 0;
      max = -1;
      ++pos_;
    } else if (c == '+') {
      min = 1;
      max = -1;
      ++pos_;
    } else if (c == '?') {
      min = 0;
      max = 1;
      ++pos_;
    } else if (c == '{') {
      if (!Counted(min, max)) return false;
    } else
      return true;
    if (!AtEnd() && Peek() == '?') ++pos_;  // lazy: same set of matches
    if (!AtEnd() &&
        (Peek() == '*' || Peek() == '+' || Peek() == '?' || Peek() == '{')) {
      return false;
    }
    RegexNode repeat;
    repeat.kind = RegexNode::kRepeat;
    repeat.min = min;
    repeat.max = max;
    repeat.children.push_back(std::move(atom));
    atom = std::move(repeat);
    return true;
  }

  // {n}, {n,}, {n,m}
  bool Counted(int& min, int& max) {
    size_t close = p_.find('}', pos_);
    if (close == std::string_view::npos) return false;
    std::string_view body = p_.substr(pos_ + 1, close - pos_ - 1);
    size_t comma = body.find(',');
    auto number = [](std::string_view digits, int& out) {
      if (digits.empty() || digits.size() > 3) return false;
      out = 0;
      for (char d : digits) {
        if (d < '0' || d > '9') return false;
        out = out * 10 + (d - '0');
      }
      return true;
    };
    if (!number(body.substr(0, comma), min)) return false;
    if (comma == std::string_view::npos) {
      max = min;
    } else if (comma + 1 == body.size()) {
      max = -1;
    } else if (!number(body.substr(comma + 1), max)) {
      return false;
    }
    if (min > kMaxRepeat || max > kMaxRepeat || (max >= 0 && max < min))
      return false;
    pos_ = close + 1;
    return true;
  }

  std::optional<RegexNode> Atom() {
    char c = Peek();
    RegexNode node;
    node.kind = RegexNode::kSet;
    switch (c) {
      case '(':
        return Group();
      case '[':
        return Class();
      case '.':
        ++pos_;
        node.set = CharSet().set();
        node.set.reset('\n');
        return node;
      case '\\': {
        std::optional<CharSet> set = Escape(false);
        if (!set) return std::nullopt;
        node.set = *set;
        return node;
      }
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case ']':
      case '^':
      case '$':
        return std::nullopt;
      default:
        if (static_cast<unsigned char>(c) >= 0x80) return std::nullopt;
        ++pos_;
        node.set.set(static_cast<size_t>(c));
        return node;
    }
  }

  std::optional<RegexNode> Group() {
    ++pos_;
    if (!AtEnd() && Peek() == '?') {
      if (p_.substr(pos_, 2) != "?:") return std::nullopt;
      pos_ += 2;
    }
    std::optional<RegexNode> inner = Alternation();
    if (!inner || AtEnd() || Peek() != ')') return std::nullopt;
    ++pos_;
    return inner;
  }

  // \d \D \w \W \s \S, \t \n \r \f \v, escaped punctuation. In a class the
  // negated forms are left to RE2.
  std::optional<CharSet> Escape(bool in_class) {
    if (pos_ + 1 >= p_.size()) return std::nullopt;
    char e = p_[pos_ + 1];
    pos_ += 2;
    CharSet s;
    switch (e) {
      case 'd':
        return Digits();
      case 'w':
        return WordChars();
      case 's':
        return Spaces();
      case 'D':
        if (in_class) return std::nullopt;
        return ~Digits();
      case 'W':
        if (in_class) return std::nullopt;
        return ~WordChars();
      case 'S':
        if (in_class) return std::nullopt;
        return ~Spaces();
      case 't':
        s.set('\t');
        return s;
      case 'n':
        s.set('\n');
        return s;
      case 'r':
        s.set('\r');
        return s;
      case 'f':
        s.set('\f');
        return s;
      case 'v':
        s.set('\v');
        return s;
      default:
        if (!IsPunctuation(e)) return std::nullopt;
        s.set(static_cast<size_t>(e));
        return s;
    }
  }

  // One member of a class: a character (returned in `single`) or an escape.
  bool ClassMember(CharSet& set, std::optional<char>& single) {
    single.reset();
    char c = Peek();
    if (c == '\\') {
      size_t before = pos_;
      std::optional<CharSet> escaped = Escape(true);
      if (!escaped) return false;
      set |= *escaped;
      if (escaped->count() == 1 && p_[before + 1] != 'd' &&
          p_[before + 1] != 'w' && p_[before + 1] != 's') {
        for (size_t i = 0; i < 128; ++i) {
          if (escaped->test(i)) single = static_cast<char>(i);
        }
      }
      return true;
    }
    if (c == '[' || static_cast<unsigned char>(c) >= 0x80) return false;
    ++pos_;
    set.set(static_cast<size_t>(c));
    single = c;
    return true;
  }

  std::optional<RegexNode> Class() {
    ++pos_;
    bool negated = !AtEnd() && Peek() == '^';
    if (negated) ++pos_;
    if (AtEnd() || Peek() == ']') return std::nullopt;
    CharSet set;
    while (!AtEnd() && Peek() != ']') {
      std::optional<char> low;
      if (!ClassMember(set, low)) return std::nullopt;
      if (low && pos_ + 1 < p_.size() && Peek() == '-' && p_[pos_ + 1] != ']') {
        ++pos_;
        std::optional<char> high;
        CharSet ignored;
        if (AtEnd() || !ClassMember(ignored, high) || !high || *high < *low) {
          return std::nullopt;
        }
        set |= Range(*low, *high);
      }
    }
    if (AtEnd()) return std::nullopt;
    ++pos_;
    RegexNode node;
    node.kind = RegexNode::kSet;
    node.set = negated ? ~set : set;
    return node;
  }

  std::string_view p_;
  size_t pos_ = 0;
};

// A Thompson NFA: state 0 accepts; a state moves on `set` to `next` and
// without input to each of `epsilon`.
struct Nfa {
  struct State {
    CharSet set;
    int next = -1;
    std::vector<int> epsilon;
  };
  std::vector<State> states{State{}};

  int Add(State s) {
    states.push_back(std::move(s));
    return static_cast<int>(states.size()) - 1;
  }

  // Emits `node` so that its matches continue at `next`; -1 when too large.
  int Emit(const RegexNode& node, int next) {
    if (next < 0 || states.size() > kMaxNfaStates) return -1;
    switch (node.kind) {
      case RegexNode::kSet:
        return Add({node.set, next, {}});
      case RegexNode::kConcat:
        for (auto it = node.children.rbegin(); it != node.children.rend();
             ++it) {
          next = Emit(*it, next);
        }
        return next;
      case RegexNode::kAlternation: {
        State split;
        for (const RegexNode& child : node.children)
          split.epsilon.push_back(Emit(child, next));
        for (int s : split.epsilon) {
          if (s < 0) return -1;
        }
        return Add(std::move(split));
      }
      case RegexNode::kRepeat:
        return EmitRepeat(node, next);
    }
    return -1;
  }

  int EmitRepeat(const RegexNode& node, int next) {
    const RegexNode& body = node.children[0];
    int tail = next;
    if (node.max < 0) {
      int loop = Add({});
      int body_start = Emit(body, loop);
      if (body_start < 0) return -1;
      states[static_cast<size_t>(loop)].epsilon = {body_start, next};
      tail = loop;
    } else {
      for (int i = node.min; i < node.max; ++i) {
        int body_start = Emit(body, tail);
        if (body_start < 0) return -1;
        tail = Add({CharSet(), -1, {body_start, next}});
      }
    }
    for (int i = 0; i < node.min; ++i) tail = Emit(body, tail);
    return tail;
  }

  void Close(std::vector<int>& set) const {
    std::vector<bool> seen(states.size());
    std::vector<int> stack(set.begin(), set.end());
    set.clear();
    while (!stack.empty()) {
      int s = stack.back();
      stack.pop_back();
      if (seen[static_cast<size_t>(s)]) continue;
      seen[static_cast<size_t>(s)] = true;
      set.push_back(s);
      for (int e : states[static_cast<size_t>(s)].epsilon) stack.push_back(e);
    }
    std::sort(set.begin(), set.end());
  }
};

// Partitions the 128 ASCII bytes into classes of bytes that no transition
// of `nfa` tells apart: class_of[byte].
std::vector<int> ByteClasses(const Nfa& nfa) {
  std::vector<CharSet> distinct;
  for (const Nfa::State& state : nfa.states) {
    if (state.next >= 0 && std::find(distinct.begin(), distinct.end(),
                                     state.set) == distinct.end()) {
      distinct.push_back(state.set);
    }
  }
  std::map<std::vector<bool>, int> classes;
  std::vector<int> class_of(128);
  for (size_t c = 0; c < 128; ++c) {
    std::vector<bool> signature;
    for (const CharSet& set : distinct) signature.push_back(set.test(c));
    auto it =
        classes.emplace(std::move(signature), static_cast<int>(classes.size()))
            .first;
    class_of[c] = it->second;
  }
  return class_of;
}

// Strips an unescaped leading ^ and trailing $.
std::string_view StripAnchors(std::string_view p, bool& start, bool& end) {
  start = !p.empty() && p.front() == '^';
  if (start) p.remove_prefix(1);
  size_t backslashes = 0;
  for (size_t i = p.size(); i >= 2 && p[i - 2] == '\\'; --i) ++backslashes;
  end = !p.empty() && p.back() == '$' && backslashes % 2 == 0;
  if (end) p.remove_suffix(1);
  return p;
}

}  // namespace

Regex::~Regex() = default;

Result<std::shared_ptr<const Regex>> Regex::Compile(
    const std::string& pattern) {
  RE2::Options options;
  options.set_log_errors(false);
  auto compiled = std::shared_ptr<Regex>(new Regex);
  compiled->re2_ = std::make_unique<re2::RE2>(pattern, options);
  if (!compiled->re2_->ok()) return Status::Error(compiled->re2_->error());
  bool anchored_start = false;
  std::string_view body =
      StripAnchors(pattern, anchored_start, compiled->anchored_end_);
  std::optional<RegexNode> tree = SubsetParser(body).Parse();
  // With anchors, a top-level alternation would bind them to one branch.
  bool anchors = anchored_start || compiled->anchored_end_;
  if (!tree || (anchors && tree->kind == RegexNode::kAlternation))
    return std::shared_ptr<const Regex>(compiled);
  Nfa nfa;
  int start = nfa.Emit(*tree, 0);
  if (start < 0) return std::shared_ptr<const Regex>(compiled);

  // Subset construction. Without ^ the start state joins every step, which
  // is the search for a match beginning anywhere.
  std::map<std::vector<int>, uint16_t> ids;
  std::vector<std::vector<int>> sets;
  auto intern = [&](std::vector<int> set) -> int {
    if (!anchored_start) set.push_back(start);
    nfa.Close(set);
    auto [it, inserted] = ids.emplace(set, static_cast<uint16_t>(sets.size()));
    if (inserted) {
      if (sets.size() >= kMaxDfaStates) return -1;
      sets.push_back(set);
    }
    return it->second;
  };
  std::vector<int> initial = {start};
  int start_state = intern(anchored_start ? initial : std::vector<int>{});
  // Bytes that every transition treats alike form one class; the DFA is
  // built per class, not per byte (a handful instead of 128).
  std::vector<int> class_of = ByteClasses(nfa);
  int class_count = *std::max_element(class_of.begin(), class_of.end()) + 1;
  std::vector<size_t> representative(static_cast<size_t>(class_count));
  for (size_t c = 128; c-- > 0;)
    representative[static_cast<size_t>(class_of[c])] = c;
  std::vector<int> targets;  // [state * class_count + class]
  for (size_t d = 0; d < sets.size(); ++d) {
    for (size_t k = 0; k < representative.size(); ++k) {
      std::vector<int> moved;
      for (int s : sets[d]) {
        const Nfa::State& state = nfa.states[static_cast<size_t>(s)];
        if (state.next >= 0 && state.set.test(representative[k])) {
          moved.push_back(state.next);
        }
      }
      int target = intern(std::move(moved));
      if (target < 0) return std::shared_ptr<const Regex>(compiled);
      targets.push_back(target);
    }
  }
  auto entry = [&](int state) {
    const std::vector<int>& set = sets[static_cast<size_t>(state)];
    uint32_t flags =
        (std::binary_search(set.begin(), set.end(), 0) ? kAccepting : 0) |
        (set.empty() ? kDead : 0);
    return static_cast<uint32_t>(state) * 256 | flags;
  };
  compiled->table_.assign(sets.size() * 256, kBail);
  for (size_t d = 0; d < sets.size(); ++d) {
    for (size_t c = 0; c < 128; ++c) {
      compiled->table_[d * 256 + c] =
          entry(targets[d * representative.size() +
                        static_cast<size_t>(class_of[c])]);
    }
  }
  compiled->start_ = entry(start_state);
  return std::shared_ptr<const Regex>(compiled);
}

// Staying in the same state is the common case (a run of letters in a
// class). The row of the current state is kept in a variable that only a
// change of state reassigns, so while the state stays, the loads of
// successive bytes do not depend on each other and overlap.
bool Regex::MatchDfa(std::string_view text, bool& decided) const {
  decided = true;
  const uint32_t* table = table_.data();
  uint32_t current = start_;
  const uint32_t* row = table + (current & ~kFlags);
  const bool stop_on_accept = !anchored_end_;
  if (stop_on_accept && (current & kAccepting)) return true;
  for (char c : text) {
    uint32_t next = row[static_cast<unsigned char>(c)];
    if (next == current) continue;
    if (next & kFlags) {
      if (next & kBail) {
        decided = false;  // '.' and negated classes mean code points here
        return false;
      }
      if (next & kDead) return false;
      if (stop_on_accept && (next & kAccepting)) return true;
    }
    current = next;
    row = table + (current & ~kFlags);
  }
  return (current & kAccepting) != 0;
}

bool Regex::PartialMatch(std::string_view text) const {
  if (!table_.empty()) {
    bool decided;
    bool result = MatchDfa(text, decided);
    if (decided) return result;
  }
  return PartialMatchWithRe2(text);
}

bool Regex::PartialMatchWithRe2(std::string_view text) const {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re2_);
}

}  // namespace bssflow::dsl

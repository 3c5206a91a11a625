#include "engine/graph.h"

#include <sstream>

namespace bssflow::engine {

namespace {

// At most 60 characters (code points) of `text`, else its first 57 and
// "...": a cut never splits a UTF-8 sequence or an entity Escape writes.
std::string Shorten(const std::string& text) {
  constexpr size_t kMaxLength = 60;
  constexpr size_t kKept = 57;
  size_t length = 0;
  size_t cut = text.size();
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (length == kKept) cut = i;
    ++length;
  }
  return length > kMaxLength ? text.substr(0, cut) + "..." : text;
}

// A label as Mermaid reads it in quotes: characters it would take as
// markup or as entities written as entities, line breaks as spaces.
std::string Escape(const std::string& text) {
  std::string out;
  for (char c : Shorten(text)) {
    switch (c) {
      case '"':
        out += "#quot;";
        break;
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '#':
        out += "#35;";
        break;
      case '\n':
      case '\r':
      case '\t':
        out += ' ';
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string NodeId(const Step& step) { return "s_" + step.id; }

std::string Label(const Step& step) {
  std::string detail = StepKindName(step.kind);
  switch (step.kind) {
    case StepKind::kCall:
    case StepKind::kWorkflow:
      detail += " " + step.target;
      break;
    case StepKind::kNotify:
      detail += " " + step.notification_template;
      break;
    case StepKind::kCheck:
      detail += " (" + std::to_string(step.requirements.size()) + ")";
      break;
    default:
      break;
  }
  return "\"" + Escape(step.id) + "<br/>" + Escape(detail) + "\"";
}

// Node shapes by kind: decisions as rhombi, prompts as parallelograms.
std::string Shape(const Step& step) {
  std::string label = Label(step);
  switch (step.kind) {
    case StepKind::kSwitch:
      return "{" + label + "}";
    case StepKind::kConfirm:
      return "[/" + label + "/]";
    case StepKind::kCheck:
      return "{{" + label + "}}";
    case StepKind::kFail:
      return "[[" + label + "]]";
    default:
      return "[" + label + "]";
  }
}

class GraphWriter {
 public:
  std::string Write(const Workflow& w) {
    out_ << "flowchart TD\n";
    out_ << "  start([start])\n  succeeded([succeeded])\n  failed([failed])\n";
    std::string first = Steps(w.steps, "succeeded");
    Edge("start", first, "");
    if (!w.on_error.empty()) {
      std::string handler = Steps(w.on_error, "failed");
      out_ << "  failed_any([any failure]) -.-> " << handler << "\n";
    }
    return out_.str();
  }

 private:
  void Edge(const std::string& from, const std::string& to,
            const std::string& label, bool dashed = false) {
    out_ << "  " << from;
    if (label.empty()) {
      out_ << (dashed ? " -.-> " : " --> ");
    } else {
      out_ << (dashed ? " -. \"" : " -- \"") << Escape(label)
           << (dashed ? "\" .-> " : "\" --> ");
    }
    out_ << to << "\n";
  }

  // Writes `steps`, each flowing into the next and the last into `then`;
  // returns the node the list starts at.
  std::string Steps(const StepList& steps, const std::string& then) {
    if (steps.empty()) return then;
    for (size_t i = 0; i < steps.size(); ++i) {
      std::string next = i + 1 < steps.size() ? NodeId(steps[i + 1]) : then;
      StepNode(steps[i], next);
    }
    return NodeId(steps[0]);
  }

  void StepNode(const Step& step, const std::string& next) {
    std::string id = NodeId(step);
    out_ << "  " << id << Shape(step) << "\n";
    switch (step.kind) {
      case StepKind::kSwitch:
        Switch(step, next);
        break;
      case StepKind::kConfirm: {
        Edge(id, next, "confirmed");
        std::string rejected = step.on_reject == OnReject::kFail ? "failed"
                               : step.on_reject == OnReject::kEnd
                                   ? "ended([ended])"
                                   : Steps(step.reject_steps, next);
        Edge(id, rejected, "rejected");
        break;
      }
      case StepKind::kFail:
        Edge(id, "failed", "");
        break;
      case StepKind::kCheck:
        Edge(id, next, "all hold");
        Edge(id, "failed", "any fails");
        break;
      default:
        Edge(id, next, "");
        break;
    }
    if (step.when.has_value())
      Edge(id, next, "skipped unless " + step.when->text, true);
    if (!step.on_error.empty())
      Edge(id, Steps(step.on_error, next), "on error", true);
  }

  void Switch(const Step& step, const std::string& next) {
    bool has_else = false;
    for (const Branch& branch : step.branches) {
      std::string label = branch.condition ? branch.condition->text : "else";
      has_else = has_else || !branch.condition.has_value();
      Edge(NodeId(step), Steps(branch.steps, next), label);
    }
    if (!has_else) Edge(NodeId(step), next, "no branch");
  }

  std::ostringstream out_;
};

}  // namespace

std::string MermaidGraph(const Workflow& workflow) {
  return GraphWriter().Write(workflow);
}

}  // namespace bssflow::engine

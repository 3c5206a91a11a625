// `bssflow graph`: a workflow as a Mermaid flowchart — steps, switch
// branches, confirmation prompts and error paths — for documentation and
// review (GitHub and most editors render Mermaid).
#ifndef BSSFLOW_ENGINE_GRAPH_H_
#define BSSFLOW_ENGINE_GRAPH_H_

#include <string>

#include "engine/workflow.h"

namespace bssflow::engine {

/// The flowchart, starting with "flowchart TD". Steps are boxes labelled
/// with their id and kind; switch branches, confirm answers and on_error
/// paths are labelled edges; every path ends in "succeeded", "failed" or
/// "ended".
std::string MermaidGraph(const Workflow& workflow);

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_GRAPH_H_

#include "engine/graph.h"

#include <gtest/gtest.h>

#include "dsl/testing/shipped_data.h"
#include "engine/loader.h"

namespace bssflow::engine {
namespace {

TEST(GraphTest, StepsBranchesPromptsAndErrorPaths) {
  LoaderContext context;
  context.functions = dsl::testing::ShippedRegistry();
  LoadResult result =
      LoadWorkflow("w.yaml",
                   "workflow: w\n"
                   "inputs: {found: bool}\n"
                   "steps:\n"
                   "  - id: account\n"
                   "    call: bss.get_account\n"
                   "    on_error:\n"
                   "      - id: give_up\n"
                   "        fail: \"no account\"\n"
                   "  - id: route\n"
                   "    switch:\n"
                   "      - if: inputs.found\n"
                   "        steps:\n"
                   "          - id: link\n"
                   "            confirm: {message: \"Link?\"}\n"
                   "      - else:\n"
                   "        steps:\n"
                   "          - id: create\n"
                   "            call: partner_center.create_customer\n"
                   "  - id: welcome\n"
                   "    notify: {template: welcome, to: a@b.c}\n",
                   context);
  ASSERT_TRUE(result.ok()) << dsl::RenderAll(result.source, result.diagnostics);
  EXPECT_EQ(MermaidGraph(*result.workflow),
            "flowchart TD\n"
            "  start([start])\n"
            "  succeeded([succeeded])\n"
            "  failed([failed])\n"
            "  s_account[\"account<br/>call bss.get_account\"]\n"
            "  s_account --> s_route\n"
            "  s_give_up[[\"give_up<br/>fail\"]]\n"
            "  s_give_up --> failed\n"
            "  s_account -. \"on error\" .-> s_give_up\n"
            "  s_route{\"route<br/>switch\"}\n"
            "  s_link[/\"link<br/>confirm\"/]\n"
            "  s_link -- \"confirmed\" --> s_welcome\n"
            "  s_link -- \"rejected\" --> ended([ended])\n"
            "  s_route -- \"inputs.found\" --> s_link\n"
            "  s_create[\"create<br/>call partner_center.create_customer\"]\n"
            "  s_create --> s_welcome\n"
            "  s_route -- \"else\" --> s_create\n"
            "  s_welcome[\"welcome<br/>notify welcome\"]\n"
            "  s_welcome --> succeeded\n"
            "  start --> s_account\n");
}

// Labels are cut by characters, not bytes, and what Mermaid would read as
// markup or entities is written as entities.
TEST(GraphTest, LabelsStayValidTextForMermaid) {
  LoaderContext context;
  context.functions = dsl::testing::ShippedRegistry();
  LoadResult result = LoadWorkflow(
      "w.yaml",
      "workflow: w\n"
      "inputs: {city: string}\n"
      "steps:\n"
      "  - id: route\n"
      "    switch:\n"
      "      - if: inputs.city == \"M\u00fcnchen-M\u00fcnchen-M\u00fcnchen-"
      "M\u00fcnchen-M\u00fcnchen-M\u00fcnchen-M\u00fcnchen\"\n"
      "        steps: [{id: a, set: {x: 1}}]\n"
      "      - if: inputs.city < \"<b>#35;</b>\"\n"
      "        steps: [{id: b, set: {x: 2}}]\n",
      context);
  ASSERT_TRUE(result.ok()) << dsl::RenderAll(result.source, result.diagnostics);
  std::string graph = MermaidGraph(*result.workflow);
  EXPECT_NE(graph.find("  s_route -- \"inputs.city == #quot;M\u00fcnchen-"
                       "M\u00fcnchen-M\u00fcnchen-M\u00fcnchen-M\u00fcnchen-"
                       "M...\" --> s_a\n"),
            std::string::npos)
      << graph;
  EXPECT_NE(graph.find("  s_route -- \"inputs.city #lt; #quot;#lt;b#gt;#35;35;"
                       "#lt;/b#gt;#quot;\" --> s_b\n"),
            std::string::npos)
      << graph;
}

}  // namespace
}  // namespace bssflow::engine

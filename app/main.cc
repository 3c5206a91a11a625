// The bssflow executable: command-line parsing only; each command lives in
// its own file.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "app/eval_command.h"
#include "app/validate_command.h"
#include "dsl/merge_fields.h"
#include "dsl/postal_codes.h"

namespace {

constexpr const char* kVersion = "0.1.0";

// Reads FILE, or standard input for "-"; false when it cannot be read.
bool ReadInput(const std::string& path, std::string& text) {
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  text = buffer.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "bssflow: provisioning workflows for cloud service providers.\n"
      "Runs declarative YAML workflows with a CEL expression language."};
  app.name("bssflow");
  app.set_version_flag("--version", kVersion);
  app.require_subcommand(1);
  app.footer("Run 'bssflow COMMAND --help' for the options of a command.");

  bssflow::app::EvalOptions eval;
  std::string data_path;
  CLI::App* eval_cmd = app.add_subcommand(
      "eval", "Evaluate an expression against JSON data and print the result");
  eval_cmd
      ->add_option("expression", eval.expression, "The expression (CEL syntax)")
      ->required();
  eval_cmd->add_option(
      "--data", data_path,
      "JSON object file whose members become variables; - reads "
      "standard input");
  eval_cmd->add_option("--postal-codes", eval.postal_code_rules,
                       "Postal code rules file (default: $BSSFLOW_DATA_DIR/"
                       "postal_codes.yaml)");
  eval_cmd->footer(
      "Prints one JSON line {\"type\": \"...\", \"value\": ...}.\n"
      "Exit status: 0 success, 1 the expression is invalid or failed, 2 usage "
      "or "
      "data error.\n"
      "Example: bssflow eval 'is_email(account.email)' --data account.json");

  bssflow::app::ValidateOptions validate;
  CLI::App* validate_cmd = app.add_subcommand(
      "validate", "Check workflow files and print every problem; nothing runs");
  validate_cmd->add_option("files", validate.files, "Workflow files (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  validate_cmd->footer(
      "Exit status: 0 every file is valid, 1 a file has problems (each printed "
      "as\n"
      "file:line:col, the line and a caret), 2 usage or data error.");

  bssflow::app::GraphOptions graph;
  CLI::App* graph_cmd =
      app.add_subcommand("graph",
                         "Print a workflow as a Mermaid flowchart (steps, "
                         "branches, prompts, errors)");
  graph_cmd->add_option("file", graph.file, "Workflow file (YAML)")
      ->required()
      ->check(CLI::ExistingFile);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "bssflow: " << e.what()
              << "\nRun 'bssflow --help' for usage.\n";
    return bssflow::app::kExitUsage;
  }

  if (validate_cmd->parsed()) {
    return bssflow::app::RunValidate(validate, std::cout, std::cerr);
  }
  if (graph_cmd->parsed())
    return bssflow::app::RunGraph(graph, std::cout, std::cerr);
  if (eval_cmd->parsed()) {
    if (!data_path.empty()) {
      if (!ReadInput(data_path, eval.data_json)) {
        std::cerr << "bssflow eval: cannot read data file '" << data_path
                  << "'\n";
        return bssflow::app::kExitUsage;
      }
      eval.data_name = data_path == "-" ? "<stdin>" : data_path;
    }
    if (eval.postal_code_rules.empty()) {
      eval.postal_code_rules = bssflow::dsl::DefaultPostalCodeRulesPath();
    }
    return bssflow::app::RunEval(eval, std::cout, std::cerr);
  }
  return bssflow::app::kExitUsage;
}

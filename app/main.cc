// The bssflow executable: command-line parsing only; each command lives in
// its own file.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <iterator>

#include <unistd.h>

#include "app/configured_connectors.h"
#include "app/demo_command.h"
#include "app/eval_command.h"
#include "app/run_command.h"
#include "app/replay_command.h"
#include "app/serve/serve_command.h"
#include "app/test_command.h"
#include "app/sim_command.h"
#include "app/validate_command.h"
#include "base/read_file.h"
#include "dsl/merge_fields.h"
#include "dsl/postal_codes.h"

namespace {

constexpr const char* kVersion = "0.1.0";

// FILE, or standard input for "-".
bssflow::Result<std::string> ReadInput(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), {});
  }
  return bssflow::ReadFile(path);
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
  validate_cmd
      ->add_option("--connectors", validate.connectors_file,
                   "Connectors file whose http endpoints `call` steps may "
                   "name (http.<name>)")
      ->envname("BSSFLOW_CONNECTORS");
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

  // ---- the commands that run workflows and read runs
  std::string state_dir;
  std::string workflows_dir;
  const std::string workflows_help =
      "Directory of the workflows that `workflow` steps call, found by "
      "their names";
  const std::string state_help =
      "Directory of the journal (journal.db) and the secret key (default: "
      "$BSSFLOW_STATE_DIR, else $XDG_STATE_HOME/bssflow, else "
      "~/.local/state/bssflow)";
  std::string connectors_file;
  const std::string connectors_help =
      "Connectors file (YAML): the Partner Center, BSS and notification "
      "services to reach, and their credentials; see docs/operations.md and "
      "examples/connectors.yaml. Without it (and without "
      "$BSSFLOW_CONNECTORS), simulators embedded in the process stand in "
      "for them";
  const std::string run_exit_codes =
      "Exit status: 0 succeeded, 1 failed (or the workflow is invalid), 2 "
      "usage or\nengine error (or a connectors file with problems), 3 awaiting "
      "a confirmation,\n4 cancelled.";

  bssflow::app::RunOptions run;
  std::string input_file;
  CLI::App* run_cmd = app.add_subcommand(
      "run", "Run a workflow once, printing each step as it happens");
  run_cmd->add_option("workflow", run.workflow_file, "Workflow file (YAML)")
      ->required()
      ->check(CLI::ExistingFile);
  auto* input_opt = run_cmd->add_option(
      "--input", run.input_json, "The inputs, a JSON object, e.g. "
                                 "'{\"account_id\": \"A-1001\"}'");
  run_cmd
      ->add_option("--input-file", input_file,
                   "Read the inputs from a JSON file; - reads standard input")
      ->excludes(input_opt);
  run_cmd->add_option("--answer", run.answers,
                      "Answer a confirm step: STEP=confirm or STEP=reject "
                      "(repeatable); unanswered prompts are asked on the "
                      "terminal");
  run_cmd->add_option("--by", run.by,
                      "Who answers the prompts, for the journal (default: "
                      "$USER)");
  run_cmd->add_option("--record", run.record_file,
                      "Write the run's recording (JSON, secrets as ***) to "
                      "FILE once it finished or parked");
  run_cmd->add_option("--state-dir", state_dir, state_help);
  run_cmd->add_option("--connectors", connectors_file, connectors_help)
      ->envname("BSSFLOW_CONNECTORS");
  run_cmd->add_option("--workflows", workflows_dir,
                      workflows_help + " (default: the workflow file's "
                                       "directory)");
  run_cmd->footer(run_exit_codes +
                  "\nExample: bssflow run workflows/microsoft/"
                  "provision-tenant.yaml --input '{\"account_id\": 4004}' "
                  "--answer confirm_link=confirm");

  bssflow::app::AnswerOptions answer;
  CLI::App* answer_cmd = app.add_subcommand(
      "answer", "Answer the confirmation a run waits for, and drive it on");
  answer_cmd->add_option("run", answer.run_id, "Run id")->required();
  answer_cmd->add_option("decision", answer.decision, "confirm or reject")
      ->required()
      ->check(CLI::IsMember({"confirm", "reject"}));
  answer_cmd->add_option("--by", answer.by, "Who answers (default: $USER)");
  answer_cmd->add_option("--state-dir", state_dir, state_help);
  answer_cmd->add_option("--connectors", connectors_file, connectors_help)
      ->envname("BSSFLOW_CONNECTORS");
  answer_cmd->add_option("--workflows", workflows_dir, workflows_help);
  answer_cmd->footer(run_exit_codes);

  CLI::App* resume_cmd = app.add_subcommand(
      "resume",
      "Drive every unfinished run on from its journal (after a crash or a "
      "kill)");
  resume_cmd->add_option("--state-dir", state_dir, state_help);
  resume_cmd->add_option("--connectors", connectors_file, connectors_help)
      ->envname("BSSFLOW_CONNECTORS");
  resume_cmd->add_option("--workflows", workflows_dir, workflows_help);
  resume_cmd->footer(
      "Completed calls are not repeated; a call sent but never answered is "
      "sent\nagain with the same idempotency key. Runs waiting for a "
      "confirmation stay\nwaiting. Exit status: 0 every run was driven, 2 "
      "otherwise.");

  bssflow::app::ListOptions list;
  CLI::App* runs_cmd = app.add_subcommand("runs", "List runs, oldest first");
  runs_cmd->add_option("--status", list.statuses,
                       "Only runs in this status (repeatable): pending, "
                       "running, awaiting_confirmation, succeeded, failed, "
                       "cancelled");
  runs_cmd->add_option("--workflow", list.workflow,
                       "Only runs of this workflow (its name)");
  runs_cmd->add_option("--limit", list.limit, "At most this many runs")
      ->default_val(50)
      ->check(CLI::Range(1, 1000000));
  runs_cmd->add_option("--state-dir", state_dir, state_help);

  std::string show_run;
  CLI::App* show_cmd =
      app.add_subcommand("show", "Show a run and its journal, step by step");
  show_cmd->add_option("run", show_run, "Run id")->required();
  show_cmd->add_option("--state-dir", state_dir, state_help);
  show_cmd->footer("Secrets appear as ***.");

  std::string export_run;
  std::string export_output;
  CLI::App* export_cmd = app.add_subcommand(
      "export", "Write a run's recording: a self-contained JSON document");
  export_cmd->add_option("run", export_run, "Run id")->required();
  export_cmd->add_option("-o,--output", export_output,
                         "File to write (default: standard output)");
  export_cmd->add_option("--state-dir", state_dir, state_help);
  export_cmd->footer(
      "The recording holds the workflow's definition and version, the inputs,\n"
      "every connector call with each attempt's result or error, the\n"
      "confirmations, the notifications, each step's start time and the\n"
      "outcome (docs/recording.schema.json). Secrets appear as ***.");

  bssflow::app::DemoOptions demo;
  CLI::App* demo_cmd = app.add_subcommand(
      "demo",
      "Provision every demo account of the embedded simulators as a Microsoft "
      "tenant and say what happened to each");
  demo_cmd->add_option("--account", demo.accounts,
                       "Provision only this BSS account (repeatable; "
                       "default: every demo customer)");
  demo_cmd->add_option("--reject", demo.reject,
                       "Reject the confirmation of this account (repeatable; "
                       "the others are confirmed)");
  demo_cmd->add_option("--workflows", demo.workflows_dir,
                       "Directory of get-services-definitions.yaml and "
                       "provision-tenant.yaml (default: workflows/microsoft)");
  demo_cmd->add_flag("--verbose", demo.verbose,
                     "Also print every event of every run");
  demo_cmd->footer(
      "Runs workflows/microsoft/ against the Partner Center and BSS "
      "simulators embedded\nin the process, in a temporary state directory: "
      "nothing to configure, nothing\nleft behind. Exit status: 0 every run "
      "ended, 2 a workflow file or the engine\ncould not be used.");

  bssflow::app::SimOptions sim;
  CLI::App* sim_cmd = app.add_subcommand(
      "sim", "Serve the Partner Center and BSS simulators until Ctrl-C");
  sim_cmd->add_option("--host", sim.host, "Address to listen on")
      ->default_val("127.0.0.1");
  sim_cmd
      ->add_option("--partner-center-port", sim.partner_center_port,
                   "Port of the Partner Center simulator (0: any)")
      ->default_val(8081);
  sim_cmd->add_option("--bss-port", sim.bss_port,
                      "Port of the BSS simulator (0: any)")
      ->default_val(8082);
  sim_cmd->footer(
      "The simulators keep their state in memory, with the demo data of "
      "docs/simulators/;\n/_sim/state, /_sim/faults and /_sim/reset inspect "
      "and steer them.");

  bssflow::serve::ServeOptions serve;
  CLI::App* serve_cmd = app.add_subcommand(
      "serve",
      "Serve the HTTP API: the BSS starts runs, follows them and answers "
      "prompts");
  serve_cmd->add_option("--listen", serve.listen,
                        "HOST:PORT to listen on (default 127.0.0.1:8080; "
                        "port 0: any free port)");
  serve_cmd->add_option("--config", serve.config_file,
                        "Server configuration file (YAML): tokens, "
                        "callbacks, limits, directories, connectors")
      ->check(CLI::ExistingFile);
  serve_cmd->add_option("--threads", serve.threads,
                        "io threads (default: one per core)")
      ->check(CLI::Range(1, 256));
  serve_cmd->footer(
      "With no configuration: workflows/microsoft against the embedded "
      "simulators, no\nauthentication. SIGHUP reloads the workflows; SIGTERM "
      "drains and stops.\nThe API: docs/http-api.md, and GET /v1/openapi.yaml. "
      "Exit status: 0 after a\nclean shutdown, 2 when the configuration, the "
      "state directory, the connectors\nor the address cannot be used.");

  bssflow::app::ReplayCommandOptions replay;
  CLI::App* replay_cmd = app.add_subcommand(
      "replay",
      "Replay recordings on the current workflows, offline, and report the "
      "first call or outcome that differs");
  replay_cmd->add_option("recordings", replay.recordings,
                         "Recording files (bssflow run --record, bssflow "
                         "export)")
      ->required()
      ->check(CLI::ExistingFile);
  auto* replay_workflow_opt = replay_cmd->add_option(
      "--workflow", replay.workflow_file,
      "Replay on this workflow file (default: the file of --workflows with "
      "the recorded workflow's name)")
      ->check(CLI::ExistingFile);
  replay_cmd
      ->add_option("--workflows", replay.workflows_dir,
                   "Directory where recordings find their workflows by name "
                   "(default: workflows/microsoft)")
      ->check(CLI::ExistingDirectory);
  replay_cmd
      ->add_flag("--recorded", replay.recorded_definition,
                 "Replay on the definition each recording holds (to check a "
                 "new bssflow, not a changed workflow)")
      ->excludes(replay_workflow_opt);
  replay_cmd->add_option("--connectors", replay.connectors_file,
                         "Connectors file whose http endpoints the workflows "
                         "call (read for their manifests only)")
      ->check(CLI::ExistingFile);
  replay_cmd->add_flag("--update", replay.update,
                       "Accept the changes: rewrite each recording that "
                       "differs with what the replay did");
  replay_cmd->footer(
      "Every connector answers from the recording: no simulator, no network.\n"
      "Calls are compared in order (step, action, arguments; *** in a "
      "recording\nmatches anything), then prompts, the final status, "
      "outputs, error and\nnotifications. See docs/testing.md.\n"
      "Exit status: 0 every recording replays the same (or was updated), 1 "
      "one\ndiverged, 2 a recording or a workflow cannot be read.");

  bssflow::app::TestCommandOptions test;
  CLI::App* test_cmd = app.add_subcommand(
      "test", "Run scenario files offline, in parallel, and report each");
  test_cmd->add_option("paths", test.paths,
                       "Scenario files, or directories searched for *.yaml")
      ->required();
  test_cmd->add_option("--junit", test.junit_file,
                       "Also write the results as JUnit XML to FILE");
  test_cmd->add_option("-j,--jobs", test.jobs,
                       "Scenarios run at once (default: one per core)")
      ->check(CLI::Range(1, 256));
  test_cmd->add_option("--connectors", test.connectors_file,
                       "Connectors file whose http endpoints the workflows "
                       "call (read for their manifests only)")
      ->check(CLI::ExistingFile);
  test_cmd->footer(
      "A scenario names a workflow, its inputs, the connectors' answers "
      "(responses per\naction, or a recording), the confirmations' answers "
      "and what the run must do:\nstatus, outputs, error, calls made and "
      "not made, notifications, messages.\nSee docs/testing.md. Exit "
      "status: 0 every scenario passed, 1 one failed, 2 no\nscenario found "
      "or a path cannot be read.");

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

  bssflow::app::EngineOptions engine;
  engine.state_dir = state_dir;
  engine.workflows_dir = workflows_dir;
  // Only `run` starts runs here: the others read the journal or go on with
  // runs in it, and a mistyped --state-dir must not become a new one.
  engine.create_state_dir = run_cmd->parsed();
  if (run_cmd->parsed()) {
    if (engine.workflows_dir.empty()) {
      engine.workflows_dir =
          std::filesystem::path(run.workflow_file).parent_path().string();
      if (engine.workflows_dir.empty()) engine.workflows_dir = ".";
    }
    if (!input_file.empty()) {
      bssflow::Result<std::string> input = ReadInput(input_file);
      if (!input.ok()) {
        std::cerr << "bssflow run: input file '" << input_file
                  << "': " << input.status().message() << "\n";
        return bssflow::app::kRunUsage;
      }
      run.input_json = std::move(input).value();
    }
    run.interactive = input_file != "-" && ::isatty(STDIN_FILENO) != 0;
    run.answer_flags = bssflow::app::AnswerFlags(state_dir, connectors_file,
                                                 engine.workflows_dir);
    auto connected =
        bssflow::app::WithConnectorsFrom(engine, connectors_file, std::cerr);
    if (!connected.has_value()) return bssflow::app::kRunUsage;
    run.engine = std::move(*connected);
    return bssflow::app::RunWorkflow(run, std::cin, std::cout, std::cerr);
  }
  if (answer_cmd->parsed()) {
    auto connected =
        bssflow::app::WithConnectorsFrom(engine, connectors_file, std::cerr);
    if (!connected.has_value()) return bssflow::app::kRunUsage;
    answer.engine = std::move(*connected);
    answer.answer_flags =
        bssflow::app::AnswerFlags(state_dir, connectors_file, workflows_dir);
    return bssflow::app::AnswerRun(answer, std::cout, std::cerr);
  }
  if (resume_cmd->parsed()) {
    auto connected =
        bssflow::app::WithConnectorsFrom(engine, connectors_file, std::cerr);
    if (!connected.has_value()) return bssflow::app::kRunUsage;
    return bssflow::app::ResumeRuns(*connected, std::cout, std::cerr);
  }
  if (demo_cmd->parsed()) {
    return bssflow::app::RunDemo(demo, std::cout, std::cerr);
  }
  if (serve_cmd->parsed()) {
    return bssflow::serve::Serve(serve, std::cout, std::cerr);
  }
  if (sim_cmd->parsed()) {
    return bssflow::app::RunSimulators(sim, std::cout, std::cerr);
  }
  if (runs_cmd->parsed()) {
    list.engine = engine;
    return bssflow::app::ListRuns(list, std::cout, std::cerr);
  }
  if (export_cmd->parsed()) {
    return bssflow::app::ExportRun(export_run, export_output, engine,
                                   std::cout, std::cerr);
  }
  if (show_cmd->parsed()) {
    return bssflow::app::ShowRun(show_run, engine, std::cout, std::cerr);
  }
  if (test_cmd->parsed()) {
    return bssflow::app::RunTests(test, std::cout, std::cerr);
  }
  if (replay_cmd->parsed()) {
    if (replay.workflows_dir.empty())
      replay.workflows_dir = bssflow::app::DefaultMicrosoftWorkflowsDir();
    return bssflow::app::RunReplay(replay, std::cout, std::cerr);
  }
  if (validate_cmd->parsed()) {
    return bssflow::app::RunValidate(validate, std::cout, std::cerr);
  }
  if (graph_cmd->parsed())
    return bssflow::app::RunGraph(graph, std::cout, std::cerr);
  if (eval_cmd->parsed()) {
    if (!data_path.empty()) {
      bssflow::Result<std::string> data = ReadInput(data_path);
      if (!data.ok()) {
        std::cerr << "bssflow eval: data file '" << data_path
                  << "': " << data.status().message() << "\n";
        return bssflow::app::kExitUsage;
      }
      eval.data_json = std::move(data).value();
      eval.data_name = data_path == "-" ? "<stdin>" : data_path;
    }
    if (eval.postal_code_rules.empty()) {
      eval.postal_code_rules = bssflow::dsl::DefaultPostalCodeRulesPath();
    }
    return bssflow::app::RunEval(eval, std::cout, std::cerr);
  }
  return bssflow::app::kExitUsage;
}

#include "app/eval_command.h"

#include <nlohmann/json.hpp>
#include <ostream>

#include "dsl/compiler.h"
#include "dsl/json_value.h"
#include "dsl/postal_codes.h"

namespace bssflow::app {

namespace {

using dsl::Value;

// Parses the data; on failure writes the problem to `err`.
bool ReadData(const EvalOptions& options, nlohmann::json& data,
              std::ostream& err) {
  if (options.data_json.empty()) {
    data = nlohmann::json::object();
    return true;
  }
  try {
    data = nlohmann::json::parse(options.data_json);
  } catch (const nlohmann::json::parse_error& e) {
    err << "bssflow eval: " << options.data_name
        << ": invalid JSON: " << e.what() << "\n";
    return false;
  }
  if (!data.is_object()) {
    err << "bssflow eval: " << options.data_name
        << ": the data must be a JSON object; its members become variables\n";
    return false;
  }
  return true;
}

void PrintEvaluationError(const dsl::Source& source, const dsl::Error& error,
                          std::ostream& err) {
  dsl::Diagnostic d{std::max(error.offset, 0),
                    "evaluation failed: " + error.message + " (" +
                        std::string(dsl::ErrorKindName(error.kind)) + ")"};
  err << dsl::Render(source, d);
}

}  // namespace

int RunEval(const EvalOptions& options, std::ostream& out, std::ostream& err) {
  nlohmann::json data;
  if (!ReadData(options, data, err)) return kExitUsage;
  auto rules = dsl::PostalCodeRules::LoadFile(options.postal_code_rules);
  if (!rules.ok()) {
    err << "bssflow eval: " << rules.status().message() << "\n";
    return kExitUsage;
  }
  auto registry = dsl::BuildDefaultRegistry(rules.value());
  if (!registry.ok()) {
    err << "bssflow eval: " << registry.status().message() << "\n";
    return kExitUsage;
  }
  dsl::Env env(registry.value());
  for (const auto& [name, value] : data.items()) env.Declare(name);
  dsl::Source source;
  source.name = "<expr>";
  source.text = options.expression;
  dsl::CompileResult compiled = dsl::Compile(source, env);
  if (!compiled.ok()) {
    err << dsl::RenderAll(source, compiled.diagnostics);
    return kExitExpressionError;
  }
  dsl::Activation activation(env);
  for (const auto& [name, value] : data.items()) {
    Result<Value> converted = dsl::ValueFromJson(value);
    if (!converted.ok()) {
      err << "bssflow eval: " << options.data_name << ": member '" << name
          << "': " << converted.status().message() << "\n";
      return kExitUsage;
    }
    activation.Bind(name, std::move(converted).value());
  }
  Value result = compiled.program->Evaluate(activation);
  if (result.is_error()) {
    PrintEvaluationError(source, result.error_value(), err);
    return kExitExpressionError;
  }
  nlohmann::ordered_json line;
  line["type"] = std::string(dsl::KindName(result.kind()));
  line["value"] = dsl::ValueToJson(result);
  out << line.dump() << "\n";
  return kExitOk;
}

}  // namespace bssflow::app

// dsl_bench: the cost of the expression language.
//
//   BM_ParsePlan/<name>   parse + check + plan one expression
//   BM_Eval/<name>        evaluate the planned expression once
//   BM_EvalDomain/<name>  domain functions (no cel-js counterpart)
//   BM_Native/<name>      the same predicate written in C++ by hand: the
//                         floor the interpreter is measured against
//   BM_ValueFromJson/<name>  convert an expression's JSON data to values,
//                         as the engine does with every result it reads
//                         back from a journal
//   BM_ValueToJson/<name>  the way back: values to a JSON tree, as the
//                         engine journals them
//
// The expressions and their data come from bench/dsl/expressions.json, which
// the cel-js script reads too (bench/dsl/compare prints the ratio). Every
// expression must evaluate to true; the benchmark aborts otherwise.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "dsl/compiler.h"
#include "dsl/json_value.h"
#include "dsl/postal_codes.h"

namespace {

using namespace bssflow::dsl;

struct Case {
  std::string name;
  std::string expr;
  nlohmann::json data;
};

nlohmann::json Items100() {
  nlohmann::json items = nlohmann::json::array();
  for (int i = 0; i < 100; ++i) {
    items.push_back({{"sku", "SKU-" + std::to_string(i)}, {"quantity", i}});
  }
  items[99] = {{"sku", "MS-365-E5"}, {"quantity", 25}};
  return {{"items", items}};
}

std::vector<Case> LoadCases(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "dsl_bench: cannot read " << path << "\n";
    std::exit(2);
  }
  nlohmann::json file = nlohmann::json::parse(in);
  std::vector<Case> cases;
  for (const auto& e : file.at("expressions")) {
    Case c{e.at("name"), e.at("expr"),
           e.value("data", nlohmann::json::object())};
    if (e.value("data_generator", "") == "items_100") c.data = Items100();
    cases.push_back(std::move(c));
  }
  return cases;
}

std::shared_ptr<const FunctionRegistry> Registry() {
  static auto registry = [] {
    auto rules = PostalCodeRules::LoadFile(std::string(BSSFLOW_BENCH_DATA_DIR) +
                                           "/postal_codes.yaml");
    if (!rules.ok()) {
      std::cerr << "dsl_bench: " << rules.status().message() << "\n";
      std::exit(2);
    }
    return BuildDefaultRegistry(rules.value()).value();
  }();
  return registry;
}

// An expression compiled against its data, ready to evaluate.
struct Compiled {
  std::unique_ptr<Env> env;
  std::unique_ptr<Activation> activation;
  std::shared_ptr<const Program> program;
};

Compiled CompileCase(const Case& c) {
  Compiled out;
  out.env = std::make_unique<Env>(Registry());
  for (const auto& [name, value] : c.data.items()) out.env->Declare(name);
  Source source;
  source.name = c.name;
  source.text = c.expr;
  CompileResult result = Compile(source, *out.env);
  if (!result.ok()) {
    std::cerr << RenderAll(source, result.diagnostics);
    std::exit(2);
  }
  out.activation = std::make_unique<Activation>(*out.env);
  for (const auto& [name, value] : c.data.items()) {
    out.activation->Bind(name, ValueFromJson(value).value());
  }
  out.program = result.program;
  Value check = out.program->Evaluate(*out.activation);
  if (!check.is_bool() || !check.bool_value()) {
    std::cerr << "dsl_bench: " << c.name << " evaluated to "
              << DebugString(check) << ", expected true\n";
    std::exit(2);
  }
  return out;
}

void BenchEval(benchmark::State& state, const Case& c) {
  Compiled compiled = CompileCase(c);
  for (auto _ : state) {
    Value v = compiled.program->Evaluate(*compiled.activation);
    benchmark::DoNotOptimize(v);
  }
}

void BenchParsePlan(benchmark::State& state, const Case& c) {
  Env env(Registry());
  for (const auto& [name, value] : c.data.items()) env.Declare(name);
  Source source;
  source.text = c.expr;
  for (auto _ : state) {
    CompileResult result = Compile(source, env);
    benchmark::DoNotOptimize(result.program);
  }
}

// The four-term boolean in plain C++, on the same strings and integers.
void BenchNativeFourTerm(benchmark::State& state) {
  struct Flight {
    std::string origin = "LED", country = "RU";
    int64_t value = 90, adults = 1;
  } f;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f);
    bool r = (f.origin == "MOW" || f.country == "RU") &&
             (f.value >= 100 || f.adults == 1);
    benchmark::DoNotOptimize(r);
  }
}

void BenchValueFromJson(benchmark::State& state, const Case& c) {
  for (auto _ : state) {
    bssflow::Result<Value> value = ValueFromJson(c.data);
    benchmark::DoNotOptimize(value);
  }
}

void BenchValueToJson(benchmark::State& state, const Case& c) {
  Value value = ValueFromJson(c.data).value();
  for (auto _ : state) {
    nlohmann::json json = ValueToSortedJson(value);
    benchmark::DoNotOptimize(json);
  }
}

// Registers `bench` once per case, named `prefix` + the case's name. The
// cases must outlive the benchmarks' run.
template <typename Cases>
void RegisterPerCase(const std::string& prefix, const Cases& cases,
                     void (*bench)(benchmark::State&, const Case&)) {
  for (const Case& c : cases) {
    benchmark::RegisterBenchmark(
        (prefix + c.name).c_str(),
        [&c, bench](benchmark::State& s) { bench(s, c); });
  }
}

}  // namespace

int main(int argc, char** argv) {
  static const std::vector<Case> cases = LoadCases(BSSFLOW_BENCH_EXPRESSIONS);
  RegisterPerCase("BM_Eval/", cases, BenchEval);
  RegisterPerCase("BM_ParsePlan/", cases, BenchParsePlan);
  static const Case kDomain[] = {
      {"is_email",
       "is_email(email)",
       {{"email", "billing.admin@contoso-distribution.com"}}},
      {"is_phone", "is_phone(phone)", {{"phone", "+49 30 1234567"}}},
      {"postal_code_valid",
       "postal_code_valid(country, code)",
       {{"country", "DE"}, {"code", "10117"}}},
  };
  RegisterPerCase("BM_EvalDomain/", kDomain, BenchEval);
  RegisterPerCase("BM_ValueFromJson/", cases, BenchValueFromJson);
  RegisterPerCase("BM_ValueToJson/", cases, BenchValueToJson);
  benchmark::RegisterBenchmark("BM_Native/four_term_boolean",
                               BenchNativeFourTerm);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

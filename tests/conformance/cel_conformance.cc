// cel_conformance: runs CEL conformance vector files (the format of
// shared/conformance/cel/README.md) against the expression language.
//
//   cel_conformance [--expected-failures FILE] [--write-corpus DIR]
//                   [--verbose] PATH...
//
// PATH is a vector file or a directory of them. Prints pass/fail/skip counts
// per file and ends with "N passed, M failed[, K skipped]". Tests listed in
// the expected-failures file (one "file/section/name # reason" per line) are
// skipped when they fail and reported as failures when they pass, so the
// list can only shrink. Exit status 1 on any failure, 2 on usage errors.
//
// The vectors run with CheckMode::kDeferToRuntime, as the CEL suite runs its
// "disable_check" tests: unknown names and wrong kinds are run-time errors.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "dsl/compiler.h"
#include "dsl/json_value.h"
#include "dsl/postal_codes.h"

namespace fs = std::filesystem;
using bssflow::dsl::Value;
using bssflow::dsl::ValueKind;
using nlohmann::json;

namespace {

struct Options {
  std::string expected_failures_path;
  std::string corpus_dir;
  bool verbose = false;
  std::vector<std::string> paths;
};

// A vector value: {"int": "5"}, {"map": [[k, v], ...]}, ... (see README).
Value Decode(const json& j) {
  if (!j.is_object() || j.size() != 1)
    throw std::runtime_error("bad value " + j.dump());
  auto member = j.begin();
  const std::string tag = member.key();
  const json& body = member.value();
  if (tag == "null") return Value::Null();
  if (tag == "bool") return Value::Bool(body.get<bool>());
  if (tag == "int") return Value::Int(std::stoll(body.get<std::string>()));
  if (tag == "uint") return Value::Uint(std::stoull(body.get<std::string>()));
  if (tag == "double") {
    if (body.is_string()) {
      std::string s = body.get<std::string>();
      if (s == "nan") return Value::Double(std::nan(""));
      return Value::Double(s == "inf" ? INFINITY : -INFINITY);
    }
    return Value::Double(body.get<double>());
  }
  if (tag == "string") return Value::String(body.get<std::string>());
  if (tag == "bytes") {
    return Value::Bytes(
        bssflow::dsl::Base64Decode(body.get<std::string>()).value_or(""));
  }
  if (tag == "list") {
    bssflow::dsl::ValueList items;
    for (const json& item : body) items.push_back(Decode(item));
    return Value::List(std::move(items));
  }
  if (tag == "map") {
    bssflow::dsl::ValueMap map;
    for (const json& entry : body)
      map.Insert(Decode(entry[0]), Decode(entry[1]));
    return Value::Map(std::move(map));
  }
  if (tag == "type") {
    std::optional<ValueKind> kind =
        bssflow::dsl::TypeNamed(body.get<std::string>());
    return kind ? Value::Type(*kind) : Value::Type(ValueKind::kError);
  }
  throw std::runtime_error("unknown value tag '" + tag + "'");
}

// Exact sameness: kinds must agree (1 and 1u differ), NaN equals NaN, and
// the sign of zero counts.
bool Same(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kDouble: {
      double x = a.double_value(), y = b.double_value();
      if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
      return x == y && std::signbit(x) == std::signbit(y);
    }
    case ValueKind::kList: {
      const auto& x = a.list_value();
      const auto& y = b.list_value();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!Same(x[i], y[i])) return false;
      }
      return true;
    }
    case ValueKind::kMap: {
      if (a.map_value().size() != b.map_value().size()) return false;
      for (const auto& [key, value] : a.map_value().entries()) {
        const Value* other = b.map_value().Find(key);
        if (other == nullptr || !Same(value, *other)) return false;
      }
      return true;
    }
    case ValueKind::kError:
      return true;
    default:
      return bssflow::dsl::Equal(a, b);
  }
}

struct Outcome {
  bool passed = false;
  std::string detail;  // why it failed
};

class Runner {
 public:
  explicit Runner(
      std::shared_ptr<const bssflow::dsl::FunctionRegistry> registry)
      : registry_(std::move(registry)) {}

  Outcome Run(const json& test) {
    bssflow::dsl::Env env(registry_);
    const json bindings = test.value("bindings", json::object());
    for (const auto& [name, value] : bindings.items()) env.Declare(name);
    bssflow::dsl::Source source;
    source.text = test.at("expr").get<std::string>();
    bssflow::dsl::CompileOptions options;
    options.mode = bssflow::dsl::CheckMode::kDeferToRuntime;
    bssflow::dsl::CompileResult compiled =
        bssflow::dsl::Compile(source, env, options);
    const json& expect = test.at("expect");
    if (!compiled.ok()) {
      std::string diagnostic = RenderAll(source, compiled.diagnostics);
      if (expect.contains("error")) return {true, ""};
      return {false, "compile error:\n" + diagnostic};
    }
    bssflow::dsl::Activation activation(env);
    for (const auto& [name, value] : bindings.items())
      activation.Bind(name, Decode(value));
    Value result = compiled.program->Evaluate(activation);
    if (expect.contains("error")) {
      if (result.is_error()) return {true, ""};
      return {false, "expected an error (" +
                         expect.value("kind", std::string("?")) + "), got " +
                         bssflow::dsl::DebugString(result)};
    }
    Value wanted = Decode(expect.at("value"));
    if (Same(result, wanted)) return {true, ""};
    return {false, "expected " + bssflow::dsl::DebugString(wanted) + " (" +
                       std::string(KindName(wanted.kind())) + "), got " +
                       bssflow::dsl::DebugString(result) + " (" +
                       std::string(KindName(result.kind())) + ")"};
  }

 private:
  std::shared_ptr<const bssflow::dsl::FunctionRegistry> registry_;
};

struct Totals {
  int passed = 0, failed = 0, skipped = 0;
};

// "file/section/name" -> reason.
bool ReadExpectedFailures(const std::string& path,
                          std::map<std::string, std::string>& out) {
  if (path.empty()) return true;
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cel_conformance: cannot read " << path << "\n";
    return false;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    size_t hash = line.find(" # ");
    if (hash == std::string::npos) {
      std::cerr << path << ":" << number
                << ": expected 'file/section/name # reason'\n";
      return false;
    }
    std::string id = line.substr(0, line.find_last_not_of(' ', hash) + 1);
    out[id] = line.substr(hash + 3);
  }
  return true;
}

std::vector<fs::path> VectorFiles(const std::string& path) {
  std::vector<fs::path> files;
  if (fs::is_directory(path)) {
    for (const auto& entry : fs::directory_iterator(path)) {
      if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
  } else {
    files.emplace_back(path);
  }
  return files;
}

void WriteCorpus(const std::string& dir, const std::string& expr) {
  fs::create_directories(dir);
  std::ofstream(fs::path(dir) /
                (std::to_string(std::hash<std::string>{}(expr)) + ".cel"))
      << expr;
}

int RunAll(const Options& options) {
  std::map<std::string, std::string> expected;
  if (!ReadExpectedFailures(options.expected_failures_path, expected)) return 2;
  auto rules = bssflow::dsl::PostalCodeRules::LoadFile(
      bssflow::dsl::DefaultPostalCodeRulesPath());
  auto registry =
      bssflow::dsl::BuildDefaultRegistry(rules.ok() ? rules.value() : nullptr);
  Runner runner(registry.value());
  Totals all;
  std::set<std::string> seen;
  for (const std::string& path : options.paths) {
    for (const fs::path& file : VectorFiles(path)) {
      std::ifstream in(file);
      if (!in) {
        std::cerr << "cel_conformance: cannot read " << file << "\n";
        return 2;
      }
      json tests = json::parse(in);
      Totals totals;
      for (const json& test : tests) {
        std::string id = file.stem().string() + "/" +
                         test.value("section", "") + "/" +
                         test.value("name", "");
        seen.insert(id);
        if (!options.corpus_dir.empty())
          WriteCorpus(options.corpus_dir, test.at("expr"));
        Outcome outcome = runner.Run(test);
        auto listed = expected.find(id);
        if (listed != expected.end()) {
          if (outcome.passed) {
            ++totals.failed;
            std::cout << "UNEXPECTED PASS " << id
                      << ": remove it from the expected "
                      << "failures\n";
          } else {
            ++totals.skipped;
            if (options.verbose)
              std::cout << "expected failure " << id << ": " << listed->second
                        << "\n";
          }
        } else if (outcome.passed) {
          ++totals.passed;
        } else {
          ++totals.failed;
          std::cout << "FAIL " << id
                    << "\n  expr: " << test.at("expr").get<std::string>()
                    << "\n  " << outcome.detail << "\n";
        }
      }
      std::cout << file.filename().string() << ": " << totals.passed
                << " passed, " << totals.failed << " failed, " << totals.skipped
                << " skipped\n";
      all.passed += totals.passed;
      all.failed += totals.failed;
      all.skipped += totals.skipped;
    }
  }
  for (const auto& [id, reason] : expected) {
    if (!seen.count(id) && options.verbose) {
      std::cout << "note: expected failure " << id
                << " names no test that ran\n";
    }
  }
  std::cout << all.passed << " passed, " << all.failed << " failed";
  if (all.skipped > 0) std::cout << ", " << all.skipped << " skipped";
  std::cout << "\n";
  return all.failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--expected-failures" || arg == "--write-corpus") &&
        i + 1 < argc) {
      (arg == "--expected-failures" ? options.expected_failures_path
                                    : options.corpus_dir) = argv[++i];
    } else if (arg == "--verbose") {
      options.verbose = true;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << "usage: cel_conformance [--expected-failures FILE] "
                   "[--write-corpus DIR] [--verbose] PATH...\n";
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << "cel_conformance: unknown option " << arg << "\n";
      return 2;
    } else {
      options.paths.push_back(arg);
    }
  }
  if (options.paths.empty()) {
    std::cerr << "usage: cel_conformance [--expected-failures FILE] "
                 "[--write-corpus DIR] [--verbose] PATH...\n";
    return 2;
  }
  try {
    return RunAll(options);
  } catch (const std::exception& e) {
    std::cerr << "cel_conformance: " << e.what() << "\n";
    return 2;
  }
}

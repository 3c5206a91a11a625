#include "dsl/postal_codes.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>

#include "base/read_file.h"

namespace bssflow::dsl {

namespace {

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// A text field: empty `problem` and the text, or the problem.
std::string Text(const YAML::Node& node, const char* field,
                 std::string& problem) {
  if (!node[field]) return "";
  if (!node[field].IsScalar()) {
    problem = std::string("'") + field + "' must be a single value";
    return "";
  }
  return node[field].as<std::string>();
}

// A list-of-codes field, e.g. examples: ['10117', '80331'].
std::vector<std::string> Strings(const YAML::Node& node, const char* field,
                                 std::string& problem) {
  std::vector<std::string> out;
  if (!node[field]) return out;
  if (!node[field].IsSequence()) {
    problem =
        std::string("'") + field + "' must be a list of codes, e.g. ['10117']";
    return out;
  }
  for (const YAML::Node& item : node[field]) {
    if (!item.IsScalar()) {
      problem = std::string("'") + field + "' must hold codes only";
      return {};
    }
    out.push_back(item.as<std::string>());
  }
  return out;
}

bool FullMatch(const re2::RE2& re, std::string_view code) {
  return RE2::FullMatch(re2::StringPiece(code.data(), code.size()), re);
}

// Reads one country entry; an error message, or empty when it is valid.
std::string ReadCountry(const std::string& code, const YAML::Node& node,
                        PostalCodeRules::Country& country) {
  country.code = code;
  if (code.size() != 2 || Upper(code) != code) {
    return "key must be an upper-case ISO 3166-1 alpha-2 code";
  }
  if (!node.IsMap()) return "expected the fields name, postal_code, regex, ...";
  std::string problem;
  country.name = Text(node, "name", problem);
  std::string requirement = Text(node, "postal_code", problem);
  std::string pattern = Text(node, "regex", problem);
  country.examples = Strings(node, "examples", problem);
  country.invalid = Strings(node, "invalid", problem);
  if (!problem.empty()) return problem;
  if (country.name.empty()) country.name = code;
  if (requirement == "required") {
    country.requirement = PostalCodeRules::Requirement::kRequired;
  } else if (requirement == "optional") {
    country.requirement = PostalCodeRules::Requirement::kOptional;
  } else if (requirement == "none") {
    country.requirement = PostalCodeRules::Requirement::kNone;
    return node["regex"] ? "postal_code is none, so there must be no regex"
                         : "";
  } else {
    return "postal_code must be required, optional or none, got '" +
           requirement + "'";
  }
  if (!node["regex"])
    return "postal_code is " + requirement + " but there is no regex";
  country.pattern = pattern;
  RE2::Options options;
  options.set_log_errors(false);
  auto re = std::make_shared<const re2::RE2>(country.pattern, options);
  if (!re->ok())
    return "regex '" + country.pattern + "' is invalid: " + re->error();
  country.regex = re;
  if (country.examples.empty() || country.invalid.empty()) {
    return "a regex needs at least one code under 'examples' and one under "
           "'invalid'";
  }
  for (const std::string& example : country.examples) {
    if (!FullMatch(*re, example))
      return "example '" + example + "' does not match the regex";
  }
  for (const std::string& bad : country.invalid) {
    if (FullMatch(*re, bad))
      return "invalid code '" + bad + "' matches the regex";
  }
  return "";
}

}  // namespace

Result<std::shared_ptr<const PostalCodeRules>> PostalCodeRules::Parse(
    std::string_view yaml, const std::string& name) {
  auto rules = std::make_shared<PostalCodeRules>();
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsMap() || !root["version"] || !root["version"].IsScalar() ||
        root["version"].as<std::string>() != "1") {
      return Status::Error(name + ": expected 'version: 1'");
    }
    YAML::Node countries = root["countries"];
    if (!countries || !countries.IsMap()) {
      return Status::Error(name + ": expected a 'countries' map");
    }
    for (const auto& entry : countries) {
      if (!entry.first.IsScalar()) {
        return Status::Error(name + ":" +
                             std::to_string(entry.first.Mark().line + 1) +
                             ": country keys must be ISO 3166-1 alpha-2 codes");
      }
      std::string code = entry.first.as<std::string>();
      Country country;
      std::string problem = ReadCountry(code, entry.second, country);
      if (!problem.empty()) {
        return Status::Error(name + ":" +
                             std::to_string(entry.first.Mark().line + 1) +
                             ": country " + code + ": " + problem);
      }
      if (!rules->countries_.emplace(code, std::move(country)).second) {
        return Status::Error(name + ":" +
                             std::to_string(entry.first.Mark().line + 1) +
                             ": country " + code + " is listed twice");
      }
    }
  } catch (const YAML::Exception& e) {
    return Status::Error(name + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  return std::shared_ptr<const PostalCodeRules>(std::move(rules));
}

Result<std::shared_ptr<const PostalCodeRules>> PostalCodeRules::LoadFile(
    const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text.ok()) {
    return Status::Error("postal code rules '" + path + "': " +
                         text.status().message() +
                         "; set BSSFLOW_DATA_DIR to the directory that holds "
                         "postal_codes.yaml");
  }
  return Parse(text.value(), path);
}

const PostalCodeRules::Country* PostalCodeRules::Find(
    std::string_view iso2) const {
  auto it = countries_.find(Upper(iso2));
  return it == countries_.end() ? nullptr : &it->second;
}

std::optional<bool> PostalCodeRules::IsValid(std::string_view iso2,
                                             std::string_view code) const {
  const Country* country = Find(iso2);
  if (country == nullptr) return std::nullopt;
  if (code.empty()) return country->requirement != Requirement::kRequired;
  if (country->requirement == Requirement::kNone) return true;
  return FullMatch(*country->regex, code);
}

std::string DefaultPostalCodeRulesPath() {
  const char* dir = std::getenv("BSSFLOW_DATA_DIR");
  std::string base =
      dir != nullptr && *dir != '\0' ? dir : BSSFLOW_DEFAULT_DATA_DIR;
  return base + "/postal_codes.yaml";
}

}  // namespace bssflow::dsl

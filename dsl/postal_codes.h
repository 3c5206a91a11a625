// The postal code rules behind postal_code_valid(country, code): one rule per
// ISO 3166-1 country, read from workflows/data/postal_codes.yaml so that
// solution engineers can change a rule without rebuilding (the file's header
// documents the format).
#ifndef BSSFLOW_DSL_POSTAL_CODES_H_
#define BSSFLOW_DSL_POSTAL_CODES_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace re2 {
class RE2;
}

namespace bssflow::dsl {

/// Immutable once loaded; safe to share between threads.
class PostalCodeRules {
 public:
  enum class Requirement { kRequired, kOptional, kNone };

  struct Country {
    std::string code;  // "DE"
    std::string name;  // "Germany"
    Requirement requirement = Requirement::kRequired;
    std::string pattern;                    // empty for kNone
    std::shared_ptr<const re2::RE2> regex;  // null for kNone
    std::vector<std::string> examples;      // codes the pattern accepts
    std::vector<std::string> invalid;       // codes the pattern rejects
  };

  /// Reads and validates a rules file: every country has a known
  /// requirement, every pattern compiles in RE2, every example matches and
  /// every invalid code does not. Errors name the file, the country and the
  /// problem.
  static Result<std::shared_ptr<const PostalCodeRules>> LoadFile(
      const std::string& path);

  /// As LoadFile, from text; `name` is used in error messages.
  static Result<std::shared_ptr<const PostalCodeRules>> Parse(
      std::string_view yaml, const std::string& name);

  /// The rule of `iso2` (case-insensitive), or nullptr.
  const Country* Find(std::string_view iso2) const;

  /// Whether `code` is a valid postal code in `iso2`; nullopt when the
  /// country is unknown. An empty code is valid unless the country requires
  /// one; the whole code must match the country's pattern.
  std::optional<bool> IsValid(std::string_view iso2,
                              std::string_view code) const;

  const std::map<std::string, Country>& countries() const { return countries_; }

 private:
  std::map<std::string, Country> countries_;
};

/// The rules file that postal_code_valid() uses: $BSSFLOW_DATA_DIR/
/// postal_codes.yaml, else the data directory this build was configured with.
std::string DefaultPostalCodeRulesPath();

}  // namespace bssflow::dsl

#endif  // BSSFLOW_DSL_POSTAL_CODES_H_

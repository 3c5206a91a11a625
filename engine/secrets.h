// Secrets in connector results: the fields a connector marks secret (a new
// tenant's admin password, tokens) are sealed with AES-256-GCM before a result
// reaches the journal, and masked before it reaches a log or the terminal.
//
// The key comes from BSSFLOW_SECRET_KEY, or from <data_dir>/secret.key, which
// is created on first use. Losing the key makes the secrets in existing
// journals unreadable (nothing else in a journal depends on it); changing it
// has the same effect, so the errors below never suggest replacing a key.
#ifndef BSSFLOW_ENGINE_SECRETS_H_
#define BSSFLOW_ENGINE_SECRETS_H_

#include <array>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "dsl/value.h"

namespace bssflow::engine {

/// The environment variable that holds the key in base64; it wins over the
/// key file.
inline constexpr std::string_view kSecretKeyVariable = "BSSFLOW_SECRET_KEY";
/// The key file's name in the data directory.
inline constexpr std::string_view kSecretKeyFileName = "secret.key";
/// What a sealed string starts with; the rest is base64 of nonce,
/// ciphertext and tag.
inline constexpr std::string_view kSealedPrefix = "v1:";
/// The only key of the map that stands for a sealed value in a result:
/// {"$secret": "v1:..."}.
inline constexpr std::string_view kSealedMarker = "$secret";
/// What MaskFields shows instead of a secret.
inline constexpr std::string_view kMaskedText = "***";

/// A 256-bit AES key. Copies hold their own bytes, which are wiped when the
/// copy is destroyed; nothing outside SecretBox can read them. Immutable, so
/// it may be shared between threads.
class SecretKey {
 public:
  static constexpr size_t kSize = 32;

  /// A key from its base64 text (surrounding whitespace ignored), e.g. what
  /// `openssl rand -base64 32` prints. An error when the text is not
  /// canonical base64 or does not decode to exactly 32 bytes.
  static Result<SecretKey> FromBase64(std::string_view text);

  /// A fresh random key that is never written anywhere: for journals thrown
  /// away with the process (a replay seals secrets as a real run does, so
  /// its recording masks the same values). An error when OpenSSL's random
  /// generator fails.
  static Result<SecretKey> Ephemeral();

  /// The key in `<data_dir>/secret.key` (base64, one line). When the file
  /// does not exist, creates it with 32 random bytes: the file is written
  /// under a temporary name opened with O_CREAT|O_EXCL and mode 0600, synced,
  /// then linked into place, so it is never readable by others, never seen
  /// half written, and two processes starting at once end up with the same
  /// key. An existing file that group or others may access is refused (the
  /// message says to run chmod 600), as is a malformed one. Does not create
  /// `data_dir`.
  static Result<SecretKey> LoadOrCreate(const std::string& data_dir);

  /// BSSFLOW_SECRET_KEY when it is set (an empty value is an error, not a
  /// fallback: a key silently generated in its place would make the
  /// journal's secrets unreadable wherever the variable is set properly);
  /// otherwise LoadOrCreate(data_dir).
  static Result<SecretKey> FromEnvironmentOrDataDir(
      const std::string& data_dir);

  SecretKey(const SecretKey& other) = default;
  SecretKey& operator=(const SecretKey& other) = default;
  ~SecretKey();

 private:
  friend class SecretBox;

  explicit SecretKey(const std::array<unsigned char, kSize>& bytes)
      : bytes_(bytes) {}
  /// FromBase64 with `subject` (the variable or file) named in errors.
  static Result<SecretKey> Parse(std::string_view text,
                                 std::string_view subject);

  std::array<unsigned char, kSize> bytes_;
};

/// Authenticated encryption of short texts with one key (AES-256-GCM,
/// OpenSSL EVP). Each Seal draws a fresh random 96-bit nonce, so one key
/// must seal fewer than 2^32 secrets (a few per run is the expected use).
/// The associated data is not stored but must be the same to open: it binds
/// a secret to its place (the engine passes "run-id/step-id/field"), so a
/// sealed value copied elsewhere in a journal does not open. Seal and Open
/// are const: any thread may call them at once. Each thread keeps an
/// OpenSSL context with the key expanded, and a pool of random bytes for
/// nonces (filled by RAND_bytes, each byte used once, dropped in a forked
/// child).
class SecretBox {
 public:
  explicit SecretBox(SecretKey key);

  /// "v1:" + base64(12-byte nonce || ciphertext || 16-byte tag). Aborts the
  /// process if OpenSSL's random generator or cipher fails, since no safe
  /// ciphertext can then be produced (OpenSSL on Linux does not fail so).
  std::string Seal(std::string_view plaintext,
                   std::string_view associated_data) const;

  /// The plaintext of a Seal() result, or an error: `cannot decrypt a
  /// secret: not a sealed secret (expected "v1:" and base64 data)` for text
  /// in another format, `cannot decrypt a secret: wrong key or damaged data`
  /// when the key, the associated data or any byte differs.
  Result<std::string> Open(std::string_view sealed,
                           std::string_view associated_data) const;

 private:
  SecretKey key_;
  /// Names this box's key in the per-thread cipher contexts (secrets.cc);
  /// unique in the process, shared by copies (they hold the same key).
  uint64_t key_id_;
};

// Values with secret fields. A path is dotted map keys
// ("credentials.password"); a list met along a path applies the rest of the
// path to each element ("users.password" reaches every user's password).
// Paths that reach nothing are ignored, as are results that are not maps or
// lists. A sealed field is the map {"$secret": "v1:..."} (so results must not
// hold maps whose only key is "$secret"); its associated data is
// `associated_prefix + "/" + place`, where place is the dotted path with list
// indices, e.g. "run-7/create/users[1].password". Walks stop at
// dsl::kMaxDataDepth levels; what lies deeper is treated as secret as a
// whole (sealed or masked), so nothing escapes unprotected.

/// Where `value` holds a map whose only key is "$secret" (the shape of a
/// sealed field), as a place like "note" or "users[1].token" ("" for
/// `value` itself); nullopt if it holds none within dsl::kMaxDataDepth
/// levels. A connector's result must not have that shape: the journal would
/// read it back as a sealed secret.
std::optional<std::string> SealedShapeAt(const dsl::Value& value);

/// `result` with the value at each of `secret_paths` replaced by a sealed
/// copy of its JSON text (dsl::ValueToJson). JSON data round-trips exactly
/// through OpenFields, except that maps come back in key order; other kinds
/// come back as ValueToJson writes them (bytes as base64 strings, maps with
/// non-string keys as lists of pairs, NaN as "NaN"). Values already sealed
/// are left as they are, so sealing twice is harmless.
dsl::Value SealFields(const dsl::Value& result,
                      const std::vector<std::string>& secret_paths,
                      const SecretBox& box, std::string_view associated_prefix);

/// Whether `json` is a sealed value as the journal keeps it: an object
/// whose only member is "$secret".
bool IsSealedJson(const nlohmann::json& json);

/// SealFields on JSON, in place: the value at each of `secret_paths` of
/// `data` replaced by a sealed copy of its JSON text. What it writes opens
/// (OpenFields) to what SealFields's would; unlike a conversion of `data`
/// to a value and back, it reaches every path whatever lies elsewhere in
/// `data`, however deep (the sealed text is what nests, not the walk).
void SealJsonFields(nlohmann::json& data,
                    const std::vector<std::string>& secret_paths,
                    const SecretBox& box, std::string_view associated_prefix);

/// The inverse of SealFields: opens every {"$secret": ...} anywhere in
/// `sealed`. An error, prefixed with the place ("credentials.password:
/// cannot decrypt a secret: wrong key or damaged data"), when one does not
/// open, or when the data nests deeper than dsl::kMaxDataDepth.
Result<dsl::Value> OpenFields(const dsl::Value& sealed, const SecretBox& box,
                              std::string_view associated_prefix);

/// For logs and CLI output: `v` with the value at each of `secret_paths`,
/// and every sealed value anywhere, replaced by the string "***".
dsl::Value MaskFields(const dsl::Value& v,
                      const std::vector<std::string>& secret_paths);

}  // namespace bssflow::engine

#endif  // BSSFLOW_ENGINE_SECRETS_H_

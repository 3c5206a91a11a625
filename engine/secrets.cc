#include "engine/secrets.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <system_error>
#include <type_traits>

#include "dsl/json_value.h"

namespace bssflow::engine {

namespace {

constexpr size_t kNonceSize = 12;
constexpr size_t kTagSize = 16;
constexpr size_t kMaxKeyFileSize = 4096;

constexpr char kKeyHint[] =
    "a secret key is 32 random bytes in base64, as `openssl rand -base64 32` "
    "prints";
constexpr char kNotSealed[] =
    "cannot decrypt a secret: not a sealed secret (expected \"v1:\" and base64 "
    "data)";
constexpr char kWrongKey[] =
    "cannot decrypt a secret: wrong key or damaged data";

std::string ErrnoText(int err) {
  return std::error_code(err, std::generic_category()).message();
}

std::string_view TrimWhitespace(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

// dsl::Base64Decode accepts trailing garbage after '=' and stray bits; keys
// and sealed data must be exactly what Base64Encode writes.
std::optional<std::string> DecodeCanonicalBase64(std::string_view text) {
  std::optional<std::string> decoded = dsl::Base64Decode(text);
  if (!decoded || dsl::Base64Encode(*decoded) != text) return std::nullopt;
  return decoded;
}

unsigned char* Bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Closes a file descriptor when it goes out of scope.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  /// Closes now and reports whether close() succeeded (it may report a
  /// failed write on some file systems).
  bool Close() {
    int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

// The key file's text, nullopt when there is none, or an error.
Result<std::optional<std::string>> ReadKeyFile(const std::string& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return Status::Error(path +
                         ": cannot read the secret key: " + ErrnoText(errno));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return Status::Error(path +
                         ": cannot read the secret key: " + ErrnoText(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return Status::Error(path + ": not a regular file; " + kKeyHint);
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o",
                  static_cast<unsigned>(st.st_mode & 07777));
    return Status::Error(path +
                         ": the secret key file is open to other users (mode " +
                         mode + "); run `chmod 600 " + path + "`");
  }
  std::string text(kMaxKeyFileSize + 1, '\0');
  size_t size = 0;
  while (size < text.size()) {
    ssize_t n = ::read(fd.get(), text.data() + size, text.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return Status::Error(path +
                           ": cannot read the secret key: " + ErrnoText(errno));
    }
    if (n == 0) break;
    size += static_cast<size_t>(n);
  }
  if (size > kMaxKeyFileSize) {
    return Status::Error(path + ": too large for a secret key; " + kKeyHint);
  }
  text.resize(size);
  return std::optional<std::string>(std::move(text));
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::Error(ErrnoText(errno));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

// Writes `text` to a new file at `path` (O_EXCL, mode 0600) and syncs it.
Status WriteNewPrivateFile(const std::string& path, std::string_view text) {
  FileDescriptor fd(::open(path.c_str(),
                           O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                           0600));
  if (fd.get() < 0) return Status::Error(ErrnoText(errno));
  Status written = WriteAll(fd.get(), text);
  if (written.ok() && ::fsync(fd.get()) != 0) {
    written = Status::Error(ErrnoText(errno));
  }
  if (!fd.Close() && written.ok()) written = Status::Error(ErrnoText(errno));
  return written;
}

Status SyncDirectory(const std::string& dir) {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) {
    return Status::Error(ErrnoText(errno));
  }
  return Status::Ok();
}

// Creates the key file with a fresh key unless it exists by now (another
// process may win the race; its key is then the one to use).
Status CreateKeyFile(const std::string& data_dir, const std::string& path) {
  std::array<unsigned char, SecretKey::kSize> raw;
  std::array<unsigned char, 8> suffix;
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1 ||
      RAND_bytes(suffix.data(), static_cast<int>(suffix.size())) != 1) {
    return Status::Error(
        "cannot generate a secret key: OpenSSL's random generator failed; "
        "set BSSFLOW_SECRET_KEY instead");
  }
  std::string text =
      dsl::Base64Encode(std::string_view(
          reinterpret_cast<const char*>(raw.data()), raw.size())) +
      "\n";
  OPENSSL_cleanse(raw.data(), raw.size());
  std::string temporary = path + ".new-";
  for (unsigned char c : suffix) {
    temporary += "0123456789abcdef"[c >> 4];
    temporary += "0123456789abcdef"[c & 15];
  }
  // Written aside and linked into place: link() never replaces a file, so
  // the first process to get there wins and no one reads a half-written key.
  Status written = WriteNewPrivateFile(temporary, text);
  OPENSSL_cleanse(text.data(), text.size());
  if (written.ok() && ::link(temporary.c_str(), path.c_str()) != 0 &&
      errno != EEXIST) {
    written = Status::Error(ErrnoText(errno));
  }
  ::unlink(temporary.c_str());
  if (written.ok()) written = SyncDirectory(data_dir);
  if (!written.ok()) {
    return Status::Error(path + ": cannot create the secret key file: " +
                         written.message() + "; make " + data_dir +
                         " an existing directory this user can write, "
                         "or set BSSFLOW_SECRET_KEY");
  }
  return Status::Ok();
}

[[noreturn]] void CipherFailed(const char* what) {
  char reason[256];
  ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
  std::fprintf(stderr, "bssflow: cannot seal a secret: %s failed (%s)\n", what,
               reason);
  std::abort();
}

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

// EVP counts in int; longer input goes in pieces. With `out` null the input
// is associated data. GCM writes exactly as many bytes as it reads.
bool CipherUpdate(EVP_CIPHER_CTX* ctx, unsigned char* out,
                  std::string_view in) {
  constexpr size_t kChunk = size_t{1} << 30;
  for (size_t done = 0; done < in.size();) {
    int n = static_cast<int>(std::min(kChunk, in.size() - done));
    int written = 0;
    if (EVP_CipherUpdate(ctx, out == nullptr ? nullptr : out + done, &written,
                         Bytes(in) + done, n) != 1) {
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

SecretKey::~SecretKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

Result<SecretKey> SecretKey::Parse(std::string_view text,
                                   std::string_view subject) {
  const std::string prefix = std::string(subject) + ": ";
  text = TrimWhitespace(text);
  if (text.empty()) return Status::Error(prefix + "empty; " + kKeyHint);
  std::optional<std::string> decoded = DecodeCanonicalBase64(text);
  if (!decoded) {
    return Status::Error(prefix + "not valid base64; " + kKeyHint);
  }
  if (decoded->size() != kSize) {
    std::string message = prefix + std::to_string(decoded->size()) +
                          " bytes after base64 decoding; " + kKeyHint;
    OPENSSL_cleanse(decoded->data(), decoded->size());
    return Status::Error(std::move(message));
  }
  std::array<unsigned char, kSize> bytes;
  std::copy_n(Bytes(*decoded), kSize, bytes.begin());
  OPENSSL_cleanse(decoded->data(), decoded->size());
  SecretKey key(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return key;
}

Result<SecretKey> SecretKey::Ephemeral() {
  std::array<unsigned char, kSize> raw;
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    return Status::Error(
        "cannot generate a secret key: OpenSSL's random generator failed");
  }
  SecretKey key(raw);
  OPENSSL_cleanse(raw.data(), raw.size());
  return key;
}

Result<SecretKey> SecretKey::FromBase64(std::string_view text) {
  return Parse(text, "secret key");
}

Result<SecretKey> SecretKey::LoadOrCreate(const std::string& data_dir) {
  const std::string path = data_dir + "/" + std::string(kSecretKeyFileName);
  Result<std::optional<std::string>> text = ReadKeyFile(path);
  if (text.ok() && !text.value()) {
    Status created = CreateKeyFile(data_dir, path);
    if (!created.ok()) return created;
    text = ReadKeyFile(path);
  }
  if (!text.ok()) return text.status();
  if (!text.value()) {
    return Status::Error(path +
                         ": the secret key file vanished after it was "
                         "created; check what removes files in " +
                         data_dir);
  }
  std::string& contents = *text.value();
  Result<SecretKey> key = Parse(contents, path);
  OPENSSL_cleanse(contents.data(), contents.size());
  return key;
}

Result<SecretKey> SecretKey::FromEnvironmentOrDataDir(
    const std::string& data_dir) {
  const std::string variable(kSecretKeyVariable);
  const char* value = std::getenv(variable.c_str());
  if (value == nullptr) return LoadOrCreate(data_dir);
  return Parse(value, variable);
}

namespace {

// An AES-256-GCM context per thread that has expanded one box's key: a key
// is expanded (and GCM's hash key derived) when it is set, so a context
// keyed once takes only a nonce per seal or open. Keyed by the box's
// key_id_, never by its address, which a later box may reuse.
struct KeyedContext {
  uint64_t key_id = 0;  // 0: none yet, or dropped after a failure
  CipherContext ctx;
};

// `cache`'s context, keyed for `key_id` and `key` with `init` (the encrypt or
// decrypt init function); nullptr if OpenSSL fails.
template <typename Init>
EVP_CIPHER_CTX* KeyedFor(KeyedContext& cache, uint64_t key_id,
                         const unsigned char* key, Init init) {
  if (cache.key_id == key_id) return cache.ctx.get();
  cache.key_id = 0;
  if (cache.ctx == nullptr) cache.ctx.reset(EVP_CIPHER_CTX_new());
  if (cache.ctx == nullptr ||
      init(cache.ctx.get(), EVP_aes_256_gcm(), nullptr, key, nullptr) != 1) {
    return nullptr;
  }
  cache.key_id = key_id;
  return cache.ctx.get();
}

thread_local KeyedContext encrypting;
thread_local KeyedContext decrypting;

// Nonces are drawn from RAND_bytes a few kilobytes at a time, per thread:
// the generator's output all the same, without its call per seal. Each
// byte is handed out once and wiped. A forked child drops the copy of the
// pool it inherited (ForgetNoncesInChild), or parent and child would seal
// with the same nonces.
struct NoncePool {
  std::array<unsigned char, 340 * kNonceSize> bytes{};
  size_t next = sizeof bytes;  // all used: fill first
  ~NoncePool() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

thread_local NoncePool nonces;

void ForgetNoncesInChild() { nonces.next = sizeof nonces.bytes; }

void DrawNonce(unsigned char* nonce) {
  static const bool registered =
      pthread_atfork(nullptr, nullptr, ForgetNoncesInChild) == 0;
  if (!registered) CipherFailed("pthread_atfork");
  if (nonces.next + kNonceSize > nonces.bytes.size()) {
    if (RAND_bytes(nonces.bytes.data(),
                   static_cast<int>(nonces.bytes.size())) != 1) {
      CipherFailed("RAND_bytes");
    }
    nonces.next = 0;
  }
  unsigned char* drawn = nonces.bytes.data() + nonces.next;
  std::copy_n(drawn, kNonceSize, nonce);
  OPENSSL_cleanse(drawn, kNonceSize);
  nonces.next += kNonceSize;
}

std::atomic<uint64_t> next_key_id{1};

}  // namespace

SecretBox::SecretBox(SecretKey key)
    : key_(std::move(key)), key_id_(next_key_id.fetch_add(1)) {}

std::string SecretBox::Seal(std::string_view plaintext,
                            std::string_view associated_data) const {
  std::string raw(kNonceSize + plaintext.size() + kTagSize, '\0');
  unsigned char* nonce = Bytes(raw);
  unsigned char* ciphertext = nonce + kNonceSize;
  unsigned char* tag = ciphertext + plaintext.size();
  DrawNonce(nonce);
  EVP_CIPHER_CTX* ctx =
      KeyedFor(encrypting, key_id_, key_.bytes_.data(), EVP_EncryptInit_ex);
  int final_size = 0;
  // AES-GCM's default IV length is 12 bytes, the nonce's size. Setting
  // only the nonce keeps the context's expanded key.
  if (ctx == nullptr ||
      EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce) != 1 ||
      !CipherUpdate(ctx, nullptr, associated_data) ||
      !CipherUpdate(ctx, ciphertext, plaintext) ||
      EVP_EncryptFinal_ex(ctx, tag, &final_size) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG,
                          static_cast<int>(kTagSize), tag) != 1) {
    CipherFailed("AES-256-GCM encryption");
  }
  return std::string(kSealedPrefix) + dsl::Base64Encode(raw);
}

Result<std::string> SecretBox::Open(std::string_view sealed,
                                    std::string_view associated_data) const {
  if (!sealed.starts_with(kSealedPrefix)) return Status::Error(kNotSealed);
  std::optional<std::string> raw =
      DecodeCanonicalBase64(sealed.substr(kSealedPrefix.size()));
  if (!raw) return Status::Error(kNotSealed);
  if (raw->size() < kNonceSize + kTagSize) return Status::Error(kWrongKey);
  const size_t size = raw->size() - kNonceSize - kTagSize;
  unsigned char* nonce = Bytes(*raw);
  std::string_view ciphertext(raw->data() + kNonceSize, size);
  unsigned char* tag = nonce + kNonceSize + size;
  std::string plaintext(size, '\0');
  EVP_CIPHER_CTX* ctx =
      KeyedFor(decrypting, key_id_, key_.bytes_.data(), EVP_DecryptInit_ex);
  int final_size = 0;
  if (ctx == nullptr ||
      EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, nonce) != 1 ||
      !CipherUpdate(ctx, nullptr, associated_data) ||
      !CipherUpdate(ctx, Bytes(plaintext), ciphertext) ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG,
                          static_cast<int>(kTagSize), tag) != 1 ||
      EVP_DecryptFinal_ex(ctx, Bytes(plaintext) + size, &final_size) != 1) {
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    // Keyed afresh next time: nothing of a refused open is trusted.
    decrypting.key_id = 0;
    return Status::Error(kWrongKey);
  }
  return plaintext;
}

// ---- Values with secret fields ----

namespace {

using dsl::Value;
using dsl::ValueKind;
using dsl::ValueList;
using dsl::ValueMap;

// The sealed string of {"$secret": ...}, or nullptr when `v` is not that.
const Value* SealedMember(const Value& v) {
  if (v.kind() != ValueKind::kMap) return nullptr;
  const auto& entries = v.map_value().entries();
  if (entries.size() != 1) return nullptr;
  const Value& key = entries[0].first;
  if (key.kind() != ValueKind::kString || key.string_value() != kSealedMarker)
    return nullptr;
  return &entries[0].second;
}

bool IsContainer(const Value& v) {
  return v.kind() == ValueKind::kList || v.kind() == ValueKind::kMap;
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> segments;
  for (size_t start = 0;;) {
    size_t dot = path.find('.', start);
    segments.emplace_back(path.substr(start, dot - start));
    if (dot == std::string_view::npos) return segments;
    start = dot + 1;
  }
}

// The place of a value as associated data and in messages:
// "users[1].password".
class Place {
 public:
  const std::string& text() const { return text_; }
  size_t Enter(const Value& key) {
    size_t mark = text_.size();
    if (!text_.empty()) text_ += '.';
    text_ += key.kind() == ValueKind::kString ? key.string_value()
                                              : dsl::DebugString(key);
    return mark;
  }
  size_t Enter(const std::string& key) {
    size_t mark = text_.size();
    if (!text_.empty()) text_ += '.';
    text_ += key;
    return mark;
  }
  size_t Enter(size_t index) {
    size_t mark = text_.size();
    text_ += '[' + std::to_string(index) + ']';
    return mark;
  }
  void Leave(size_t mark) { text_.resize(mark); }

 private:
  std::string text_;
};

// A function of the value at a place and the place, giving its replacement.
template <typename F>
concept Replacer = std::is_invocable_r_v<Value, F, const Value&, const Place&>;

// `v` with `replace` applied to every value `path` reaches. Sealed values
// are opaque: a path does not continue into them.
template <Replacer F>
Value ReplaceAt(const Value& v, std::span<const std::string> path, Place& place,
                int depth, const F& replace) {
  if (path.empty()) return replace(v, place);
  if (!IsContainer(v) || SealedMember(v) != nullptr) return v;
  if (depth >= dsl::kMaxDataDepth) return replace(v, place);
  if (v.kind() == ValueKind::kList) {
    const ValueList& items = v.list_value();
    ValueList out;
    out.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      size_t mark = place.Enter(i);
      out.push_back(ReplaceAt(items[i], path, place, depth + 1, replace));
      place.Leave(mark);
    }
    return Value::List(std::move(out));
  }
  const Value key = Value::String(path.front());
  if (v.map_value().Find(key) == nullptr) return v;
  ValueMap out;
  for (const auto& [k, item] : v.map_value().entries()) {
    if (k.kind() != ValueKind::kString || k.string_value() != path.front()) {
      out.Insert(k, item);
      continue;
    }
    size_t mark = place.Enter(k);
    out.Insert(k, ReplaceAt(item, path.subspan(1), place, depth + 1, replace));
    place.Leave(mark);
  }
  return Value::Map(std::move(out));
}

template <Replacer F>
Value ReplaceAtPaths(const Value& v, const std::vector<std::string>& paths,
                     const F& replace) {
  Value out = v;
  for (const std::string& path : paths) {
    if (path.empty()) continue;
    Place place;
    out = ReplaceAt(out, SplitPath(path), place, 0, replace);
  }
  return out;
}

std::string AssociatedData(std::string_view prefix, const Place& place) {
  std::string data(prefix);
  data += '/';
  data += place.text();
  return data;
}

std::string PlaceError(const Place& place, const std::string& message) {
  return place.text().empty() ? message : place.text() + ": " + message;
}

Result<Value> OpenAt(const Value& v, const SecretBox& box,
                     std::string_view prefix, Place& place, int depth);

// The value that the sealed string `sealed` at `place` stands for.
Result<Value> OpenSealed(const Value& sealed, const SecretBox& box,
                         std::string_view prefix, Place& place, int depth) {
  if (sealed.kind() != ValueKind::kString) {
    return Status::Error(PlaceError(place, kNotSealed));
  }
  Result<std::string> text =
      box.Open(sealed.string_value(), AssociatedData(prefix, place));
  if (!text.ok()) {
    return Status::Error(PlaceError(place, text.status().message()));
  }
  nlohmann::json json = nlohmann::json::parse(text.value(), nullptr, false);
  OPENSSL_cleanse(text.value().data(), text.value().size());
  // Authenticated, so only a sealer other than SealFields gets here.
  if (json.is_discarded()) {
    return Status::Error(PlaceError(place, "a sealed secret is not JSON"));
  }
  Result<Value> value = dsl::ValueFromJson(json, dsl::kMaxDataDepth - depth);
  if (!value.ok()) {
    return Status::Error(PlaceError(place, value.status().message()));
  }
  // A field sealed after one inside it (paths "a.b" then "a") holds a sealed
  // value in its plaintext.
  return OpenAt(value.value(), box, prefix, place, depth);
}

Result<Value> OpenAt(const Value& v, const SecretBox& box,
                     std::string_view prefix, Place& place, int depth) {
  if (const Value* sealed = SealedMember(v)) {
    return OpenSealed(*sealed, box, prefix, place, depth);
  }
  if (!IsContainer(v)) return v;
  if (depth >= dsl::kMaxDataDepth) {
    return Status::Error(
        PlaceError(place, "data nests deeper than " +
                              std::to_string(dsl::kMaxDataDepth) + " levels"));
  }
  if (v.kind() == ValueKind::kList) {
    const ValueList& items = v.list_value();
    ValueList out;
    out.reserve(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
      size_t mark = place.Enter(i);
      Result<Value> item = OpenAt(items[i], box, prefix, place, depth + 1);
      if (!item.ok()) return item;
      place.Leave(mark);
      out.push_back(std::move(item).value());
    }
    return Value::List(std::move(out));
  }
  ValueMap out;
  for (const auto& [key, item] : v.map_value().entries()) {
    size_t mark = place.Enter(key);
    Result<Value> opened = OpenAt(item, box, prefix, place, depth + 1);
    if (!opened.ok()) return opened;
    place.Leave(mark);
    out.Insert(key, std::move(opened).value());
  }
  return Value::Map(std::move(out));
}

// `v` with every sealed value replaced by "***", and everything nested
// deeper than the limit too.
Value MaskSealed(const Value& v, int depth) {
  if (!IsContainer(v)) return v;
  if (SealedMember(v) != nullptr || depth >= dsl::kMaxDataDepth) {
    return Value::String(std::string(kMaskedText));
  }
  if (v.kind() == ValueKind::kList) {
    ValueList out;
    out.reserve(v.list_value().size());
    for (const Value& item : v.list_value()) {
      out.push_back(MaskSealed(item, depth + 1));
    }
    return Value::List(std::move(out));
  }
  ValueMap out;
  for (const auto& [key, item] : v.map_value().entries()) {
    out.Insert(key, MaskSealed(item, depth + 1));
  }
  return Value::Map(std::move(out));
}

}  // namespace

namespace {

bool FindSealedShape(const Value& v, Place& place, int depth) {
  if (SealedMember(v) != nullptr) return true;
  if (!IsContainer(v) || depth >= dsl::kMaxDataDepth) return false;
  if (v.kind() == ValueKind::kList) {
    const ValueList& items = v.list_value();
    for (size_t i = 0; i < items.size(); ++i) {
      size_t mark = place.Enter(i);
      if (FindSealedShape(items[i], place, depth + 1)) return true;
      place.Leave(mark);
    }
    return false;
  }
  for (const auto& [key, item] : v.map_value().entries()) {
    size_t mark = place.Enter(key);
    if (FindSealedShape(item, place, depth + 1)) return true;
    place.Leave(mark);
  }
  return false;
}

}  // namespace

std::optional<std::string> SealedShapeAt(const Value& value) {
  Place place;
  if (!FindSealedShape(value, place, 0)) return std::nullopt;
  return std::string(place.text());
}

Value SealFields(const Value& result,
                 const std::vector<std::string>& secret_paths,
                 const SecretBox& box, std::string_view associated_prefix) {
  return ReplaceAtPaths(
      result, secret_paths, [&](const Value& v, const Place& place) {
        if (SealedMember(v) != nullptr) return v;  // sealed already
        std::string text = dsl::ValueToJson(v).dump(
            -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        ValueMap sealed;
        sealed.Insert(Value::String(std::string(kSealedMarker)),
                      Value::String(box.Seal(
                          text, AssociatedData(associated_prefix, place))));
        OPENSSL_cleanse(text.data(), text.size());
        return Value::Map(std::move(sealed));
      });
}

bool IsSealedJson(const nlohmann::json& json) {
  return json.is_object() && json.size() == 1 &&
         json.contains(std::string(kSealedMarker));
}

namespace {

// `json` replaced by {"$secret": its JSON text sealed for `place`}, unless
// sealed already. The text is what ValueToJson of the value would dump.
void SealJsonNode(nlohmann::json& json, const SecretBox& box,
                  std::string_view prefix, const Place& place) {
  if (IsSealedJson(json)) return;
  std::string text =
      json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  nlohmann::json sealed = nlohmann::json::object();
  sealed[std::string(kSealedMarker)] =
      box.Seal(text, AssociatedData(prefix, place));
  OPENSSL_cleanse(text.data(), text.size());
  json = std::move(sealed);
}

// ReplaceAt's walk, on JSON: lists apply the path to each element, sealed
// values are opaque, and a walk that reaches the depth limit seals what is
// there as a whole.
void SealJsonAt(nlohmann::json& json, std::span<const std::string> path,
                Place& place, int depth, const SecretBox& box,
                std::string_view prefix) {
  if (path.empty()) return SealJsonNode(json, box, prefix, place);
  if (!json.is_structured() || IsSealedJson(json)) return;
  if (depth >= dsl::kMaxDataDepth)
    return SealJsonNode(json, box, prefix, place);
  if (json.is_array()) {
    for (size_t i = 0; i < json.size(); ++i) {
      size_t mark = place.Enter(i);
      SealJsonAt(json[i], path, place, depth + 1, box, prefix);
      place.Leave(mark);
    }
    return;
  }
  auto member = json.find(path.front());
  if (member == json.end()) return;
  size_t mark = place.Enter(path.front());
  SealJsonAt(*member, path.subspan(1), place, depth + 1, box, prefix);
  place.Leave(mark);
}

}  // namespace

void SealJsonFields(nlohmann::json& data,
                    const std::vector<std::string>& secret_paths,
                    const SecretBox& box, std::string_view associated_prefix) {
  for (const std::string& path : secret_paths) {
    if (path.empty()) continue;
    Place place;
    std::vector<std::string> segments = SplitPath(path);
    SealJsonAt(data, segments, place, 0, box, associated_prefix);
  }
}

Result<Value> OpenFields(const Value& sealed, const SecretBox& box,
                         std::string_view associated_prefix) {
  Place place;
  return OpenAt(sealed, box, associated_prefix, place, 0);
}

Value MaskFields(const Value& v, const std::vector<std::string>& secret_paths) {
  Value masked =
      ReplaceAtPaths(v, secret_paths, [](const Value&, const Place&) {
        return Value::String(std::string(kMaskedText));
      });
  return MaskSealed(masked, 0);
}

}  // namespace bssflow::engine

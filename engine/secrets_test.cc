#include "engine/secrets.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "dsl/json_value.h"

namespace bssflow::engine {
namespace {

using dsl::Value;
using dsl::ValueList;
using dsl::ValueMap;

// 32 bytes 0x00..0x1f, and 32 bytes 0xff.
constexpr char kKeyA[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr char kKeyB[] = "//////////////////////////////////////////8=";
constexpr char kHint[] =
    "a secret key is 32 random bytes in base64, as `openssl rand -base64 32` "
    "prints";
constexpr char kWrongKey[] =
    "cannot decrypt a secret: wrong key or damaged data";
constexpr char kNotSealed[] =
    "cannot decrypt a secret: not a sealed secret (expected \"v1:\" and base64 "
    "data)";

SecretBox Box(const char* key) {
  Result<SecretKey> parsed = SecretKey::FromBase64(key);
  EXPECT_TRUE(parsed.ok()) << parsed.status().message();
  return SecretBox(parsed.value());
}

template <typename T>
std::string ErrorOf(const Result<T>& result) {
  return result.ok() ? "(no error)" : result.status().message();
}

// Objects come back with their members in key order (nlohmann::json).
Value Json(const std::string& text) {
  Result<Value> v = dsl::ValueFromJson(nlohmann::json::parse(text));
  EXPECT_TRUE(v.ok());
  return v.value();
}

std::string Dump(const Value& v) { return dsl::ValueToJson(v).dump(); }

// The sealed string at `key` of map `v` ({"$secret": ...}'s value).
std::string SealedAt(const Value& v, const std::string& key) {
  const Value* field = v.map_value().Find(Value::String(key));
  if (field == nullptr || field->kind() != dsl::ValueKind::kMap) return "";
  const Value* sealed = field->map_value().Find(Value::String("$secret"));
  return sealed == nullptr ? "" : sealed->string_value();
}

// ---- SecretKey ----

TEST(SecretKeyTest, ParsesBase64IgnoringSurroundingWhitespace) {
  Result<SecretKey> key =
      SecretKey::FromBase64(std::string(" ") + kKeyA + "\n");
  ASSERT_TRUE(key.ok()) << key.status().message();
  SecretBox box(key.value());
  EXPECT_EQ(Box(kKeyA).Open(box.Seal("x", "ad"), "ad").value(), "x");
}

TEST(SecretKeyTest, EphemeralKeysSealAndDifferFromEachOther) {
  Result<SecretKey> first = SecretKey::Ephemeral();
  Result<SecretKey> second = SecretKey::Ephemeral();
  ASSERT_TRUE(first.ok() && second.ok());
  SecretBox box(first.value());
  const std::string sealed = box.Seal("password", "ad");
  EXPECT_EQ(box.Open(sealed, "ad").value(), "password");
  EXPECT_FALSE(SecretBox(second.value()).Open(sealed, "ad").ok());
}

TEST(SecretKeyTest, RejectsMalformedAndWrongSizedKeys) {
  EXPECT_EQ(ErrorOf(SecretKey::FromBase64("not base64!")),
            std::string("secret key: not valid base64; ") + kHint);
  // Missing padding and bits after the padding are not canonical base64.
  EXPECT_EQ(ErrorOf(SecretKey::FromBase64(
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")),
            std::string("secret key: not valid base64; ") + kHint);
  EXPECT_EQ(ErrorOf(SecretKey::FromBase64(
                "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9=")),
            std::string("secret key: not valid base64; ") + kHint);
  EXPECT_EQ(
      ErrorOf(SecretKey::FromBase64("AAECAwQFBgcICQoLDA0ODw==")),
      std::string("secret key: 16 bytes after base64 decoding; ") + kHint);
  EXPECT_EQ(
      ErrorOf(SecretKey::FromBase64(dsl::Base64Encode(std::string(48, 'k')))),
      std::string("secret key: 48 bytes after base64 decoding; ") + kHint);
  EXPECT_EQ(ErrorOf(SecretKey::FromBase64(" \n")),
            std::string("secret key: empty; ") + kHint);
}

// A fresh directory under the test temporary directory, removed afterwards.
class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/secrets_test_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/secret.key";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void WriteKeyFile(const std::string& text, mode_t mode) {
    std::ofstream(path_) << text;
    ASSERT_EQ(::chmod(path_.c_str(), mode), 0);
  }
  std::string ReadKeyFile() {
    std::ifstream in(path_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  mode_t ModeOf(const std::string& path) {
    struct stat st;
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_mode & 07777;
  }

  std::string dir_;
  std::string path_;
};

TEST_F(KeyFileTest, CreatesTheKeyFileWithMode0600AndReusesIt) {
  Result<SecretKey> first = SecretKey::LoadOrCreate(dir_);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_EQ(ModeOf(path_), 0600u);
  std::string text = ReadKeyFile();
  ASSERT_EQ(text.size(), 45u);  // 44 base64 characters and a newline
  EXPECT_EQ(text.back(), '\n');
  // Nothing else is left behind (the temporary file is unlinked).
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_),
                          std::filesystem::directory_iterator()),
            1);

  Result<SecretKey> second = SecretKey::LoadOrCreate(dir_);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(ReadKeyFile(), text);
  std::string sealed = SecretBox(first.value()).Seal("pw", "ad");
  EXPECT_EQ(SecretBox(second.value()).Open(sealed, "ad").value(), "pw");
  // The file holds the key: parsing its text gives the same key.
  EXPECT_EQ(
      SecretBox(SecretKey::FromBase64(text).value()).Open(sealed, "ad").value(),
      "pw");
}

TEST_F(KeyFileTest, TwoDirectoriesGetDifferentKeys) {
  Result<SecretKey> first = SecretKey::LoadOrCreate(dir_);
  std::filesystem::remove(path_);
  Result<SecretKey> second = SecretKey::LoadOrCreate(dir_);
  ASSERT_TRUE(first.ok() && second.ok());
  std::string sealed = SecretBox(first.value()).Seal("pw", "ad");
  EXPECT_EQ(ErrorOf(SecretBox(second.value()).Open(sealed, "ad")), kWrongKey);
}

TEST_F(KeyFileTest, CallersRacingToCreateTheKeyGetTheSameKey) {
  std::vector<std::optional<Result<SecretKey>>> keys(8);
  std::vector<std::thread> threads;
  for (auto& key : keys) {
    threads.emplace_back([&] { key = SecretKey::LoadOrCreate(dir_); });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(keys[0]->ok()) << keys[0]->status().message();
  std::string sealed = SecretBox(keys[0]->value()).Seal("pw", "ad");
  for (const auto& key : keys) {
    ASSERT_TRUE(key->ok()) << key->status().message();
    EXPECT_EQ(SecretBox(key->value()).Open(sealed, "ad").value(), "pw");
  }
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_),
                          std::filesystem::directory_iterator()),
            1);
}

TEST_F(KeyFileTest, ReadsAnExistingKeyFile) {
  WriteKeyFile(std::string(kKeyA) + "\n", 0600);
  Result<SecretKey> key = SecretKey::LoadOrCreate(dir_);
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(SecretBox(key.value()).Open(Box(kKeyA).Seal("s", ""), "").value(),
            "s");
  // A read-only file is fine too.
  ASSERT_EQ(::chmod(path_.c_str(), 0400), 0);
  EXPECT_TRUE(SecretKey::LoadOrCreate(dir_).ok());
}

TEST_F(KeyFileTest, RefusesAKeyFileOthersCanAccess) {
  WriteKeyFile(std::string(kKeyA) + "\n", 0644);
  EXPECT_EQ(ErrorOf(SecretKey::LoadOrCreate(dir_)),
            path_ +
                ": the secret key file is open to other users (mode 0644); "
                "run `chmod 600 " +
                path_ + "`");
  ASSERT_EQ(::chmod(path_.c_str(), 0620), 0);
  EXPECT_EQ(ErrorOf(SecretKey::LoadOrCreate(dir_)),
            path_ +
                ": the secret key file is open to other users (mode 0620); "
                "run `chmod 600 " +
                path_ + "`");
  // Left as it was: the fix is the user's to make.
  EXPECT_EQ(ReadKeyFile(), std::string(kKeyA) + "\n");
}

TEST_F(KeyFileTest, RejectsAMalformedKeyFileNamingIt) {
  WriteKeyFile("AAECAwQFBgcICQoLDA0ODw==\n", 0600);
  EXPECT_EQ(ErrorOf(SecretKey::LoadOrCreate(dir_)),
            path_ + ": 16 bytes after base64 decoding; " + kHint);
  WriteKeyFile("", 0600);
  EXPECT_EQ(ErrorOf(SecretKey::LoadOrCreate(dir_)),
            path_ + ": empty; " + kHint);
}

TEST_F(KeyFileTest, ReportsAMissingDataDirectory) {
  std::string missing = dir_ + "/missing";
  EXPECT_EQ(ErrorOf(SecretKey::LoadOrCreate(missing)),
            missing +
                "/secret.key: cannot create the secret key file: No such file "
                "or directory; make " +
                missing +
                " an existing directory this user can write, or set "
                "BSSFLOW_SECRET_KEY");
}

// Sets or unsets BSSFLOW_SECRET_KEY for one test, then restores it.
class ScopedKeyVariable {
 public:
  explicit ScopedKeyVariable(const char* value) {
    if (const char* old = std::getenv("BSSFLOW_SECRET_KEY")) old_ = old;
    if (value == nullptr) {
      ::unsetenv("BSSFLOW_SECRET_KEY");
    } else {
      ::setenv("BSSFLOW_SECRET_KEY", value, 1);
    }
  }
  ~ScopedKeyVariable() {
    if (old_) {
      ::setenv("BSSFLOW_SECRET_KEY", old_->c_str(), 1);
    } else {
      ::unsetenv("BSSFLOW_SECRET_KEY");
    }
  }

 private:
  std::optional<std::string> old_;
};

TEST_F(KeyFileTest, TheEnvironmentVariableWins) {
  WriteKeyFile(std::string(kKeyB) + "\n", 0600);
  ScopedKeyVariable variable(kKeyA);
  Result<SecretKey> key = SecretKey::FromEnvironmentOrDataDir(dir_);
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_EQ(SecretBox(key.value()).Open(Box(kKeyA).Seal("s", ""), "").value(),
            "s");
}

TEST_F(KeyFileTest, TheEnvironmentVariableNeedsNoKeyFile) {
  ScopedKeyVariable variable(kKeyA);
  EXPECT_TRUE(SecretKey::FromEnvironmentOrDataDir(dir_).ok());
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(KeyFileTest, WithoutTheVariableTheKeyFileIsCreated) {
  ScopedKeyVariable variable(nullptr);
  EXPECT_TRUE(SecretKey::FromEnvironmentOrDataDir(dir_).ok());
  EXPECT_EQ(ModeOf(path_), 0600u);
}

TEST_F(KeyFileTest, AMalformedOrEmptyVariableIsAnError) {
  {
    ScopedKeyVariable variable("AAECAwQFBgcICQoLDA0ODw==");
    EXPECT_EQ(ErrorOf(SecretKey::FromEnvironmentOrDataDir(dir_)),
              std::string("BSSFLOW_SECRET_KEY: 16 bytes after base64 "
                          "decoding; ") +
                  kHint);
  }
  {
    ScopedKeyVariable variable("");
    EXPECT_EQ(ErrorOf(SecretKey::FromEnvironmentOrDataDir(dir_)),
              std::string("BSSFLOW_SECRET_KEY: empty; ") + kHint);
  }
  EXPECT_FALSE(std::filesystem::exists(path_));
}

// ---- SecretBox ----

TEST(SecretBoxTest, RoundTripsAnyBytes) {
  SecretBox box = Box(kKeyA);
  std::string every_byte;
  for (int i = 0; i < 256; ++i) every_byte.push_back(static_cast<char>(i));
  for (const std::string& text :
       {std::string(), std::string("S3cret!"), every_byte,
        std::string("пароль ✓"), std::string(100000, 'x')}) {
    std::string sealed = box.Seal(text, "run-1/create/password");
    ASSERT_TRUE(sealed.starts_with("v1:"));
    // Nonce, ciphertext as long as the text, tag.
    EXPECT_EQ(dsl::Base64Decode(sealed.substr(3))->size(),
              12 + text.size() + 16);
    Result<std::string> opened = box.Open(sealed, "run-1/create/password");
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    EXPECT_EQ(opened.value(), text);
  }
}

TEST(SecretBoxTest, DrawsANewNonceEachTime) {
  SecretBox box = Box(kKeyA);
  std::set<std::string> nonces;
  std::set<std::string> sealed;
  for (int i = 0; i < 100; ++i) {
    std::string s = box.Seal("same text", "same place");
    sealed.insert(s);
    nonces.insert(dsl::Base64Decode(s.substr(3))->substr(0, 12));
  }
  EXPECT_EQ(nonces.size(), 100u);
  EXPECT_EQ(sealed.size(), 100u);
}

std::string NonceOf(const std::string& sealed) {
  return dsl::Base64Decode(sealed.substr(3))->substr(0, 12);
}

// Each thread keeps a context with one box's key expanded: boxes used in
// turn, and a box made where another was, must each use their own key.
TEST(SecretBoxTest, BoxesUsedInTurnEachSealWithTheirOwnKey) {
  SecretBox a = Box(kKeyA);
  SecretBox b = Box(kKeyB);
  for (int i = 0; i < 3; ++i) {
    std::string by_a = a.Seal("from a", "ad");
    std::string by_b = b.Seal("from b", "ad");
    EXPECT_EQ(b.Open(by_b, "ad").value(), "from b");
    EXPECT_EQ(a.Open(by_a, "ad").value(), "from a");
    EXPECT_EQ(ErrorOf(a.Open(by_b, "ad")), kWrongKey);
    EXPECT_EQ(ErrorOf(b.Open(by_a, "ad")), kWrongKey);
  }
  std::string sealed;
  { sealed = Box(kKeyA).Seal("S3cret!", "ad"); }
  {
    SecretBox other = Box(kKeyB);  // may sit where the last box was
    EXPECT_EQ(ErrorOf(other.Open(sealed, "ad")), kWrongKey);
    EXPECT_EQ(Box(kKeyB).Open(other.Seal("x", "ad"), "ad").value(), "x");
  }
}

TEST(SecretBoxTest, AnOpenThatFailsLeavesTheNextOneWorking) {
  SecretBox box = Box(kKeyA);
  std::string sealed = box.Seal("S3cret!", "ad");
  EXPECT_EQ(ErrorOf(box.Open(sealed, "other place")), kWrongKey);
  EXPECT_EQ(box.Open(sealed, "ad").value(), "S3cret!");
}

TEST(SecretBoxTest, ThreadsSealAndOpenAtOnce) {
  SecretBox a = Box(kKeyA);
  SecretBox b = Box(kKeyB);
  constexpr int kThreads = 4, kEach = 500;
  std::vector<std::vector<std::string>> nonces(kThreads);
  std::vector<int> opened(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const SecretBox& box = t % 2 == 0 ? a : b;
      for (int i = 0; i < kEach; ++i) {
        std::string text = std::to_string(t) + "/" + std::to_string(i);
        std::string sealed = box.Seal(text, "ad");
        nonces[t].push_back(NonceOf(sealed));
        Result<std::string> back = box.Open(sealed, "ad");
        if (back.ok() && back.value() == text) ++opened[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<std::string> all;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(opened[t], kEach);
    all.insert(nonces[t].begin(), nonces[t].end());
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
}

// Nonces come from a per-thread pool of random bytes: a forked child must
// not draw the ones its parent draws next.
TEST(SecretBoxTest, AForkedChildDrawsOtherNoncesThanItsParent) {
  SecretBox box = Box(kKeyA);
  (void)box.Seal("fills this thread's pool", "ad");
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string nonce = NonceOf(box.Seal("in the child", "ad"));
    ssize_t written = write(pipe_fds[1], nonce.data(), nonce.size());
    _exit(written == static_cast<ssize_t>(nonce.size()) ? 0 : 1);
  }
  close(pipe_fds[1]);
  std::string childs(12, '\0');
  ssize_t got = read(pipe_fds[0], childs.data(), childs.size());
  close(pipe_fds[0]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_EQ(got, 12);
  EXPECT_NE(NonceOf(box.Seal("in the parent", "ad")), childs);
}

TEST(SecretBoxTest, TheSealedTextNeverHoldsThePlaintext) {
  std::string sealed = Box(kKeyA).Seal("S3cret!", "ad");
  EXPECT_EQ(sealed.find("S3cret!"), std::string::npos);
  EXPECT_EQ(sealed.find(dsl::Base64Encode("S3cret!").substr(0, 8)),
            std::string::npos);
}

TEST(SecretBoxTest, AnyChangedByteFailsToOpen) {
  SecretBox box = Box(kKeyA);
  std::string raw = *dsl::Base64Decode(box.Seal("S3cret!", "ad").substr(3));
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string damaged = raw;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x01);
    EXPECT_EQ(ErrorOf(box.Open("v1:" + dsl::Base64Encode(damaged), "ad")),
              kWrongKey)
        << "byte " << i;
  }
  // Truncated: a tag short, or nothing but a nonce.
  EXPECT_EQ(
      ErrorOf(box.Open("v1:" + dsl::Base64Encode(raw.substr(0, 20)), "ad")),
      kWrongKey);
  EXPECT_EQ(ErrorOf(box.Open("v1:", "ad")), kWrongKey);
}

TEST(SecretBoxTest, WrongKeyOrPlaceFailsToOpen) {
  std::string sealed = Box(kKeyA).Seal("S3cret!", "run-1/create/password");
  EXPECT_EQ(ErrorOf(Box(kKeyB).Open(sealed, "run-1/create/password")),
            kWrongKey);
  EXPECT_EQ(ErrorOf(Box(kKeyA).Open(sealed, "run-2/create/password")),
            kWrongKey);
  EXPECT_EQ(ErrorOf(Box(kKeyA).Open(sealed, "")), kWrongKey);
}

TEST(SecretBoxTest, RejectsOtherFormats) {
  SecretBox box = Box(kKeyA);
  std::string sealed = box.Seal("S3cret!", "ad");
  EXPECT_EQ(ErrorOf(box.Open("S3cret!", "ad")), kNotSealed);
  EXPECT_EQ(ErrorOf(box.Open(sealed.substr(3), "ad")), kNotSealed);
  EXPECT_EQ(ErrorOf(box.Open("v2:" + sealed.substr(3), "ad")), kNotSealed);
  EXPECT_EQ(ErrorOf(box.Open("v1:not base64!", "ad")), kNotSealed);
  EXPECT_EQ(ErrorOf(box.Open(sealed + "AAAA=", "ad")), kNotSealed);
}

// ---- SealFields, OpenFields, MaskFields ----

constexpr char kCreated[] =
    R"({"id":7,"credentials":{"user":"admin","password":"S3cret!"},)"
    R"("userCredentials":{"password":"Pa55w0rd"},"domain":"contoso"})";
const std::vector<std::string> kSecretPaths = {"credentials.password",
                                               "userCredentials.password"};

TEST(SecretFieldsTest, SealsOnlyTheSecretFieldsAndOpensThem) {
  SecretBox box = Box(kKeyA);
  Value result = Json(kCreated);
  Value sealed = SealFields(result, kSecretPaths, box, "run-1/create");
  std::string text = Dump(sealed);
  EXPECT_EQ(text.find("S3cret!"), std::string::npos);
  EXPECT_EQ(text.find("Pa55w0rd"), std::string::npos);
  // Everything else is untouched.
  const Value& credentials =
      *sealed.map_value().Find(Value::String("credentials"));
  EXPECT_EQ(Dump(*credentials.map_value().Find(Value::String("user"))),
            "\"admin\"");
  EXPECT_TRUE(SealedAt(credentials, "password").starts_with("v1:"));
  EXPECT_EQ(Dump(*sealed.map_value().Find(Value::String("domain"))),
            "\"contoso\"");
  // The associated data is the place: prefix, "/", dotted path.
  EXPECT_EQ(box.Open(SealedAt(credentials, "password"),
                     "run-1/create/credentials.password")
                .value(),
            "\"S3cret!\"");

  Result<Value> opened = OpenFields(sealed, box, "run-1/create");
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(Dump(opened.value()), Dump(result));
}

TEST(SecretFieldsTest, EveryJsonKindRoundTrips) {
  SecretBox box = Box(kKeyA);
  for (const char* secret :
       {"null", "true", "false", "0", "-42", "9223372036854775807",
        "18446744073709551615", "2.5", "-1e-300", "\"\"", "\"S3cret!\"",
        "\"пароль\"", "[]", "[1,\"two\",[3.0]]", "{}",
        R"({"a":{"b":[null,{"c":"d"}]},"z":1})"}) {
    Value result = Json(std::string(R"({"s":)") + secret + "}");
    Value sealed = SealFields(result, {"s"}, box, "p");
    ASSERT_NE(SealedAt(sealed, "s"), "") << secret;
    Result<Value> opened = OpenFields(sealed, box, "p");
    ASSERT_TRUE(opened.ok()) << opened.status().message();
    EXPECT_EQ(Dump(opened.value()), Dump(result)) << secret;
    const Value& s = *opened.value().map_value().Find(Value::String("s"));
    const Value& original = *result.map_value().Find(Value::String("s"));
    EXPECT_EQ(s.kind(), original.kind()) << secret;
  }
}

TEST(SecretFieldsTest, OtherKindsComeBackAsTheirJson) {
  SecretBox box = Box(kKeyA);
  ValueList items = {Value::Bytes(std::string("\x00\xff", 2)), Value::Uint(3),
                     Value::Type(dsl::ValueKind::kInt)};
  ValueMap map;
  map.Insert(Value::String("s"), Value::List(std::move(items)));
  Value sealed = SealFields(Value::Map(std::move(map)), {"s"}, box, "p");
  Result<Value> opened = OpenFields(sealed, box, "p");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(Dump(opened.value()), R"({"s":["AP8=",3,"int"]})");
}

TEST(SecretFieldsTest, AbsentPathsAndOtherResultsAreLeftAlone) {
  SecretBox box = Box(kKeyA);
  Value result = Json(kCreated);
  for (const std::vector<std::string>& paths :
       std::vector<std::vector<std::string>>{{},
                                             {""},
                                             {"missing"},
                                             {"credentials.missing"},
                                             {"id.value"},
                                             {"credentials.user.x"},
                                             {"credentials..password"}}) {
    EXPECT_EQ(Dump(SealFields(result, paths, box, "p")), Dump(result));
    EXPECT_EQ(Dump(MaskFields(result, paths)), Dump(result));
  }
  for (const char* other : {"null", "\"S3cret!\"", "12", "[1,2]"}) {
    Value v = Json(other);
    EXPECT_EQ(Dump(SealFields(v, kSecretPaths, box, "p")), other);
    EXPECT_EQ(Dump(MaskFields(v, kSecretPaths)), other);
    EXPECT_EQ(Dump(OpenFields(v, box, "p").value()), other);
  }
}

TEST(SecretFieldsTest, ListsApplyThePathToEachElement) {
  SecretBox box = Box(kKeyA);
  Value result =
      Json(R"({"users":[{"name":"a","password":"pw-a"},{"name":"b"},)"
           R"({"name":"c","password":"pw-c"}]})");
  Value sealed = SealFields(result, {"users.password"}, box, "run-1/s");
  std::string text = Dump(sealed);
  EXPECT_EQ(text.find("pw-a"), std::string::npos);
  EXPECT_EQ(text.find("pw-c"), std::string::npos);
  const Value& third =
      sealed.map_value().Find(Value::String("users"))->list_value()[2];
  EXPECT_EQ(box.Open(SealedAt(third, "password"), "run-1/s/users[2].password")
                .value(),
            "\"pw-c\"");
  EXPECT_EQ(Dump(OpenFields(sealed, box, "run-1/s").value()), Dump(result));
  EXPECT_EQ(Dump(MaskFields(result, {"users.password"})),
            R"({"users":[{"name":"a","password":"***"},{"name":"b"},)"
            R"({"name":"c","password":"***"}]})");
}

// SealJsonFields writes what SealFields does, on JSON in place: the same
// shape (sealed values masked), the same places, and it opens back to the
// data it sealed.
TEST(SecretFieldsTest, SealingJsonInPlaceMatchesSealFields) {
  SecretBox box = Box(kKeyA);
  const std::string lists =
      R"({"users":[{"name":"a","password":"pw-a"},{"name":"b"},)"
      R"({"name":"c","password":"pw-c"}],"n":1,"u":18446744073709551615})";
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases =
      {{kCreated, kSecretPaths},
       {lists, {"users.password"}},
       {lists, {"users"}},
       {lists, {"missing", "", "n.x", "users..password"}},
       {R"({"s":{"$secret":")" + box.Seal("\"x\"", "run-1/s/s") +
            R"("},"t":[1.5,"x",null]})",
        {"s", "t"}}};  // "s" is sealed already: left as it is
  for (const auto& [text, paths] : cases) {
    nlohmann::json data = nlohmann::json::parse(text);
    SealJsonFields(data, paths, box, "run-1/s");
    Value sealed = dsl::ValueFromJson(data).value();
    EXPECT_EQ(Dump(MaskFields(sealed, {})),
              Dump(MaskFields(SealFields(Json(text), paths, box, "run-1/s"),
                              {})))
        << text;
    EXPECT_EQ(Dump(OpenFields(sealed, box, "run-1/s").value()),
              Dump(OpenFields(Json(text), box, "run-1/s").value()))
        << text;
  }
  nlohmann::json data = nlohmann::json::parse(lists);
  SealJsonFields(data, {"users.password"}, box, "run-1/s");
  EXPECT_EQ(box.Open(data["users"][2]["password"]["$secret"].get<std::string>(),
                     "run-1/s/users[2].password")
                .value(),
            "\"pw-c\"");
}

// The walk is as deep as the path, whatever the data: a value nested far
// past what converts to a value is sealed whole.
TEST(SecretFieldsTest, SealingJsonInPlaceReachesDeepData) {
  SecretBox box = Box(kKeyA);
  // Not a base64 text, so that the sealed text cannot hold it by chance.
  nlohmann::json deep = "pass-word!";
  for (int i = 0; i < 150; ++i) deep = nlohmann::json::array({deep});
  nlohmann::json data = {{"arguments", {{"x", deep}, {"y", "plain"}}}};
  SealJsonFields(data, {"arguments.x"}, box, "p");
  EXPECT_EQ(data.dump().find("pass-word!"), std::string::npos);
  EXPECT_EQ(data["arguments"]["y"], "plain");
  EXPECT_EQ(box.Open(data["arguments"]["x"]["$secret"].get<std::string>(),
                     "p/arguments.x")
                .value(),
            deep.dump());
}

TEST(SecretFieldsTest, ASealedValueOpensOnlyInItsPlace) {
  SecretBox box = Box(kKeyA);
  Value sealed = SealFields(Json(kCreated), kSecretPaths, box, "run-1/create");
  EXPECT_EQ(ErrorOf(OpenFields(sealed, box, "run-2/create")),
            std::string("credentials.password: ") + kWrongKey);
  EXPECT_EQ(ErrorOf(OpenFields(sealed, Box(kKeyB), "run-1/create")),
            std::string("credentials.password: ") + kWrongKey);
  // Moved to another field of the same result.
  const Value& credentials =
      *sealed.map_value().Find(Value::String("credentials"));
  ValueMap moved;
  moved.Insert(Value::String("userCredentials"), credentials);
  EXPECT_EQ(
      ErrorOf(OpenFields(Value::Map(std::move(moved)), box, "run-1/create")),
      std::string("userCredentials.password: ") + kWrongKey);
}

TEST(SecretFieldsTest, ReportsMalformedSealedValues) {
  SecretBox box = Box(kKeyA);
  EXPECT_EQ(ErrorOf(OpenFields(Json(R"({"a":[{"$secret":5}]})"), box, "p")),
            std::string("a[0]: ") + kNotSealed);
  EXPECT_EQ(
      ErrorOf(OpenFields(Json(R"({"a":{"$secret":"S3cret!"}})"), box, "p")),
      std::string("a: ") + kNotSealed);
  // A map with other keys beside "$secret" is plain data.
  Value plain = Json(R"({"a":{"$secret":"x","b":1}})");
  EXPECT_EQ(Dump(OpenFields(plain, box, "p").value()), Dump(plain));
}

TEST(SecretFieldsTest, SealingTwiceOrOuterAfterInnerStillOpens) {
  SecretBox box = Box(kKeyA);
  Value result = Json(kCreated);
  Value once = SealFields(result, kSecretPaths, box, "p");
  Value twice = SealFields(once, kSecretPaths, box, "p");
  EXPECT_EQ(Dump(twice), Dump(once));
  Value outer = SealFields(once, {"credentials"}, box, "p");
  EXPECT_NE(SealedAt(outer, "credentials"), "");
  Result<Value> opened = OpenFields(outer, box, "p");
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(Dump(opened.value()), Dump(result));
}

TEST(SecretFieldsTest, MasksSecretFieldsAndSealedValues) {
  SecretBox box = Box(kKeyA);
  Value result = Json(kCreated);
  const std::string masked =
      R"({"credentials":{"password":"***","user":"admin"},"domain":"contoso",)"
      R"("id":7,"userCredentials":{"password":"***"}})";
  EXPECT_EQ(Dump(MaskFields(result, kSecretPaths)), masked);
  // Sealed values are masked wherever they are, even without their paths.
  Value sealed = SealFields(result, kSecretPaths, box, "p");
  EXPECT_EQ(Dump(MaskFields(sealed, {})), masked);
  EXPECT_EQ(Dump(MaskFields(sealed, kSecretPaths)), masked);
  // A whole sub-map may be secret.
  EXPECT_EQ(Dump(MaskFields(result, {"credentials"})),
            R"({"credentials":"***","domain":"contoso","id":7,)"
            R"("userCredentials":{"password":"Pa55w0rd"}})");
}

// `inner` inside `levels` single-element lists.
Value Nested(Value inner, int levels) {
  for (int i = 0; i < levels; ++i) inner = Value::List({inner});
  return inner;
}

TEST(SecretFieldsTest, DeepDataIsHiddenNotWalkedWithoutBound) {
  SecretBox box = Box(kKeyA);
  Value deep = Nested(Json(R"({"password":"S3cret!"})"), 1000);
  std::string sealed = Dump(SealFields(deep, {"password"}, box, "p"));
  EXPECT_EQ(sealed.find("S3cret!"), std::string::npos);
  std::string masked = Dump(MaskFields(deep, {"password"}));
  EXPECT_EQ(masked.find("S3cret!"), std::string::npos);
  EXPECT_EQ(masked, Dump(Nested(Value::String("***"), 100)));
  std::string place;
  for (int i = 0; i < 100; ++i) place += "[0]";
  EXPECT_EQ(ErrorOf(OpenFields(deep, box, "p")),
            place + ": data nests deeper than 100 levels");
}

TEST(SecretFieldsTest, DataAtTheDepthLimitRoundTrips) {
  SecretBox box = Box(kKeyA);
  // 100 levels in all, the secret being the innermost list.
  Value result = Nested(Json(R"({"password":[1]})"), 98);
  Value sealed = SealFields(result, {"password"}, box, "p");
  Result<Value> opened = OpenFields(sealed, box, "p");
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  EXPECT_EQ(Dump(opened.value()), Dump(result));
}

}  // namespace
}  // namespace bssflow::engine

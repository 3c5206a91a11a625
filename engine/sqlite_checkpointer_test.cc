#include "engine/sqlite_checkpointer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace bssflow::engine {
namespace {

TEST(CheckpointDueTest, CountsThePagesSinceTheLastCheckpoint) {
  EXPECT_FALSE(CheckpointDue(999, 0, 1000));
  EXPECT_TRUE(CheckpointDue(1000, 0, 1000));
  EXPECT_FALSE(CheckpointDue(1500, 1000, 1000));
  EXPECT_TRUE(CheckpointDue(2000, 1000, 1000));
}

TEST(CheckpointDueTest, AShorterWalWasRestartedAndCountsFromZero) {
  EXPECT_FALSE(CheckpointDue(10, 1500, 1000));
  EXPECT_TRUE(CheckpointDue(1200, 1500, 1000));
}

// A database in WAL mode in a directory of its own, and a table to fill.
class CheckpointerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/bssflow_checkpointer_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/journal.db";
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db_), SQLITE_OK);
    Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
         "CREATE TABLE rows (id INTEGER PRIMARY KEY, data TEXT)");
  }
  void TearDown() override {
    checkpointer_.reset();
    sqlite3_close(db_);
    std::filesystem::remove_all(dir_);
  }

  void Exec(const std::string& sql) {
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << (error != nullptr ? error : "");
  }

  void Start(bool background, int background_pages, int writer_pages) {
    CheckpointPolicy policy;
    policy.background = background;
    policy.background_pages = background_pages;
    policy.writer_pages = writer_pages;
    auto started = Checkpointer::Start(db_, path_, policy, 1000);
    ASSERT_TRUE(started.ok()) << started.status().message();
    checkpointer_ = std::move(started.value());
  }

  // `count` commits of about 4 KB each: a WAL page or two apiece.
  void Commit(int count) {
    const std::string data(4000, 'x');
    for (int i = 0; i < count; ++i) {
      Exec("INSERT INTO rows (data) VALUES ('" + data + "')");
    }
  }

  int64_t WalBytes() const {
    return static_cast<int64_t>(std::filesystem::file_size(path_ + "-wal"));
  }

  int64_t Rows() {
    sqlite3_stmt* count = nullptr;
    sqlite3_prepare_v2(db_, "SELECT count(*) FROM rows", -1, &count, nullptr);
    sqlite3_step(count);
    int64_t n = sqlite3_column_int64(count, 0);
    sqlite3_finalize(count);
    return n;
  }

  std::string dir_, path_;
  sqlite3* db_ = nullptr;
  std::unique_ptr<Checkpointer> checkpointer_;
};

TEST_F(CheckpointerTest, TheThreadCheckpointsAndTheWriterDoesNot) {
  Start(/*background=*/true, /*background_pages=*/50,
        /*writer_pages=*/1000000);
  Commit(60);
  checkpointer_->WaitUntilCaughtUp();
  EXPECT_GE(checkpointer_->background_checkpoints(), 1);
  EXPECT_EQ(checkpointer_->writer_checkpoints(), 0);
  EXPECT_GE(checkpointer_->checkpointed_pages(), 50);
  EXPECT_EQ(Rows(), 60);
}

TEST_F(CheckpointerTest, WithoutTheThreadTheWriterKeepsTheWalBounded) {
  Start(/*background=*/false, /*background_pages=*/1000, /*writer_pages=*/40);
  Commit(400);  // about 400 pages
  EXPECT_GE(checkpointer_->writer_checkpoints(), 5);
  EXPECT_EQ(checkpointer_->background_checkpoints(), 0);
  EXPECT_LT(WalBytes(), 60 * 4096);
  EXPECT_EQ(Rows(), 400);
}

TEST_F(CheckpointerTest, ItReplacesSqlitesOwnCheckpoint) {
  // Neither checkpoints: SQLite's automatic one, in the commit, is gone too.
  Start(/*background=*/false, /*background_pages=*/1000,
        /*writer_pages=*/1000000);
  Commit(1200);  // past SQLite's 1,000 pages
  EXPECT_GT(WalBytes(), 1200 * 4096);
  EXPECT_EQ(checkpointer_->writer_checkpoints(), 0);
}

}  // namespace
}  // namespace bssflow::engine

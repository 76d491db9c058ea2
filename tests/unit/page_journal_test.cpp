// The page journal (sim/cpu/page_journal.h): while armed, the first write to each page is recorded with
// the page's old contents, whoever writes (here plain host stores, as firmware replies would be); every
// page read, written or noted as code is listed as accessed, and no other; disarm() leaves everything
// writable; only one journal may be armed at a time.
#include <gtest/gtest.h>

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "sim/cpu/page_journal.h"

namespace bootsim {
namespace {

constexpr std::uint32_t kPage = PageJournal::kPage;

struct Ram {
  explicit Ram(std::uint32_t pages) : bytes(pages * kPage) {
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error("mmap");
    mem = static_cast<std::uint8_t*>(p);
  }
  ~Ram() { munmap(mem, bytes); }
  std::uint32_t bytes;
  std::uint8_t* mem;
};

TEST(page_journal, RecordsThePagesWrittenWhileArmedWithTheirOldContents) {
  // Given RAM with something on pages 2 and 5
  Ram ram(16);
  std::memset(ram.mem + 2 * kPage, 0xAA, kPage);
  std::memset(ram.mem + 5 * kPage, 0x55, kPage);
  PageJournal j(ram.mem, ram.bytes);
  // When the journal is armed and pages 5, 2, 5 again and 9 (never touched) are written, page 3 read
  j.arm();
  volatile std::uint8_t sink = ram.mem[3 * kPage];
  (void)sink;
  ram.mem[5 * kPage + 7] = 1;
  ram.mem[2 * kPage] = 2;
  ram.mem[5 * kPage + 8] = 3;
  ram.mem[9 * kPage + 100] = 4;
  j.disarm();
  // Then the journal lists each written page once (in the order the stores reached memory, which the
  // compiler may choose), with what it held
  std::vector<std::uint32_t> pages = j.written();
  std::sort(pages.begin(), pages.end());
  ASSERT_EQ(pages, (std::vector<std::uint32_t>{2, 5, 9}));
  EXPECT_EQ(j.before(5)[7], 0x55);
  EXPECT_EQ(j.before(5)[8], 0x55);
  EXPECT_EQ(j.before(2)[0], 0xAA);
  EXPECT_EQ(j.before(9)[100], 0);
  // And the writes themselves landed
  EXPECT_EQ(ram.mem[5 * kPage + 7], 1);
  EXPECT_EQ(ram.mem[2 * kPage], 2);
  EXPECT_EQ(ram.mem[5 * kPage + 8], 3);
  EXPECT_EQ(ram.mem[9 * kPage + 100], 4);
  // And after disarm() writes are free again and not recorded
  ram.mem[11 * kPage] = 5;
  EXPECT_EQ(j.written().size(), 3u);

  // When armed again, the journal starts empty
  j.arm();
  ram.mem[2 * kPage + 1] = 6;
  j.disarm();
  ASSERT_EQ(j.written(), (std::vector<std::uint32_t>{2}));
  EXPECT_EQ(j.before(2)[0], 2) << "the contents at the second arm()";
}

TEST(page_journal, OnlyOneJournalIsArmedAtATime) {
  Ram a(4), b(4);
  PageJournal ja(a.mem, a.bytes), jb(b.mem, b.bytes);
  ja.arm();
  EXPECT_THROW(jb.arm(), std::runtime_error);
  EXPECT_FALSE(jb.armed());
  b.mem[0] = 1;  // b's RAM was never protected
  ja.disarm();
  jb.arm();
  a.mem[0] = 1;  // nor is a's any longer
  jb.disarm();
  EXPECT_TRUE(ja.written().empty());
}

TEST(page_journal, ListsEveryPageReadWrittenOrRunAndNoOther) {
  Ram ram(16);
  std::memset(ram.mem + 3 * kPage, 0x33, kPage);
  PageJournal j(ram.mem, ram.bytes);
  j.arm();
  volatile std::uint8_t sink = ram.mem[3 * kPage + 5];  // read only
  ram.mem[5 * kPage] = 1;                               // written
  j.note_exec(7 * kPage + kPage - 2, 4);                // a block across pages 7 and 8
  sink = ram.mem[7 * kPage];                            // code page read as data too: listed once
  (void)sink;
  j.disarm();
  std::vector<std::uint32_t> touched = j.touched();
  std::sort(touched.begin(), touched.end());
  EXPECT_EQ(touched, (std::vector<std::uint32_t>{3, 5, 7, 8}));
  EXPECT_EQ(j.written(), (std::vector<std::uint32_t>{5}));
  for (std::uint32_t p : {0u, 1u, 2u, 4u, 6u, 9u, 15u}) EXPECT_FALSE(j.accessed(p)) << p;
  for (std::uint32_t p : {3u, 5u, 7u, 8u}) EXPECT_TRUE(j.accessed(p)) << p;
  EXPECT_EQ(ram.mem[3 * kPage + 5], 0x33);
  // Re-armed: nothing accessed yet.
  j.arm();
  j.disarm();
  EXPECT_TRUE(j.touched().empty());
  EXPECT_FALSE(j.accessed(3));
}

}  // namespace
}  // namespace bootsim

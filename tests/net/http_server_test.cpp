// HTTP request parsing and path resolution (traversal, symlinks, encodings).
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>

#include "sim/net/http_server.h"

namespace bootsim {
namespace {

TEST(net_HttpParse, Table) {
  const struct {
    const char* name;
    std::string text;
    HttpParseStatus status;
    const char* method;
    const char* target;
    bool keep_alive;
  } cases[] = {
      {"GET 1.1", "GET /a HTTP/1.1\r\nHost: x\r\n\r\n", HttpParseStatus::kOk, "GET", "/a", true},
      {"HEAD", "HEAD /b?q=1 HTTP/1.1\r\n\r\n", HttpParseStatus::kOk, "HEAD", "/b?q=1", true},
      {"close", "GET / HTTP/1.1\r\nConnection: Close\r\n\r\n", HttpParseStatus::kOk, "GET", "/", false},
      {"1.0", "GET / HTTP/1.0\r\n\r\n", HttpParseStatus::kOk, "GET", "/", false},
      {"1.0 keep-alive", "GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n", HttpParseStatus::kOk, "GET", "/", true},
      {"incomplete", "GET /a HTTP/1.1\r\nHost: x\r\n", HttpParseStatus::kIncomplete, "", "", false},
      {"bad version", "GET /a HTTP/2.0\r\n\r\n", HttpParseStatus::kBad, "", "", false},
      {"no target", "GET HTTP/1.1\r\n\r\n", HttpParseStatus::kBad, "", "", false},
      {"extra space", "GET /a b HTTP/1.1\r\n\r\n", HttpParseStatus::kBad, "", "", false},
      {"bad header", "GET /a HTTP/1.1\r\nnocolon\r\n\r\n", HttpParseStatus::kBad, "", "", false},
      {"body", "GET /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", HttpParseStatus::kBad, "", "", false},
      {"huge head", "GET /" + std::string(20000, 'a'), HttpParseStatus::kBad, "", "", false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    HttpRequest r;
    std::size_t used = 0;
    EXPECT_EQ(parse_http_request(c.text, &r, &used), c.status);
    if (c.status == HttpParseStatus::kOk) {
      EXPECT_EQ(r.method, c.method);
      EXPECT_EQ(r.target, c.target);
      EXPECT_EQ(r.keep_alive, c.keep_alive);
      EXPECT_EQ(used, c.text.size());
    }
  }
}

TEST(net_HttpParse, PipelinedRequestsConsumeOneAtATime) {
  std::string two = "GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n";
  HttpRequest r;
  std::size_t used = 0;
  ASSERT_EQ(parse_http_request(two, &r, &used), HttpParseStatus::kOk);
  EXPECT_EQ(r.target, "/1");
  ASSERT_EQ(parse_http_request(two.substr(used), &r, &used), HttpParseStatus::kOk);
  EXPECT_EQ(r.target, "/2");
}

class net_HttpResolve : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/bootsim-http-test-XXXXXX";
    ASSERT_TRUE(::mkdtemp(tmpl));
    base_ = tmpl;
    root_ = base_ + "/root";
    ::mkdir(root_.c_str(), 0755);
    ::mkdir((root_ + "/sub").c_str(), 0755);
    std::ofstream(root_ + "/boot.ipxe") << "#!ipxe\n";
    std::ofstream(root_ + "/sub/a b.txt") << "x";
    std::ofstream(base_ + "/secret") << "outside";
    ASSERT_EQ(::symlink((base_ + "/secret").c_str(), (root_ + "/escape").c_str()), 0);
    ASSERT_EQ(::symlink("boot.ipxe", (root_ + "/inside-link").c_str()), 0);
    char real[PATH_MAX];
    ASSERT_TRUE(::realpath(root_.c_str(), real));
    root_real_ = real;
  }
  void TearDown() override { std::system(("rm -rf '" + base_ + "'").c_str()); }
  std::string base_, root_, root_real_;
};

TEST_F(net_HttpResolve, Table) {
  const struct {
    const char* target;
    int status;
  } cases[] = {
      {"/boot.ipxe", 200},
      {"/boot.ipxe?x=1", 200},
      {"http://10.0.2.100/boot.ipxe", 200},
      {"/sub/a%20b.txt", 200},
      {"/sub/../boot.ipxe", 200},
      {"/inside-link", 200},
      {"/missing", 404},
      {"/sub", 404},
      {"/../secret", 403},
      {"/sub/../../secret", 403},
      {"/%2e%2e/secret", 403},
      {"/%2E%2E%2Fsecret", 403},
      {"/escape", 403},
      {"/..%2f..%2f..%2fetc%2fpasswd", 403},
      {"/a%00b", 400},
      {"/bad%zz", 400},
      {"/trunc%2", 400},
      {"relative", 400},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.target);
    HttpResolution r = resolve_http_target(root_real_, c.target);
    EXPECT_EQ(r.status, c.status);
    if (c.status == 200) EXPECT_EQ(r.path.rfind(root_real_ + "/", 0), 0u) << r.path;
    else EXPECT_TRUE(r.path.empty());
  }
}

}  // namespace
}  // namespace bootsim

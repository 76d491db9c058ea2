// External servers' readiness (sim/net/netns_servers.h): the run starts once the servers listen on their
// ports in the namespace, and a server that never opens its port fails with the port and the command
// named. The namespace tests need root (or user namespaces) and /dev/net/tun; elsewhere they skip.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "sim/net/netns_servers.h"

namespace bootsim {
namespace {

TEST(ListenPorts, ParsesPortsAndProtocols) {
  auto p = parse_listen_ports(" 67/udp  80/tcp ");
  ASSERT_TRUE(p);
  ASSERT_EQ(p->size(), 2u);
  EXPECT_EQ((*p)[0], (ListenPort{67, false}));
  EXPECT_EQ((*p)[1], (ListenPort{80, true}));
  EXPECT_EQ((*p)[1].text(), "80/tcp");
  EXPECT_TRUE(parse_listen_ports("")->empty());
}

TEST(ListenPorts, RejectsWhatIsNotPortSlashProtocol) {
  for (const char* bad : {"67", "67/sctp", "0/udp", "65536/tcp", "x/udp", "/udp", "67/UDP", "-1/udp"})
    EXPECT_FALSE(parse_listen_ports(bad)) << bad;
}

/// A UDP/TCP listener on the given ports, as a server command (python3 is a test dependency already).
std::string listener(const std::string& binds) {
  return "exec python3 -c \"import socket,time\nfor port,kind in [" + binds +
         "]:\n s=socket.socket(socket.AF_INET,kind); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1); "
         "s.bind(('0.0.0.0',port))\n kind==socket.SOCK_STREAM and s.listen()\n globals().setdefault('keep',[]).append(s)\n"
         "time.sleep(60)\"";
}

NetnsServersConfig config(std::vector<std::string> commands, std::vector<std::vector<ListenPort>> listens) {
  NetnsServersConfig c;
  c.commands = std::move(commands);
  c.listens = std::move(listens);
  c.ready_timeout_ms = 1500;
  return c;
}

TEST(NetnsServersReadiness, StartsOnceThePortsListen) {
  if (auto why = NetnsServers::not_permitted(); !why.empty()) GTEST_SKIP() << why;
  NetnsServersConfig c = config({listener("(67,socket.SOCK_DGRAM),(80,socket.SOCK_STREAM)")}, {{{80, true}}});
  c.ready_timeout_ms = 10000;  // python's start-up on a loaded machine
  NetnsServers ns(c);
  EXPECT_GE(ns.tap_fd(), 0);
}

TEST(NetnsServersReadiness, APortNeverOpenedFailsNamingTheCommand) {
  if (auto why = NetnsServers::not_permitted(); !why.empty()) GTEST_SKIP() << why;
  std::string cmd = listener("(67,socket.SOCK_DGRAM)");
  try {
    NetnsServers ns(config({cmd}, {{{69, false}}}));
    FAIL() << "started although 69/udp never listened";
  } catch (const std::runtime_error& e) {
    std::string what = e.what();
    // 67/udp may be named too when python starts slowly; 69/udp must be, with its command.
    EXPECT_NE(what.find("not listening on "), std::string::npos) << what;
    EXPECT_NE(what.find("69/udp from server `" + cmd + "`"), std::string::npos) << what;
    EXPECT_NE(what.find("after 1500 ms"), std::string::npos) << what;
  }
}

TEST(NetnsServersReadiness, EveryPortNotListenedOnIsNamed) {
  if (auto why = NetnsServers::not_permitted(); !why.empty()) GTEST_SKIP() << why;
  try {
    NetnsServers ns(config({"exec sleep 60"}, {{{69, false}, {80, true}}}));
    FAIL() << "started without anything listening";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("not listening on 67/udp (DHCP) from any of the servers, nor on 69/udp "
                                         "from server `exec sleep 60`, nor on 80/tcp from server `exec sleep 60` "
                                         "after 1500 ms"),
              std::string::npos)
        << e.what();
  }
}

TEST(NetnsServersReadiness, NoDhcpServerFails) {
  if (auto why = NetnsServers::not_permitted(); !why.empty()) GTEST_SKIP() << why;
  try {
    NetnsServers ns(config({"exec sleep 60"}, {}));
    FAIL() << "started without anything on 67/udp";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("67/udp (DHCP)"), std::string::npos) << e.what();
  }
}

TEST(NetnsServersReadiness, AServerThatExitsFailsAtOnce) {
  if (auto why = NetnsServers::not_permitted(); !why.empty()) GTEST_SKIP() << why;
  try {
    NetnsServers ns(config({"exit 3"}, {}));
    FAIL() << "started although the server exited";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("server `exit 3` exited at once"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace bootsim

#!/bin/bash
# The pcap of an external-server run shows the real server's packets: the scenario's pcap (its first
# variant) holds a DHCPOFFER from the TAP (its MAC 52:55:0a:00:02:02, server identifier 10.0.2.2) that
# carries what only the real server sends:
#   dnsmasq: T1/T2 (option 58/59), which bootsim's built-in server does not send;
#   dhcpd:   the lease time of files/iscdhcpd/dhcpd.conf (3600 s) and its boot file for the ROM.
# Skipped (exit 0) when that run was skipped (no pcap).
#
# usage: external_pcap.sh OUT_DIR_OF_THE_SCENARIO [dnsmasq|dhcpd]
set -u
dir=$1
server=${2:-dnsmasq}
pcap=$(ls "$dir"/*/*.pcap "$dir"/*.pcap 2>/dev/null | head -1)
if [ -z "$pcap" ]; then echo "skipped: no pcap in $dir (external run skipped?)"; exit 0; fi
case $server in
  dnsmasq) want='^10\.0\.2\.2\t10\.0\.2\.2\t52:55:0a:00:02:02\t\d+\t' ;;
  dhcpd) want='^10\.0\.2\.2\t10\.0\.2\.2\t52:55:0a:00:02:02\t[^\t]*\t3600\tundionly\.kpxe$' ;;
  *) echo "unknown server $server"; exit 2 ;;
esac
offers=$(tshark -r "$pcap" -Y 'dhcp.option.dhcp == 2' -T fields -e ip.src -e dhcp.option.dhcp_server_id \
         -e eth.src -e dhcp.option.renewal_time_value -e dhcp.option.ip_address_lease_time -e dhcp.file 2>/dev/null)
echo "offers in $pcap (ip.src, server id, eth.src, T1, lease time, file):"; echo "$offers"
echo "$offers" | grep -qP "$want" ||
  { echo "FAIL: no DHCPOFFER from $server on the TAP (want /$want/)"; exit 1; }
echo ok

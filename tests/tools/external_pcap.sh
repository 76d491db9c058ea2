#!/bin/bash
# The pcap of an external-server run shows the real server's packets: scenario.xml.external_dnsmasq's
# pcap (its first variant) holds a DHCPOFFER whose server identifier is the TAP's address and which
# carries dnsmasq's own options (T1/T2, option 58/59, that bootsim's built-in server does not send).
# Skipped (exit 0) when that run was skipped (no pcap).
#
# usage: external_pcap.sh OUT_DIR_OF_external_dnsmasq
set -u
dir=$1
pcap=$(ls "$dir"/*/*.pcap "$dir"/*.pcap 2>/dev/null | head -1)
if [ -z "$pcap" ]; then echo "skipped: no pcap in $dir (external run skipped?)"; exit 0; fi
offers=$(tshark -r "$pcap" -Y 'dhcp.option.dhcp == 2' -T fields -e ip.src -e dhcp.option.dhcp_server_id \
         -e dhcp.option.renewal_time_value -e eth.src 2>/dev/null)
echo "offers in $pcap:"; echo "$offers"
echo "$offers" | grep -qP '^10\.0\.2\.2\t10\.0\.2\.2\t\d+\t52:55:0a:00:02:02' ||
  { echo "FAIL: no DHCPOFFER from dnsmasq (server id 10.0.2.2 with a renewal time, TAP MAC)"; exit 1; }
echo ok
